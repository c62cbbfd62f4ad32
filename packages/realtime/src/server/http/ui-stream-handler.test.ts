import { afterEach, describe, expect, it } from 'vitest';
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
