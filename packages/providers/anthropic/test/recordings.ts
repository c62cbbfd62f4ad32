import { readFileSync } from 'node:fs';
import type { EmulatorFailure } from '@agentry/testing';

const folder = new URL('../src/__fixtures__/wire/', import.meta.url);

/** The recordings of the live Messages API in `src/__fixtures__/wire`. */
export type RecordingName =
  'anthropic-text' | 'anthropic-tool-no-args' | 'anthropic-json-tool.1' | 'anthropic-refusal';

/** A recorded complete message, as its JSON body. */
export function recordedMessage(name: RecordingName): Record<string, any> {
  return JSON.parse(readFileSync(new URL(`${name}.json`, folder), 'utf8'));
}

/** A recorded stream, as the data of its events. */
export function recordedEvents(name: RecordingName): Record<string, any>[] {
  return readFileSync(new URL(`${name}.chunks.txt`, folder), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

/**
 * An emulator turn that answers with a recording byte for byte: a 200 response whose raw body is
 * the recorded message, or the recorded events as server-sent events named after their type.
 */
export function replay(name: RecordingName, stream: boolean): EmulatorFailure {
  if (!stream) return { kind: 'error', status: 200, body: recordedMessage(name) };
  const body = recordedEvents(name)
    .map((event) => `event: ${String(event['type'])}\ndata: ${JSON.stringify(event)}\n\n`)
    .join('');
  return {
    kind: 'error',
    status: 200,
    body,
    headers: { 'content-type': 'text/event-stream; charset=utf-8' },
  };
}
