import { readFileSync } from 'node:fs';
import type { NormalizedReply, SseEvent } from '../../emulator-types.js';

/** The folder of one vendor's recordings. */
type Recordings = 'anthropic' | 'google' | 'openai-chat' | 'openai-responses';

const recording = (folder: Recordings, file: string) =>
  readFileSync(new URL(`./${folder}/${file}`, import.meta.url), 'utf8');

/** A recorded non-streamed body (`<name>.json`). */
export function recordedBody(folder: Recordings, name: string): Record<string, any> {
  return JSON.parse(recording(folder, `${name}.json`)) as Record<string, any>;
}

/** The payloads of a recorded stream (`<name>.chunks.txt`, one `data:` payload a line). */
export function recordedEvents(folder: Recordings, name: string): Record<string, any>[] {
  return recording(folder, `${name}.chunks.txt`)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, any>);
}

/** The JSON payloads of rendered events, leaving out a `[DONE]` sentinel. */
export function payloadsOf(events: readonly SseEvent[]): Record<string, any>[] {
  return events
    .filter((event) => event.data !== '[DONE]')
    .map((event) => JSON.parse(event.data) as Record<string, any>);
}

/** A reply with nothing in it, and `overrides`. */
export function normalizedReply(overrides: Partial<NormalizedReply> = {}): NormalizedReply {
  return {
    text: '',
    textChunks: [],
    reasoning: '',
    reasoningChunks: [],
    toolCalls: [],
    refusal: undefined,
    finishReason: 'stop',
    usage: {
      inputTokens: 12,
      outputTokens: 30,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
      reasoningTokens: 0,
    },
    id: 'abc123',
    created: 1_700_000_000,
    partialArguments: false,
    ...overrides,
  };
}

/** The keys of a JSON value, recursively and sorted: what a client reads, without the values. */
export function keysOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(keysOf);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, child]) => [key, keysOf(child)]),
    );
  }
  return '*';
}

/**
 * Every field path in a JSON value (`choices[].message.content`), sorted: its shape. Keys in
 * `ignore` are left out with what is under them.
 */
export function fieldPaths(value: unknown, ignore: readonly string[] = [], prefix = ''): string[] {
  if (Array.isArray(value)) {
    return [...new Set(value.flatMap((item) => fieldPaths(item, ignore, `${prefix}[]`)))].sort();
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .filter(([key]) => !ignore.includes(key))
      .flatMap(([key, item]) => {
        const path = prefix === '' ? key : `${prefix}.${key}`;
        return [path, ...fieldPaths(item, ignore, path)];
      })
      .sort();
  }
  return [];
}

/** A normalized tool call. */
export const toolCall = (id: string, name: string, args: string, argumentChunks: string[]) => ({
  id,
  name,
  arguments: args,
  argumentChunks,
});
