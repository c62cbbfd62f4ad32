import type { AgentryError } from '../errors/index.js';
import type { FinishReason, Usage } from './model-response.js';

/**
 * A piece of a streamed model response. Text and reasoning come as start, deltas, end; a tool call
 * as `tool-call-start`, `tool-call-delta` (pieces of the JSON arguments) and `tool-call-end` (the
 * whole arguments text); the stream closes with one `response-end` carrying usage, or with an
 * `error`. Parts of different ids may interleave.
 *
 * @example
 * ```ts
 * import type { LanguageModel, ModelStreamPart } from '@agentry/core';
 *
 * declare const model: LanguageModel;
 * const stream: AsyncIterable<ModelStreamPart> = model.stream({
 *   messages: [{ role: 'user', content: [{ type: 'text', text: 'Tell me a joke.' }] }],
 * });
 * for await (const part of stream) {
 *   if (part.type === 'text-delta') process.stdout.write(part.delta);
 *   else if (part.type === 'tool-call-end') console.log(part.toolName, part.input);
 *   else if (part.type === 'response-end') console.log(part.finishReason, part.usage.totalTokens);
 *   else if (part.type === 'error') throw part.error; // parts before it are partial output
 * }
 * ```
 */
export type ModelStreamPart =
  /** A text block begins. */
  | {
      /** Discriminant. */
      type: 'text-start';
      /** The text block's id, shared by its deltas and its end. */
      id: string;
    }
  /** A piece of a text block. */
  | {
      /** Discriminant. */
      type: 'text-delta';
      /** The text block's id. */
      id: string;
      /** The text added. */
      delta: string;
    }
  /** A text block ends. */
  | {
      /** Discriminant. */
      type: 'text-end';
      /** The text block's id. */
      id: string;
    }
  /** A reasoning block begins. */
  | {
      /** Discriminant. */
      type: 'reasoning-start';
      /** The reasoning block's id, shared by its deltas and its end. */
      id: string;
    }
  /** A piece of a reasoning block. */
  | {
      /** Discriminant. */
      type: 'reasoning-delta';
      /** The reasoning block's id. */
      id: string;
      /** The reasoning text added. */
      delta: string;
    }
  /** A reasoning block ends. */
  | {
      /** Discriminant. */
      type: 'reasoning-end';
      /** The reasoning block's id. */
      id: string;
      /** Provider-specific data to send back with the reasoning, such as a signature. */
      providerMetadata?: Record<string, Record<string, unknown>>;
    }
  /** A tool call begins. */
  | {
      /** Discriminant. */
      type: 'tool-call-start';
      /** The provider's id for the call; its deltas, end and result refer to it. */
      toolCallId: string;
      /** The name of the tool called. */
      toolName: string;
    }
  /** A piece of a tool call's JSON arguments. */
  | {
      /** Discriminant. */
      type: 'tool-call-delta';
      /** The call's id. */
      toolCallId: string;
      /** The piece of the arguments' JSON text added. */
      delta: string;
    }
  /** A tool call ends, with its whole arguments. */
  | {
      /** Discriminant. */
      type: 'tool-call-end';
      /** The call's id. */
      toolCallId: string;
      /** The name of the tool called. */
      toolName: string;
      /** The whole arguments as JSON text, as the model produced them (possibly malformed). */
      input: string;
    }
  /** The response is complete: the stream's last part when it succeeds. */
  | {
      /** Discriminant. */
      type: 'response-end';
      /** Why the model stopped. */
      finishReason: FinishReason;
      /** The tokens the call used. */
      usage: Usage;
      /** The provider's response id and the model that answered, when known. */
      response?: {
        /** The provider's id for the response. */
        id?: string;
        /** The id of the model that answered, as the provider reports it. */
        modelId?: string;
      };
      /** Provider-specific data about the response. */
      providerMetadata?: Record<string, Record<string, unknown>>;
    }
  /** The call failed after some parts were sent; those parts are partial output. */
  | {
      /** Discriminant. */
      type: 'error';
      /** Why the call failed. */
      error: AgentryError;
    };
