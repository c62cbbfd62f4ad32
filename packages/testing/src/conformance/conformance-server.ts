import type { Emulator } from '../emulator/emulator.js';
import type { EmulatorApi } from '../emulator/emulator-types.js';
import type { ProtocolEmulator } from './serve/start-protocol-emulator.js';
import type { ConformanceTurn } from './serve/serve-types.js';
import { sentToolCallIds } from './tool-call-ids.js';

/**
 * A request the provider sent, as the checks look at it, whichever server answered.
 *
 * @internal
 */
export interface SeenRequest {
  /** The model the request names. */
  readonly model: string | undefined;
  /** The request headers, lower-cased. */
  readonly headers: Record<string, string>;
  /** The query parameters. */
  readonly query: Record<string, string>;
  /** The parsed body (or its text). */
  readonly body: unknown;
  /** The tool call ids and the ids of tool results the request sends back. */
  readonly toolCallIds: { calls: string[]; results: string[] };
}

/**
 * The server a check scripts and the provider talks to: the emulator in one of its wire formats,
 * or the kit's server answering through the author's `serve`.
 *
 * @internal
 */
export interface ConformanceServer {
  /** The base URL to give the provider. */
  readonly baseURL: string;
  /** The emulator, in the built-in wire format mode. */
  readonly emulator: Emulator | undefined;
  /** Adds turns to the script, answered in order. */
  enqueue(...turns: ConformanceTurn[]): void;
  /** Sets the turn that answers when the script is empty. */
  setDefault(turn: ConformanceTurn | undefined): void;
  /** Every request received, in order. */
  readonly requests: readonly SeenRequest[];
  /** How many sockets are open now. */
  readonly openConnections: number;
  /**
   * What the author's `serve` or `readRequest` did wrong since the last reset (threw, or left out
   * a fault's event); always empty for the built-in wire formats.
   */
  readonly problems: readonly string[];
  /** Forgets the script, the default turn, the request log and the problems. */
  reset(): void;
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * The conformance view of an emulator speaking `api`: requests carry the model and the tool call
 * ids read from the vendor's body.
 *
 * @internal
 */
export function emulatorServer(emulator: Emulator, api: EmulatorApi): ConformanceServer {
  return {
    baseURL: emulator.baseURL(api),
    emulator,
    enqueue: (...turns) => emulator.enqueue(...turns),
    setDefault: (turn) => emulator.setDefault(turn),
    get requests() {
      return emulator.requests.map((request) => ({
        model: request.model,
        headers: request.headers,
        query: request.query,
        body: request.body,
        toolCallIds: sentToolCallIds(api, request.body),
      }));
    },
    get openConnections() {
      return emulator.openConnections;
    },
    problems: [],
    reset: () => emulator.reset(),
    close: () => emulator.close(),
  };
}

/**
 * The conformance view of a protocol emulator: requests carry what the author's `readRequest`
 * read from them.
 *
 * @internal
 */
export function protocolServer(emulator: ProtocolEmulator): ConformanceServer {
  return {
    baseURL: emulator.url,
    emulator: undefined,
    enqueue: (...turns) => emulator.enqueue(...turns),
    setDefault: (turn) => emulator.setDefault(turn),
    get requests() {
      return emulator.requests.map((request) => ({
        model: request.model,
        headers: request.headers,
        query: request.query,
        body: request.body,
        toolCallIds: { calls: request.toolCallIds, results: request.toolResultIds },
      }));
    },
    get openConnections() {
      return emulator.openConnections;
    },
    get problems() {
      return emulator.problems;
    },
    reset: () => emulator.reset(),
    close: () => emulator.close(),
  };
}
