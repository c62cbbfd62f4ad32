import { AgentryError } from '@agentry/core';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { lowerCaseHeaders, readBody } from '../../emulator/create-emulator-server.js';
import { createEmulatorControl } from '../../emulator/emulator-control.js';
import { globalTimers } from '../../mock-model/mock-timers.js';
import { pause, type TurnWriter } from '../../emulator/write-turn.js';
import { toConformanceScenario } from './to-conformance-scenario.js';
import type {
  ConformanceRequest,
  ConformanceRequestInfo,
  ConformanceServe,
  ConformanceTurn,
} from './serve-types.js';
import { writeAnswer } from './write-answer.js';

/**
 * Options of {@link startProtocolEmulator}.
 *
 * @example
 * ```ts
 * const options: ProtocolEmulatorOptions = { serve: serveAcme, turns: [{ text: 'Hello' }] };
 * ```
 */
export interface ProtocolEmulatorOptions {
  /** Your vendor's encoder: answers each scripted turn in your protocol. */
  serve: ConformanceServe;
  /**
   * Reads the model and the tool call ids from a request in your protocol, for `requests`;
   * default: no model and no ids.
   */
  readRequest?: (request: ConformanceRequest) => ConformanceRequestInfo;
  /** The port to listen on; default 0 (a free port). */
  port?: number;
  /** The address to listen on; default `127.0.0.1`. */
  host?: string;
  /** The initial script. */
  turns?: ConformanceTurn[];
  /** The turn that answers when the script is empty. */
  defaultTurn?: ConformanceTurn;
}

/**
 * A request the protocol emulator received: what was sent, and what `readRequest` read from it.
 *
 * @example
 * ```ts
 * const [first] = emulator.requests;
 * first?.model; // 'acme-large'
 * first?.headers['x-acme-key'];
 * ```
 */
export interface ProtocolRequest extends ConformanceRequest, ConformanceRequestInfo {}

/**
 * A running emulator of your own protocol: the provider emulator's script (turns answered in
 * order, a default turn, delays, pacing, resets, stalls), with every answer encoded by your
 * `serve`.
 *
 * @example
 * ```ts
 * const emulator = await startProtocolEmulator({ serve: serveAcme });
 * emulator.enqueue({ kind: 'error', status: 503 }, { text: 'Back again.' });
 * // … point your provider at emulator.url
 * await emulator.close();
 * ```
 */
export interface ProtocolEmulator {
  /** The server's address, such as `http://127.0.0.1:43123`: give it to your provider as its base URL. */
  readonly url: string;
  /** Adds turns to the script, answered in order (first in, first out). */
  enqueue(...turns: ConformanceTurn[]): void;
  /** Sets the turn that answers when the script is empty; `undefined` makes such requests fail with a 500. */
  setDefault(turn: ConformanceTurn | undefined): void;
  /** Every request received, in order. */
  readonly requests: readonly ProtocolRequest[];
  /** How many scripted turns are still waiting. */
  readonly pending: number;
  /** How many sockets are open now (idle keep-alive sockets included). */
  readonly openConnections: number;
  /**
   * What `serve` or `readRequest` did wrong (threw, returned an answer of the wrong shape, left
   * out a fault's event), in order; each was answered with a 500 or a reset.
   */
  readonly problems: readonly string[];
  /** Forgets the script, the default turn, the request log and the problems. */
  reset(): void;
  /** Stops the server: ends streams in progress and closes every socket. */
  close(): Promise<void>;
}

const readNothing = (): ConformanceRequestInfo => ({
  model: undefined,
  toolCallIds: [],
  toolResultIds: [],
});

