import {
  parseJsonEventStream,
  readUIMessageStream,
  uiMessageChunkSchema,
  type UIMessage,
  type UIMessageChunk,
} from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { createRunSnapshot, type AgUiEvent } from '../../payloads/index.js';
import { startTestServer, type TestServer } from '../__fixtures__/realtime-test-server.js';

let current: TestServer | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

const run = [
  { type: 'RUN_STARTED', threadId: 't-1', runId: 'r-1' },
  { type: 'TEXT_MESSAGE_START', messageId: 'm-1', role: 'assistant' },
  { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-1', delta: 'Hel' },
  { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-1', delta: 'lo' },
  { type: 'TEXT_MESSAGE_END', messageId: 'm-1' },
];
const finished = { type: 'RUN_FINISHED', threadId: 't-1', runId: 'r-1' };

function chunksOf(body: string): { id?: string; data: string }[] {
  return body
    .split('\n\n')
    .filter((block) => block.includes('data:'))
    .map((block) => {
      const id = /^id: (.*)$/m.exec(block)?.[1];
      return { ...(id !== undefined ? { id } : {}), data: /^data: (.*)$/m.exec(block)![1]! };
    });
}

/** Reads a response body the way an AI SDK client does: its SSE parser, chunk schema and reader. */
async function readAsAiSdk(body: ReadableStream<Uint8Array>): Promise<UIMessage | undefined> {
  const chunks = parseJsonEventStream({ stream: body, schema: uiMessageChunkSchema }).pipeThrough(
    new TransformStream<{ success: boolean; value?: unknown; error?: unknown }, UIMessageChunk>({
      transform(result, controller) {
        if (!result.success) throw result.error as Error;
        controller.enqueue(result.value as UIMessageChunk);
      },
    }),
  );
  let last: UIMessage | undefined;
  for await (const state of readUIMessageStream({
    stream: chunks,
    onError: (error) => {
      throw error;
    },
  }))
    last = structuredClone(state);
  return last;
}

/** The visible text of a message: its text parts joined (a resumed part continues in a new one). */
const textOf = (message: UIMessage | undefined): string =>
  (message?.parts ?? []).map((part) => (part.type === 'text' ? part.text : '')).join('');

describe('ui-stream route', () => {
  it('serves a run as the AI SDK UI message stream, ending with [DONE] once the run finishes', async () => {
    current = await startTestServer({ auth: 'none' });
    await current.log.create('run/r-1');
    await current.log.append(
      'run/r-1',
      run.map((event) => JSON.stringify(event)),
    );
    const response = await fetch(`${current.url}/realtime/ui-stream/run/r-1`);
    expect(response.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const finishing = response.text();
    await current.log.append('run/r-1', [JSON.stringify(finished)]);
    const chunks = chunksOf(await finishing);
    expect(chunks[chunks.length - 1]!.data).toBe('[DONE]');
    const parsed = chunks
      .slice(0, -1)
      .map((chunk) => JSON.parse(chunk.data) as { type: string; delta?: string });
    expect(
      parsed
        .filter((chunk) => chunk.type === 'text-delta')
        .map((chunk) => chunk.delta)
        .join(''),
    ).toBe('Hello');
    expect(parsed[0]!.type).toBe('start');
    expect(parsed[parsed.length - 1]!.type).toBe('finish');
  });

  it('resumes after Last-Event-ID without repeating a chunk', async () => {
    current = await startTestServer({ auth: 'none' });
    await current.log.create('run/r-2');
    await current.log.append(
      'run/r-2',
      [...run, finished].map((event) => JSON.stringify(event)),
    );
    const whole = chunksOf(await (await fetch(`${current.url}/realtime/ui-stream/run/r-2`)).text());
    const firstDelta = whole.findIndex((chunk) => chunk.data.includes('"Hel"'));
    const resumed = chunksOf(
      await (
        await fetch(`${current.url}/realtime/ui-stream/run/r-2`, {
          headers: { 'last-event-id': whole[firstDelta]!.id! },
        })
      ).text(),
    );
    // A text part open at the resume point continues as a new part (an AI SDK client cannot
    // re-open one); its text goes on from where the client stopped, nothing repeated.
    const parsed = resumed
      .slice(0, -1)
      .map((chunk) => JSON.parse(chunk.data) as { type: string; delta?: string });
    expect(
      parsed.filter((chunk) => chunk.type === 'text-delta').map((chunk) => chunk.delta),
    ).toEqual(['lo']);
    expect(parsed.map((chunk) => chunk.type)).toEqual([
      'text-start',
      'text-delta',
      'text-end',
      'finish',
    ]);
    expect(resumed[resumed.length - 1]!.data).toBe('[DONE]');
  });

  it('serves a run whose start retention dropped from its snapshot, then the entries after it', async () => {
    current = await startTestServer({ auth: 'none' });
    const events = [
      ...run.slice(0, 3),
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-1', delta: 'lo, ' },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-1', delta: 'world' },
      { type: 'TEXT_MESSAGE_END', messageId: 'm-1' },
    ] as AgUiEvent[];
    await current.log.create('run/r-5', { maxEntries: 3 });
    const { offsets } = await current.log.append(
      'run/r-5',
      events.map((event) => JSON.stringify(event)),
    );
    // Kept: the last three entries (after offsets[2]); the snapshot is as of 'Hel' (offsets[2]).
    const snapshot = createRunSnapshot();
    for (const event of events.slice(0, 3)) snapshot.apply(event);
    await current.log.putSnapshot('run/r-5', {
      offset: offsets[2]!,
      data: JSON.stringify(snapshot.snapshot()),
    });
    expect((await current.log.read('run/r-5', '-1')).truncated).toBe(true);

    const response = await fetch(`${current.url}/realtime/ui-stream/run/r-5`);
    expect(response.status).toBe(200);
    const reading = readAsAiSdk(response.body!);
    await current.log.append('run/r-5', [JSON.stringify(finished)]);
    const message = await reading;
    expect(message?.role).toBe('assistant');
    expect(message?.id).toBe('r-1');
    expect(textOf(message)).toBe('Hello, world');
  });

  it('resumes from the snapshot after Last-Event-ID without repeating, and refuses a resume from before it', async () => {
    current = await startTestServer({ auth: 'none' });
    const events = [
      ...run.slice(0, 3),
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-1', delta: 'lo' },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-1', delta: ', world' },
      { type: 'TEXT_MESSAGE_END', messageId: 'm-1' },
      finished,
    ] as AgUiEvent[];
    await current.log.create('run/r-7', { maxEntries: 4 });
    const { offsets } = await current.log.append(
      'run/r-7',
      events.map((event) => JSON.stringify(event)),
    );
    // Kept: offsets[3..6]; the snapshot is as of 'Hel' (offsets[2]).
    const snapshot = createRunSnapshot();
    for (const event of events.slice(0, 3)) snapshot.apply(event);
    await current.log.putSnapshot('run/r-7', {
      offset: offsets[2]!,
      data: JSON.stringify(snapshot.snapshot()),
    });
    // A client that had everything up to 'lo' (a one-chunk event's id is its offset).
    const resumed = await fetch(`${current.url}/realtime/ui-stream/run/r-7`, {
      headers: { 'last-event-id': offsets[3]! },
    });
    expect(resumed.status).toBe(200);
    const chunks = chunksOf(await resumed.text());
    const parsed = chunks
      .slice(0, -1)
      .map((chunk) => JSON.parse(chunk.data) as { type: string; delta?: string });
    expect(
      parsed.filter((chunk) => chunk.type === 'text-delta').map((chunk) => chunk.delta),
    ).toEqual([', world']);
    expect(parsed.at(-1)!.type).toBe('finish');
    expect(chunks.at(-1)!.data).toBe('[DONE]');

    // One that stopped at offsets[1] lacks 'Hel', which only the whole snapshot holds.
    const tooOld = await fetch(`${current.url}/realtime/ui-stream/run/r-7`, {
      headers: { 'last-event-id': offsets[1]! },
    });
    expect(tooOld.status).toBe(410);
    expect(((await tooOld.json()) as { error: { code: string } }).error.code).toBe('offset_gone');
  });

  it('answers 410 offset_gone when the run’s start is dropped and no snapshot reaches the kept entries', async () => {
    current = await startTestServer({ auth: 'none' });
    await current.log.create('run/r-6', { maxEntries: 2 });
    const { offsets } = await current.log.append(
      'run/r-6',
      run.map((event) => JSON.stringify(event)),
    );
    // A snapshot older than the kept entries would leave a hole: it is not used.
    await current.log.putSnapshot('run/r-6', {
      offset: offsets[0]!,
      data: JSON.stringify([run[0]]),
    });
    const response = await fetch(`${current.url}/realtime/ui-stream/run/r-6`);
    expect(response.status).toBe(410);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('offset_gone');
  });

  it('refuses a reader the ticket does not cover with 403', async () => {
    current = await startTestServer();
    await current.log.create('run/r-3');
    const ticket = current.realtime.issueTicket({
      userId: 'u-1',
      channels: ['run/r-4'],
      ttl: 60_000,
    });
    expect((await fetch(`${current.url}/realtime/ui-stream/run/r-3?ticket=${ticket}`)).status).toBe(
      403,
    );
  });
});
