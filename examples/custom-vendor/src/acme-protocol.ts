/**
 * The Acme API, a fictional vendor's own wire protocol (nothing like OpenAI, Anthropic or
 * Gemini), as this provider speaks it:
 *
 * - `POST {endpoint}/v2/generate` answers one {@link AcmeAnswer} as JSON;
 * - `POST {endpoint}/v2/generate:stream` answers newline-delimited JSON: one {@link AcmeFrame}
 *   per line (`application/x-ndjson`), `begin` first and `end` last, or a `fault` frame when the
 *   model fails mid-stream;
 * - the key goes in the `x-acme-key` header; a failure is an HTTP status with an
 *   {@link AcmeFaultBody}, and a rate limit says when to come back in `acme-retry-in-ms`.
 *
 * The provider and the conformance encoder (`serve-acme.ts`) both use these types: the kit's
 * scenarios are written straight into Acme frames, without a translation layer.
 */

/** The header that carries the API key. */
export const ACME_KEY_HEADER = 'x-acme-key';

/** The header of a 429 that says how many milliseconds to wait before the next call. */
export const ACME_RETRY_HEADER = 'acme-retry-in-ms';

/** The path of a complete answer, after the endpoint. */
export const ACME_GENERATE_PATH = '/v2/generate';

/** The path of a streamed answer, after the endpoint. */
export const ACME_STREAM_PATH = '/v2/generate:stream';

/** One item of a turn or of an answer. */
export type AcmeItem =
  | { text: string }
  | { thought: string }
  | { image: { mime: string; base64: string } | { url: string } }
  | { call: { ref: string; tool: string; args: string } }
  | { result: { ref: string; tool: string; output: string; failed?: boolean } };

/** One turn of the conversation. */
export interface AcmeTurn {
  /** Who speaks: the user, the model (`agent`), or tools answering the model's calls. */
  speaker: 'user' | 'agent' | 'tool';
  /** What they say. */
  items: AcmeItem[];
}

/** A tool the model may call. */
export interface AcmeTool {
  /** The tool's name. */
  name: string;
  /** What it does. */
  about?: string;
  /** Its input, as a JSON schema. */
  params: Record<string, unknown>;
}

/** The request body of both paths. */
export interface AcmeRequest {
  /** The Acme model id, such as `acme-large`. */
  model: string;
  /** Standing instructions. */
  brief?: string;
  /** The conversation, oldest first. */
  turns: AcmeTurn[];
  /** The tools the model may call. */
  tools?: AcmeTool[];
  /** `auto` (default), `never`, `always`, or the name of the one tool to call. */
  tool_use?: string;
  /** The most tokens to write. */
  max_output?: number;
  /** Sampling temperature. */
  temperature?: number;
  /** Texts that end the answer. */
  halt_on?: string[];
}

/** Why the model stopped. */
export type AcmeStop = 'done' | 'max_output' | 'calls' | 'blocked';

/** Token counts: `in` includes `cached`, `out` includes `thinking`. */
export interface AcmeMeter {
  /** Prompt tokens. */
  in: number;
  /** Prompt tokens served from Acme's cache. */
  cached: number;
  /** Tokens written. */
  out: number;
  /** Tokens spent thinking. */
  thinking: number;
}

/** The kinds of failure Acme reports. */
export type AcmeFaultKind =
  | 'bad_request'
  | 'bad_key'
  | 'forbidden'
  | 'no_such_model'
  | 'too_long'
  | 'slow_down'
  | 'blocked'
  | 'broken'
  | 'busy';

/** A failure, as the body of an HTTP error or inside a `fault` frame. */
export interface AcmeFault {
  /** What failed. */
  kind: AcmeFaultKind;
  /** A sentence about it. */
  detail: string;
}

/** The body of an HTTP error. */
export interface AcmeFaultBody {
  /** The failure. */
  fault: AcmeFault;
}

/** One line of a streamed answer. */
export type AcmeFrame =
  | { frame: 'begin'; id: string }
  | { frame: 'thought'; text: string }
  | { frame: 'say'; text: string }
  | { frame: 'call'; ref: string; tool: string }
  | { frame: 'args'; ref: string; piece: string }
  | { frame: 'end'; stop: AcmeStop; meter: AcmeMeter }
  | { frame: 'fault'; fault: AcmeFault };

/** A complete answer. */
export interface AcmeAnswer {
  /** The answer's id. */
  id: string;
  /** What the model said: thoughts, text and calls, in order. */
  output: AcmeItem[];
  /** Why it stopped. */
  stop: AcmeStop;
  /** Token counts. */
  meter: AcmeMeter;
}
