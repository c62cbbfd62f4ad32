import type { ModelMessage } from './model-message.js';

/** A JSON Schema document (draft 2020-12 subset that all three vendors accept). */
export type JsonSchema = Record<string, unknown>;

/** A tool the model may call. */
export interface ToolSpec {
  /** The tool's name: letters, digits, `_` and `-`, at most 64 characters. */
  name: string;
  /** What the tool does and when to use it; the model reads this. */
  description?: string;
  /** JSON Schema of the arguments object. */
  inputSchema: JsonSchema;
}

/** Whether and which tool the model must call. */
export type ToolChoice =
  | 'auto'
  | 'none'
  | 'required'
  /** The model must call this one tool. */
  | {
      /** Discriminant. */
      type: 'tool';
      /** The name of the tool the model must call. */
      toolName: string;
    };

/** The form of the answer: free text, or JSON matching a schema (the vendor's native JSON mode). */
export type ResponseFormat =
  /** Free text. */
  | {
      /** Discriminant. */
      type: 'text';
    }
  /** JSON matching a schema. */
  | {
      /** Discriminant. */
      type: 'json';
      /** The schema the answer must match. */
      schema: JsonSchema;
      /** A name for the schema, where the vendor wants one. */
      name?: string;
      /** What the answer is, where the vendor takes a description. */
      description?: string;
    };

/** Sampling and length parameters every provider understands. */
export interface ModelParameters {
  /** Sampling temperature. */
  temperature?: number;
  /** The most tokens to generate. */
  maxTokens?: number;
  /** Nucleus sampling mass. */
  topP?: number;
  /** Sequences that end the generation. */
  stop?: string[];
  /** Seed for providers that support repeatable sampling. */
  seed?: number;
}

/** One call to a model. */
export interface ModelRequest {
  /** The conversation, oldest first. */
  messages: ModelMessage[];
  /** System instructions. */
  system?: string;
  /** Tools the model may call. */
  tools?: ToolSpec[];
  /** Whether and which tool the model must call. */
  toolChoice?: ToolChoice;
  /** Free text or JSON matching a schema. */
  responseFormat?: ResponseFormat;
  /** Sampling and length parameters. */
  parameters?: ModelParameters;
  /** Options passed through to one provider, by provider type: `{ openai: { store: false } }`. */
  providerOptions?: Record<string, Record<string, unknown>>;
}

/** How a call is made. */
export interface ModelCallOptions {
  /**
   * Aborts the call; a stream in flight ends with an `aborted` error and its socket is closed. The
   * agent passes it as an accessor that makes the signal on first read.
   */
  signal?: AbortSignal;
  /** Extra HTTP headers for providers that speak HTTP. */
  headers?: Record<string, string>;
}