/**
 * Starts an emulator of your own protocol: an HTTP server on loopback that answers every request
 * with the next scripted turn, encoded by your `serve`, and writes the answer with the turn's
 * delays (`delayMs`, `chunkDelayMs`) and faults (`resetAfterChunks`, `stallAfterChunks`, and the
 * `faultEvent` of your answer for `malformedAfterChunks` and `streamError`). The provider
 * conformance kit runs on it when you give `serve`; start one yourself to test your provider in an
 * app (a fallback chain, an agent) without the vendor. What your functions do wrong is kept in
 * `problems` and answered with a 500.
 *
 * @throws AgentryError `validation_failed` when `serve` is not a function; `internal` when the
 *   server cannot listen
 * @example
 * ```ts
 * import { startProtocolEmulator } from '@agentry/testing';
 *
 * const emulator = await startProtocolEmulator({ serve: serveAcme, defaultTurn: { text: 'Hi!' } });
 * const provider = createAcmeProvider({ baseURL: emulator.url, apiKey: 'test-key' });
 * // … provider.createModel('acme-large').generate(…) answers "Hi!"
 * await emulator.close();
 * ```
 */
export async function startProtocolEmulator(
  options: ProtocolEmulatorOptions,
): Promise<ProtocolEmulator> {
  const { serve, readRequest = readNothing } = options;
  if (typeof serve !== 'function') {
    throw new AgentryError({
      code: 'validation_failed',
      message: `startProtocolEmulator: options.serve is ${typeof serve}, not a function.`,
      details: { path: 'options.serve' },
      suggestions: [
        'Give serve(scenario, request), which returns { body } or { events } in your protocol.',
      ],
    });
  }
  let problems: string[] = [];
  const control = createEmulatorControl<ConformanceTurn, ProtocolRequest>({
    label: 'The protocol emulator',
    port: options.port,
    host: options.host,
    turns: options.turns,
    defaultTurn: options.defaultTurn,
    handle: (incoming, response, signal) => handle(incoming, response, signal),
    fail: (response, error) => refuse(response, `The kit's server failed: ${reason(error)}`),
  });

  const refuse = (response: ServerResponse, problem: string): void => {
    problems.push(problem);
    response.statusCode = 500;
    response.setHeader('content-type', 'text/plain; charset=utf-8');
    response.end(problem);
  };

  const handle = async (
    incoming: IncomingMessage,
    response: ServerResponse,
    signal: AbortSignal,
  ): Promise<void> => {
    const url = new URL(incoming.url ?? '/', 'http://conformance');
    const text = await readBody(incoming);
    const request: ConformanceRequest = {
      method: incoming.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: lowerCaseHeaders(incoming.headers),
      body: parseBody(text),
      text,
    };
    const where = `${request.method} ${request.path} (request ${control.requests.length + 1})`;
    let info: ConformanceRequestInfo;
    try {
      info = readRequest(request);
    } catch (error) {
      refuse(response, `readRequest threw for ${where}: ${reason(error)}`);
      return;
    }
    control.record({
      ...request,
      model: info.model,
      toolCallIds: [...info.toolCallIds],
      toolResultIds: [...info.toolResultIds],
    });

    const turn = control.nextTurn();
    if (turn === undefined) {
      refuse(response, `The script of the check was exhausted at ${where}.`);
      return;
    }
    const scenario = toConformanceScenario(turn, request);
    let answer;
    try {
      answer = await serve(scenario, request);
    } catch (error) {
      refuse(response, `serve threw for ${where}: ${reason(error)}`);
      return;
    }
    const writer: TurnWriter = {
      response,
      signal,
      timers: globalTimers,
      context: {},
    };
    await pause(turn.delayMs, globalTimers, signal);
    if (signal.aborted) return;
    const problem = await writeAnswer(writer, scenario, answer, turn);
    if (problem !== undefined) problems.push(`serve, for ${where}: ${problem}`);
  };

  const host = options.host ?? '127.0.0.1';
  const address = await control.listen();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return control.members(
    {
      url: `http://${shownHost}:${port}`,
      get problems(): readonly string[] {
        return problems;
      },
    },
    () => {
      problems = [];
    },
  );
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
