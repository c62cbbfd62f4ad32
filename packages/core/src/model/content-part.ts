/** Text in a message. */
export interface TextPart {
  /** Discriminant. */
  type: 'text';
  /** The text. */
  text: string;
}

/** An image in a user message: by URL, or as bytes (a `Uint8Array`, or base64 text) with its media type. */
export interface ImagePart {
  /** Discriminant. */
  type: 'image';
  /** An `https:` or `data:` URL, a `Uint8Array`, or base64 text. */
  image: string | Uint8Array;
  /** The media type (`image/png`, …); required for bytes. */
  mediaType?: string;
}

/** A model's reasoning, kept so that providers that need it back (signed or encrypted) get it. */
export interface ReasoningPart {
  /** Discriminant. */
  type: 'reasoning';
  /** The reasoning text (may be empty when the provider only returns it encrypted). */
  text: string;
  /** Provider-specific data to send back with the reasoning, such as a signature. */
  providerMetadata?: Record<string, Record<string, unknown>>;
}

/** A tool call the model made. `input` is the arguments as the model wrote them: JSON text. */
export interface ToolCallPart {
  /** Discriminant. */
  type: 'tool-call';
  /** The provider's id for the call; tool results refer to it. */
  toolCallId: string;
  /** The tool's name. */
  toolName: string;
  /** The arguments as JSON text, exactly as the model produced them (possibly malformed). */
  input: string;
}

/** The result of a tool call, sent back to the model. */
export interface ToolResultPart {
  /** Discriminant. */
  type: 'tool-result';
  /** The id of the call this answers. */
  toolCallId: string;
  /** The tool's name. */
  toolName: string;
  /** The result: any JSON value. */
  output: unknown;
  /** Set when the tool failed or its input was refused; `output` then explains why. */
  isError?: boolean;
}

/** Anything a model message may hold. */
export type ContentPart = TextPart | ImagePart | ReasoningPart | ToolCallPart | ToolResultPart;
