import type {
  ImagePart,
  ReasoningPart,
  TextPart,
  ToolCallPart,
  ToolResultPart,
} from './content-part.js';

/** Instructions in the conversation (besides `ModelRequest.system`). */
export interface ModelSystemMessage {
  /** Discriminant. */
  role: 'system';
  /** The instructions. */
  content: string;
}

/** What the user said: text and images. */
export interface ModelUserMessage {
  /** Discriminant. */
  role: 'user';
  /** Text and images, in order. */
  content: (TextPart | ImagePart)[];
}

/** What the model said earlier: text, reasoning and tool calls. */
export interface ModelAssistantMessage {
  /** Discriminant. */
  role: 'assistant';
  /** Text, reasoning and tool calls, in order. */
  content: (TextPart | ReasoningPart | ToolCallPart)[];
}

/** The results of the tool calls of the assistant message before it. */
export interface ModelToolMessage {
  /** Discriminant. */
  role: 'tool';
  /** One result per call. */
  content: ToolResultPart[];
}

/** A message as the model contract carries it; providers map these to their wire formats. */
export type ModelMessage =
  ModelSystemMessage | ModelUserMessage | ModelAssistantMessage | ModelToolMessage;
