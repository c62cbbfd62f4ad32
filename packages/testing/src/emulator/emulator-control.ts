import { AgentryError } from '@agentry/core';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Options of {@link createEmulatorControl}. @internal */
export interface EmulatorControlOptions<Turn> {
  /** Names the server in errors, such as `The emulator`. */
  label: string;
  /** The port to listen on; default 0 (a free port). */
  port?: number | undefined;
  /** The address to listen on; default `127.0.0.1`. */
  host?: string | undefined;
  /** The initial script. */
  turns?: readonly Turn[] | undefined;
  /** The turn that answers when the script is empty. */
  defaultTurn?: Turn | undefined;
  /** Answers one request; `signal` aborts when the client goes away or the server closes. */
  handle: (
    incoming: IncomingMessage,
    response: ServerResponse,
    signal: AbortSignal,
  ) => Promise<void>;
  /** Answers a request whose `handle` rejected before any header was sent. */
  fail: (response: ServerResponse, error: unknown) => void;
}

/** The script and connection members every emulator shows. @internal */
export interface EmulatorMembers<Turn, Request> {
  enqueue(...turns: Turn[]): void;
  setDefault(turn: Turn | undefined): void;
  readonly requests: readonly Request[];
  readonly pending: number;
  readonly openConnections: number;
  reset(): void;
  close(): Promise<void>;
}

/** What {@link createEmulatorControl} gives its emulator. @internal */
export interface EmulatorControl<Turn, Request> {
  /** The HTTP server; not listening until {@link EmulatorControl.listen}. */
  readonly server: Server;
  /** The requests received so far, in order. */
  readonly requests: readonly Request[];
  /** Logs a request. */
  record(request: Request): void;
  /** Takes the next scripted turn, else the default turn. */
  nextTurn(): Turn | undefined;
  /** Listens on the options' host and port; rejects with an `internal` AgentryError. */
  listen(): Promise<AddressInfo | string | null>;
  /**
   * `extra`'s members (getters kept) followed by the emulator's script and connection members;
   * `onReset` runs on `reset()` after the script, default turn and request log are cleared.
   */
  members<Extra extends object>(
    extra: Extra,
    onReset?: () => void,
  ): EmulatorMembers<Turn, Request> & Extra;
}

/**
 * The server control shared by the provider emulator and the protocol emulator: the turn script,
 * the request log, in-flight aborts, socket tracking, listening and closing.
 *
 * @example
 * ```ts
 * const control = createEmulatorControl({ label: 'The emulator', handle, fail });
 * await control.listen();
 * return control.members({ url });
 * ```
 * @internal
 */
export function createEmulatorControl<Turn, Request>(
  options: EmulatorControlOptions<Turn>,
): EmulatorControl<Turn, Request> {
  let queue: Turn[] = [...(options.turns ?? [])];
  let defaultTurn = options.defaultTurn;
  let requests: Request[] = [];
  const sockets = new Set<Socket>();
  const inFlight = new Set<AbortController>();
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;

  const server = createServer((incoming, response) => {
    const controller = new AbortController();
    inFlight.add(controller);
    response.on('close', () => {
      inFlight.delete(controller);
      if (!response.writableFinished) controller.abort();
    });
    options.handle(incoming, response, controller.signal).catch((error: unknown) => {
      if (response.headersSent) response.destroy();
      else options.fail(response, error);
    });
  });
  // Only sockets that carried a request count: a client such as undici may open a spare
  // connection after an abort that it never uses, and abort tests must not see it.
  server.on('request', ({ socket }: IncomingMessage) => {
    if (sockets.has(socket) || socket.destroyed) return;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  const listen = async (): Promise<AddressInfo | string | null> => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          new AgentryError({
            code: 'internal',
            message: `${options.label} could not listen on ${host}:${port}: ${error.message}`,
            details: { host, port, errno: error.code },
            suggestions: ['Choose another port, or port 0 for a free one.'],
            cause: error,
          }),
        );
      });
      server.listen(port, host, () => {
        server.removeAllListeners('error');
        // A failed accept after listening must not crash the test run; the client sees it anyway.
        server.on('error', () => undefined);
        resolve();
      });
    });
    return server.address();
  };

  let closing: Promise<void> | undefined;
  const members = <Extra extends object>(
    extra: Extra,
    onReset?: () => void,
  ): EmulatorMembers<Turn, Request> & Extra => {
    const own: EmulatorMembers<Turn, Request> = {
      enqueue: (...turns) => {
        queue.push(...turns);
      },
      setDefault: (turn) => {
        defaultTurn = turn;
      },
      get requests() {
        return requests;
      },
      get pending() {
        return queue.length;
      },
      get openConnections() {
        let open = 0;
        for (const socket of sockets) if (!socket.destroyed) open += 1;
        return open;
      },
      reset: () => {
        queue = [];
        defaultTurn = undefined;
        requests = [];
        onReset?.();
      },
      close: () => {
        closing ??= new Promise<void>((resolve, reject) => {
          for (const controller of inFlight) controller.abort();
          server.close((error) => (error === undefined ? resolve() : reject(error)));
          server.closeAllConnections();
        });
        return closing;
      },
    };
    const target: object = Object.defineProperties({}, Object.getOwnPropertyDescriptors(extra));
    return Object.defineProperties(
      target,
      Object.getOwnPropertyDescriptors(own),
    ) as EmulatorMembers<Turn, Request> & Extra;
  };

  return {
    server,
    get requests() {
      return requests;
    },
    record: (request) => {
      requests.push(request);
    },
    nextTurn: () => queue.shift() ?? defaultTurn,
    listen,
    members,
  };
}
