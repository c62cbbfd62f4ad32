import type { EmulatorApi } from '../emulator/emulator-types.js';

/** The tool calls and tool results a request body sends back, by call id, in order. @internal */
export interface SentToolCallIds {
  /** The ids of the assistant's tool calls. */
  calls: string[];
  /** The ids the tool results answer. */
  results: string[];
}

type Entry = Record<string, unknown>;

function records(value: unknown): Entry[] {
  return Array.isArray(value)
    ? value.filter((item): item is Entry => typeof item === 'object' && item !== null)
    : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function collect(target: string[], value: string | undefined): void {
  if (value !== undefined) target.push(value);
}

/**
 * Reads the tool calls and results a provider sent back from its request body, in the vendor's
 * wire format: Chat Completions `tool_calls[].id` and `tool_call_id`, Responses `function_call`
 * and `function_call_output` items' `call_id`, Anthropic `tool_use.id` and
 * `tool_result.tool_use_id`, Gemini `functionCall` and `functionResponse` (their `id`, or
 * `name:<tool>` when the id is left out).
 *
 * @internal
 */
export function sentToolCallIds(api: EmulatorApi, body: unknown): SentToolCallIds {
  const found: SentToolCallIds = { calls: [], results: [] };
  const root = typeof body === 'object' && body !== null ? (body as Entry) : {};
  switch (api) {
    case 'openai-chat':
      for (const message of records(root.messages)) {
        for (const call of records(message.tool_calls)) collect(found.calls, text(call.id));
        if (message.role === 'tool') collect(found.results, text(message.tool_call_id));
      }
      break;
    case 'openai-responses':
      for (const item of records(root.input)) {
        if (item.type === 'function_call') collect(found.calls, text(item.call_id));
        if (item.type === 'function_call_output') collect(found.results, text(item.call_id));
      }
      break;
    case 'anthropic':
      for (const message of records(root.messages)) {
        for (const block of records(message.content)) {
          if (block.type === 'tool_use') collect(found.calls, text(block.id));
          if (block.type === 'tool_result') collect(found.results, text(block.tool_use_id));
        }
      }
      break;
    case 'google':
      for (const content of records(root.contents)) {
        for (const part of records(content.parts)) {
          for (const [key, target] of [
            ['functionCall', found.calls],
            ['functionResponse', found.results],
          ] as const) {
            const value = part[key];
            if (typeof value !== 'object' || value === null) continue;
            const call = value as Entry;
            collect(target, text(call.id) ?? `name:${text(call.name) ?? '?'}`);
          }
        }
      }
      break;
  }
  return found;
}
