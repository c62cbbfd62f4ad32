import { createAgent, defineTool } from '@agentry/core';
import { createMockModel, mockText, mockToolCall } from '@agentry/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

const results = (model: ReturnType<typeof createMockModel>) => {
  const last = model.calls.at(-1)?.request.messages.at(-1);
  return last?.role === 'tool' ? last.content : [];
};

describe('tool calls', () => {
  afterEach(() => vi.useRealTimers());

  it('sends a thrown error back to the model as an error result and carries on', async () => {
    const failing = defineTool({
      name: 'lookup',
      description: 'Looks up.',
      input: z.object({ id: z.string() }),
      execute: () => Promise.reject(new Error('database is down')),
    });
    const model = createMockModel({
      script: [mockToolCall('lookup', { id: '7' }), mockText('Sorry, the lookup failed.')],
    });
    const result = await createAgent({ model, tools: [failing] }).send('find 7');
    expect(result.text).toBe('Sorry, the lookup failed.');
    expect(results(model)).toMatchObject([
      { toolName: 'lookup', isError: true, output: { error: { message: 'database is down' } } },
    ]);
  });

  it('gives up on a tool that hangs past its timeout, aborting its signal', async () => {
    let aborted = false;
    const hanging = defineTool({
      name: 'slow',
      description: 'Never answers.',
      input: z.object({}),
      timeout: 50,
      execute: (_input, { signal }) =>
        new Promise((resolve) =>
          signal.addEventListener('abort', () => ((aborted = true), resolve('late'))),
        ),
    });
    const model = createMockModel({
      script: [mockToolCall('slow', {}), mockText('It timed out.')],
    });
    await createAgent({ model, tools: [hanging] }).send('go');
    expect(aborted).toBe(true);
    expect(results(model)).toMatchObject([
      { isError: true, output: { error: { code: 'timeout' } } },
    ]);
  });

  it.each([
    ['truncated JSON', '{"id": "7'],
    ['not JSON', 'id=7'],
    ['the wrong shape', '{"identifier": 7}'],
    ['a wrong type', '{"id": 7}'],
  ])('never executes a call with %s and tells the model why', async (_name, input) => {
    const execute = vi.fn(() => 'ran');
    const tool = defineTool({
      name: 'lookup',
      description: 'Looks up.',
      input: z.object({ id: z.string() }),
      execute,
    });
    const model = createMockModel({ script: [mockToolCall('lookup', input), mockText('ok')] });
    await createAgent({ model, tools: [tool] }).send('go');
    expect(execute).not.toHaveBeenCalled();
    expect(results(model)).toMatchObject([
      { isError: true, output: { error: { code: 'invalid_request' } } },
    ]);
  });

  it('runs parallel calls concurrently, with arguments streamed in many pieces', async () => {
    let running = 0;
    let peak = 0;
    const tool = defineTool({
      name: 'work',
      description: 'Works.',
      input: z.object({ n: z.number() }),
      execute: async ({ n }) => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running -= 1;
        return n * 2;
      },
    });
    const model = createMockModel({
      script: [
        {
          toolCalls: [1, 2, 3].map((n) => ({
            toolName: 'work',
            input: { n, padding: 'x'.repeat(50) },
            chunks: 12,
          })),
        },
        mockText('done'),
      ],
    });
    const agent = createAgent({ model, tools: [tool] });
    await agent.send('go');
    expect(peak).toBe(3);
    expect(results(model).map((result) => result.output)).toEqual([2, 4, 6]);
  });

  it('refuses a tool whose permission the agent lacks, and unknown tools', async () => {
    const execute = vi.fn(() => 'deleted');
    const tool = defineTool({
      name: 'delete_all',
      description: 'Deletes.',
      input: z.object({}),
      permissions: ['admin'],
      execute,
    });
    const model = createMockModel({
      script: [
        {
          toolCalls: [
            { toolName: 'delete_all', input: {} },
            { toolName: 'nope', input: {} },
          ],
        },
        mockText('ok'),
      ],
    });
    await createAgent({ model, tools: [tool], context: { permissions: ['read'] } }).send('go');
    expect(execute).not.toHaveBeenCalled();
    expect(results(model)).toMatchObject([
      { isError: true, output: { error: { code: 'permission_denied' } } },
      { isError: true, output: { error: { code: 'invalid_request' } } },
    ]);
  });
});
