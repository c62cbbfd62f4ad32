import { formatRealtimeOffset, newRealtimeEpoch } from '@agentry/core';
import {
  parseJsonEventStream,
  readUIMessageStream,
  uiMessageChunkSchema,
  UI_MESSAGE_STREAM_HEADERS as AI_SDK_HEADERS,
  type UIMessage,
  type UIMessageChunk,
} from 'ai';
import { describe, expect, it } from 'vitest';
import { byRun, scriptedRun } from './__fixtures__/scripted-run.js';
import type { AgUiEvent } from './ag-ui-types.js';
import {
  createAgUiMapper,
  createRunSnapshot,
  createUiMessageStreamEncoder,
  encodeUiMessageStream,
  UI_MESSAGE_STREAM_HEADERS,
} from './index.js';

/** Reads an SSE body the way an AI SDK client does: its parser, its chunk schema, its reader. */
async function read(body: string, message?: UIMessage): Promise<UIMessage | undefined> {
  const bytes = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(body));
      controller.close();
    },
  });
  const chunks = parseJsonEventStream({ stream: bytes, schema: uiMessageChunkSchema }).pipeThrough(
    new TransformStream<{ success: boolean; value?: unknown; error?: unknown }, UIMessageChunk>({
      transform(result, controller) {
        if (!result.success) throw result.error as Error;
        controller.enqueue(result.value as UIMessageChunk);
      },
    }),
  );
  let last: UIMessage | undefined = message;
  const errors: unknown[] = [];
  for await (const state of readUIMessageStream({
    stream: chunks,
    ...(message === undefined ? {} : { message: structuredClone(message) }),
    onError: (error) => errors.push(error),
  })) {
    last = structuredClone(state);
  }
  const thrown = errors.filter(
    (error) => !(error instanceof Error && error.message === 'Refused.'),
  );
  expect(thrown).toEqual([]);
  return last;
}

/** The message as a person sees it: adjacent text (or reasoning) joined, empty parts dropped, stream states left out. */
const visible = (message: UIMessage | undefined) => {
  const parts: unknown[] = [];
  for (const part of message?.parts ?? []) {
    if (part.type === 'text' || part.type === 'reasoning') {
      // A part cut by a resume continues as a new part: a person sees one stretch of text.
      if (part.text === '') continue;
      const previous = parts.at(-1) as { type: string; text: string } | undefined;
      if (previous?.type === part.type) previous.text += part.text;
      else parts.push({ type: part.type, text: part.text });
      continue;
    }
    parts.push(part);
  }
  return { id: message?.id, role: message?.role, parts };
};

async function scriptedEntries(): Promise<{ event: AgUiEvent; offset: string }[]> {
  const { events } = await scriptedRun();
  const mapper = createAgUiMapper();
  const [run] = byRun(events.flatMap((event) => mapper.map(event))) as [AgUiEvent[]];
  const epoch = newRealtimeEpoch();
  return run.map((event, index) => ({ event, offset: formatRealtimeOffset(epoch, index + 1) }));
}

