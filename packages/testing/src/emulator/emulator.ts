import type { EmulatorApi, EmulatorRequest, EmulatorTurn, WireFormat } from './emulator-types.js';

/**
 * A running local provider emulator: an HTTP server on loopback that speaks the OpenAI (Chat
 * Completions and Responses), Anthropic (Messages) and Google Gemini wire formats, answering each
 * request with the next scripted turn. Point an official SDK at `baseURL(api)` and it talks to the
 * emulator as it would to the vendor.
 *
 * @example
 * ```ts
 * import { startEmulator } from '@agentry/testing';
 *
 * const emulator = await startEmulator();
 * emulator.enqueue({ text: 'Hello there' }, { kind: 'error', status: 429, headers: { 'retry-after': '1' } });
 * const call = () =>
 *   fetch(`${emulator.baseURL('openai-chat')}/chat/completions`, {
 *     method: 'POST',
 *     headers: { 'content-type': 'application/json' },
 *     body: JSON.stringify({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'Hi' }] }),
 *   });
 * console.log((await call()).status, (await call()).status); // 200 ("Hello there"), then 429
 * await emulator.close();
 * ```
 */
export interface Emulator {
  /** The server's address, such as `http://127.0.0.1:43123`. */
  readonly url: string;
  /**
   * The base URL an SDK is given for one API: `${url}/openai/v1` for `openai-chat` and
   * `openai-responses`, `${url}/anthropic` for `anthropic`, `${url}/google` for `google`.
   */
  baseURL(api: EmulatorApi): string;
  /** Adds turns to the script, answered in order (first in, first out) by requests to any API. */
  enqueue(...turns: EmulatorTurn[]): void;
  /** Sets the turn that answers when the script is empty; `undefined` makes such requests fail with a 500. */
  setDefault(turn: EmulatorTurn | undefined): void;
  /** Every request received, in order, including those that were answered with an error. */
  readonly requests: readonly EmulatorRequest[];
  /** How many scripted turns are still waiting. */
  readonly pending: number;
  /** How many sockets are open now (idle keep-alive sockets included). */
  readonly openConnections: number;
  /** Forgets the script, the default turn and the request log. */
  reset(): void;
  /** Stops the server: ends streams in progress and closes every socket. */
  close(): Promise<void>;
}

/**
 * Options of {@link startEmulator}.
 *
 * @example
 * ```ts
 * import { startEmulator, type EmulatorOptions } from '@agentry/testing';
 *
 * // A fixed port for a manual session, two scripted turns, then "ok" for every later request.
 * const options: EmulatorOptions = {
 *   port: 8787,
 *   turns: [{ text: 'First answer' }, { kind: 'error', status: 503 }],
 *   defaultTurn: { text: 'ok' },
 * };
 * const emulator = await startEmulator(options);
 * await emulator.close();
 * ```
 */
export interface EmulatorOptions {
  /** The port to listen on; default 0 (a free port). */
  port?: number;
  /** The address to listen on; default `127.0.0.1`. */
  host?: string;
  /** The initial script. */
  turns?: EmulatorTurn[];
  /** The turn that answers when the script is empty. */
  defaultTurn?: EmulatorTurn;
  /** The wire formats served; default all four. @internal */
  formats?: readonly WireFormat[];
}
