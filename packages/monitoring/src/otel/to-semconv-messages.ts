import type { ModelMessage, ModelStreamPart } from '@agentry/core';

/** @internal A message in the GenAI conventions' JSON shape (`gen_ai.*.messages`). */
export interface SemconvMessage {
  readonly role: string;
  readonly parts: readonly Record<string, unknown>[];
  readonly finish_reason?: string;
}

/**
 * @internal The conventions' shape of a request's messages. Tool-call arguments are parsed, so
 * that secret-named fields inside them are found and masked like any other field.
 */
export function toSemconvMessages(messages: readonly ModelMessage[]): SemconvMessage[] {
  return messages.map((message): SemconvMessage => {
    switch (message.role) {
      case 'system':
        return { role: 'system', parts: [{ type: 'text', content: message.content }] };
      case 'tool':
        return {
          role: 'tool',
          parts: message.content.map((part) => ({
            type: 'tool_call_response',
            id: part.toolCallId,
            response: part.output,
          })),
        };
      case 'user':
      case 'assistant':
        return {
          role: message.role,
          parts: message.content.map((part) => {
            switch (part.type) {
              case 'text':
                return { type: 'text', content: part.text };
              case 'reasoning':
                return { type: 'reasoning', content: part.text };
              case 'tool-call':
                return toolCall(part.toolCallId, part.toolName, part.input);
              case 'image':
                // The bytes or the address of an image are not telemetry; its kind is.
                return { type: 'blob', modality: 'image', mime_type: part.mediaType ?? null };
            }
          }),
        };
    }
  });
}

/** @internal Collects a response's text and tool calls from its stream, as one output message. */
export class OutputCollector {
  #text = '';
  readonly #calls: Record<string, unknown>[] = [];

  add(part: ModelStreamPart): void {
    if (part.type === 'text-delta') this.#text += part.delta;
    else if (part.type === 'tool-call-end') {
      this.#calls.push(toolCall(part.toolCallId, part.toolName, part.input));
    }
  }

  message(finishReason: string): SemconvMessage[] {
    const text = this.#text === '' ? [] : [{ type: 'text', content: this.#text }];
    return [{ role: 'assistant', parts: [...text, ...this.#calls], finish_reason: finishReason }];
  }
}

function toolCall(id: string, name: string, input: string): Record<string, unknown> {
  return { type: 'tool_call', id, name, arguments: parseArguments(input) };
}

function parseArguments(input: string): unknown {
  try {
    return JSON.parse(input) as unknown;
  } catch {
    // Arguments that are not JSON are recorded as the model sent them.
    return input;
  }
}