describe('createUiMessageStreamEncoder', () => {
  it('serves a run that the AI SDK client reads as one assistant message with its reasoning, tool call and answer', async () => {
    const entries = await scriptedEntries();
    const body = encodeUiMessageStream(entries);
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(body).toMatch(/^id: [0-9a-f]{12}_\d{16}\ndata: \{"type":"start"/);
    const message = await read(body);
    const runId = (entries[0]?.event as { runId: string }).runId;
    expect(message?.id).toBe(runId);
    expect(message?.role).toBe('assistant');
    const parts = message?.parts ?? [];
    expect(parts.filter((part) => part.type === 'step-start')).toHaveLength(2);
    expect(parts.find((part) => part.type === 'reasoning')).toMatchObject({
      text: 'I should look it up.',
      state: 'done',
    });
    expect(parts.find((part) => part.type === 'tool-lookup')).toMatchObject({
      state: 'output-available',
      input: { query: 'weather' },
      output: { query: 'weather', answer: 'sunny' },
    });
    const texts = parts.filter((part) => part.type === 'text');
    // The failed attempt's text stays a part of its own (an AI SDK client cannot remove one),
    // named by the data-agentry.model-error part so a UI can hide it.
    const failure = parts.find((part) => part.type === 'data-agentry.model-error') as
      { data: { discardedMessageIds: string[] } } | undefined;
    expect(failure?.data.discardedMessageIds).toHaveLength(1);
    const kept = texts.filter(
      (part) =>
        !failure?.data.discardedMessageIds.includes(
          (part.providerMetadata?.agentry as { messageId: string }).messageId,
        ),
    );
    expect(kept.map((part) => part.text)).toEqual(['Sunny.']);
    expect(kept[0]?.state).toBe('done');
    expect(parts.filter((part) => part.type === 'data-agentry.usage')).toHaveLength(2);
  });

  it('resumes from every Last-Event-ID without repeating or losing a part', async () => {
    const entries = await scriptedEntries();
    const body = encodeUiMessageStream(entries);
    const whole = visible(await read(body));
    const events = body
      .split('\n\n')
      .filter((block) => block !== '')
      .map((block) => `${block}\n\n`);
    let checked = 0;
    for (let cut = 1; cut < events.length; cut++) {
      const prefix = events.slice(0, cut);
      const ids = prefix.flatMap((block) => /^id: (.+)$/m.exec(block)?.[1] ?? []);
      const lastEventId = ids.at(-1);
      if (lastEventId === undefined) continue;
      const before = await read(prefix.join(''));
      const rest = encodeUiMessageStream(entries, { lastEventId });
      // Nothing the client acknowledged is sent again.
      const acknowledged = prefix.filter((block) => /^id: /m.test(block)).at(-1) ?? '';
      expect(rest.includes(acknowledged)).toBe(false);
      const after = await read(rest, before);
      expect(visible(after), `resumed after ${lastEventId}`).toEqual(whole);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('resumes between two chunks of one event from the id of the first', async () => {
    const offset = (seq: number) => formatRealtimeOffset('000000000001', seq);
    const entries: { event: AgUiEvent; offset: string }[] = [
      { offset: offset(1), event: { type: 'RUN_STARTED', threadId: 't', runId: 'run-1' } },
      {
        offset: offset(2),
        event: { type: 'TEXT_MESSAGE_START', messageId: 'm', role: 'assistant' },
      },
      { offset: offset(3), event: { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm', delta: 'Half' } },
      { offset: offset(4), event: { type: 'TEXT_MESSAGE_END', messageId: 'm' } },
      {
        offset: offset(5),
        event: { type: 'RUN_ERROR', message: 'Refused.', code: 'invalid_request' },
      },
    ];
    const body = encodeUiMessageStream(entries);
    expect(body).toContain(`id: ${offset(5)}#1\ndata: {"type":"error","errorText":"Refused."}`);
    expect(body).toContain(`id: ${offset(5)}\ndata: {"type":"finish","finishReason":"error"}`);
    expect(encodeUiMessageStream(entries, { lastEventId: `${offset(5)}#1` })).toBe(
      `id: ${offset(5)}\ndata: {"type":"finish","finishReason":"error"}\n\ndata: [DONE]\n\n`,
    );
    expect(encodeUiMessageStream(entries, { lastEventId: offset(5) })).toBe('data: [DONE]\n\n');
    // Resumed in the middle of the text: the rest continues as a new part, nothing repeated.
    const before = await read(body.slice(0, body.indexOf(`id: ${offset(3)}`)));
    const after = await read(encodeUiMessageStream(entries, { lastEventId: offset(2) }), before);
    expect(visible(after).parts).toEqual([{ type: 'text', text: 'Half' }]);
    expect(after?.parts.filter((part) => part.type === 'text').map((part) => part.text)).toEqual([
      '',
      'Half',
    ]);
  });

  it('starts a late joiner from a run snapshot at any cut, with the answer a reader from the start sees', async () => {
    const entries = await scriptedEntries();
    const discarded = new Set(
      entries.flatMap(({ event }) =>
        event.type === 'CUSTOM' && event.name === 'agentry.model-error'
          ? (event.value as { discardedMessageIds: string[] }).discardedMessageIds
          : [],
      ),
    );
    // What a person sees of the answer: text, reasoning and tools, the failed attempt hidden.
    const answer = (message: UIMessage | undefined) =>
      visible({
        ...(message as UIMessage),
        parts: (message?.parts ?? []).filter(
          (part) =>
            (part.type === 'text' || part.type === 'reasoning' || part.type.startsWith('tool-')) &&
            !discarded.has(
              (part as { providerMetadata?: { agentry?: { messageId?: string } } }).providerMetadata
                ?.agentry?.messageId ?? '',
            ),
        ),
      });
    const whole = answer(await read(encodeUiMessageStream(entries)));
    expect(whole.parts.length).toBeGreaterThan(2);
    for (let cut = 1; cut <= entries.length; cut++) {
      const snapshot = createRunSnapshot();
      for (const { event } of entries.slice(0, cut)) snapshot.apply(event);
      const encoder = createUiMessageStreamEncoder();
      let body = encoder.encodeSnapshot(snapshot.snapshot(), entries[cut - 1]!.offset);
      for (const { event, offset } of entries.slice(cut)) body += encoder.encode(event, offset);
      expect(encoder.done).toBe(true);
      expect(answer(await read(body + encoder.end())), `snapshot at ${cut}`).toEqual(whole);
    }
  });

  it('refuses offsets out of order and ids it could not have sent', () => {
    const encoder = createUiMessageStreamEncoder();
    encoder.encode(
      { type: 'RUN_STARTED', threadId: 't', runId: 'r' },
      '000000000001_0000000000000002',
    );
    expect(() =>
      encoder.encode({ type: 'STEP_STARTED', stepName: 's' }, '000000000001_0000000000000002'),
    ).toThrow(expect.objectContaining({ code: 'invalid_request' }));
    expect(() =>
      createUiMessageStreamEncoder({ lastEventId: '000000000001_0000000000000002#x' }),
    ).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });

  it('sends the header AI SDK clients look for', () => {
    expect(UI_MESSAGE_STREAM_HEADERS['x-vercel-ai-ui-message-stream']).toBe(
      AI_SDK_HEADERS['x-vercel-ai-ui-message-stream'],
    );
    expect(UI_MESSAGE_STREAM_HEADERS['content-type']).toBe(AI_SDK_HEADERS['content-type']);
  });
});
