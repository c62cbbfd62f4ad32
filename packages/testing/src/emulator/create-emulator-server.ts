import { AgentryError } from '@agentry/core';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { globalTimers, type MockTimers } from '../mock-model/mock-timers.js';
import type { Emulator, EmulatorOptions } from './emulator.js';
import { createEmulatorControl } from './emulator-control.js';
import type { EmulatorApi, EmulatorRequest, EmulatorTurn, WireFormat } from './emulator-types.js';
import type { NormalizeReplyContext } from './normalize-reply.js';
import { writeFailure, writeReply } from './write-turn.js';

/** Options of {@link createEmulatorServer}: the public options plus what tests inject. @internal */
export interface EmulatorServerOptions extends EmulatorOptions {
  /** The wire formats served. */
  formats: readonly WireFormat[];
  /** The timers delays wait on; default the global ones. */
  timers?: MockTimers;
  /** Id and clock sources for replies. */
  context?: NormalizeReplyContext;
}

const basePaths: Record<EmulatorApi, string> = {
  'openai-chat': '/openai/v1',
  'openai-responses': '/openai/v1',
  anthropic: '/anthropic',
  google: '/google',
};

/**
 * Starts the emulator's HTTP server with the given wire formats. `startEmulator` calls it with the
 * four vendor formats; tests of the server pass their own.
 *
 * Routing: the first path segment picks the formats with that prefix, and the first whose `match`
 * accepts the method, path, query and JSON body serves the request. Anything else is a 404, and a
 * body that is not JSON a 400, both as `{ error: { message, type } }`.
 *
 * @example
 * ```ts
 * const emulator = await createEmulatorServer({ formats: [myFormat], turns: [{ text: 'hi' }] });
 * ```
 * @internal
 */
export async function createEmulatorServer(options: EmulatorServerOptions): Promise<Emulator> {
  const { formats } = options;
  const timers = options.timers ?? globalTimers;
  const context = options.context ?? {};
  const control = createEmulatorControl<EmulatorTurn, EmulatorRequest>({
    label: 'The emulator',
    port: options.port,
    host: options.host,
    turns: options.turns,
    defaultTurn: options.defaultTurn,
    handle: (incoming, response, signal) => handle(incoming, response, signal),
    fail: (response, error) => {
      const reason = error instanceof Error ? error.message : String(error);
      sendError(response, 500, `The emulator failed: ${reason}`, 'emulator_error');
    },
  });

  const handle = async (
    incoming: IncomingMessage,
    response: ServerResponse,
    signal: AbortSignal,
  ): Promise<void> => {
    const method = incoming.method ?? 'GET';
    const url = new URL(incoming.url ?? '/', 'http://emulator');
    const path = url.pathname;
    const prefix = `/${path.split('/')[1] ?? ''}`;
    const candidates = formats.filter((format) => format.prefix === prefix);
    if (candidates.length === 0) {
      incoming.resume();
      sendError(response, 404, `The emulator serves no API at ${method} ${path}.`, 'not_found');
      return;
    }

    const raw = await readBody(incoming);
    let body: unknown = undefined;
    if (raw.trim() !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        const message = `The body of ${method} ${path} is not JSON.`;
        sendError(response, 400, message, 'invalid_request');
        return;
      }
    }

    const rest = path.slice(prefix.length) || '/';
    let served: { format: WireFormat; stream: boolean; model: string | undefined } | undefined;
    for (const format of candidates) {
      const match = format.match(method, rest, url.searchParams, body);
      if (match !== undefined) {
        served = { format, ...match };
        break;
      }
    }
    if (served === undefined) {
      sendError(response, 404, `The emulator serves no API at ${method} ${path}.`, 'not_found');
      return;
    }

    const request: EmulatorRequest = {
      api: served.format.api,
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers: lowerCaseHeaders(incoming.headers),
      body,
      model: served.model,
      stream: served.stream,
    };
    control.record(request);

    const turn = control.nextTurn();
    if (turn === undefined) {
      const message =
        `emulator script exhausted: no turn left for ${method} ${path} ` +
        `(request ${control.requests.length}); enqueue more turns or set a default turn.`;
      sendError(response, 500, message, 'emulator_script_exhausted');
      return;
    }
    let answer;
    try {
      answer = typeof turn === 'function' ? turn(request) : turn;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      sendError(response, 500, `The emulator's turn function threw: ${reason}`, 'emulator_turn');
      return;
    }

    const writer = { response, signal, timers, context };
    if (answer.kind === 'error') await writeFailure(writer, served.format, answer);
    else await writeReply(writer, served.format, answer, request);
  };

  const address = await control.listen();
  if (address === null || typeof address === 'string') {
    await new Promise((resolve) => control.server.close(resolve));
    throw new AgentryError({
      code: 'internal',
      message: `The emulator's server has no TCP address (got ${String(address)}).`,
      details: { address },
      suggestions: ['Start the emulator with a numeric port and an IP host.'],
    });
  }
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  return control.members({
    url,
    baseURL: (api: EmulatorApi) => `${url}${basePaths[api]}`,
  });
}

/** Reads a request's body as UTF-8 text. @internal */
export function readBody(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    incoming.on('error', reject);
  });
}

/** A request's headers with lower-cased names, repeated values joined. @internal */
export function lowerCaseHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

function sendError(response: ServerResponse, status: number, message: string, type: string): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ error: { message, type } }));
}
