import { describe, expect, it } from 'vitest';
import { MemoryStarter } from './__fixtures__/memory-starter.js';
import { workflowWith } from './__fixtures__/workflow-with.js';
import { startManually } from './start-manually.js';

const withSchema = workflowWith('order-review', [
  {
    type: 'manual',
    configuration: {
      inputSchema: {
        type: 'object',
        properties: { orderId: { type: 'string' }, total: { type: 'number', minimum: 0 } },
        required: ['orderId'],
      },
    },
  },
]);

describe('startManually', () => {
  it('starts a run when the input matches the manual trigger schema', async () => {
    const starter = new MemoryStarter();
    const run = await startManually(
      starter,
      'order-review',
      { orderId: 'A-7', total: 3 },
      {
        workflows: [withSchema],
        idempotencyKey: 'k-1',
        details: { user: 'ada' },
      },
    );
    expect(run).toEqual({ runId: 'run-1', deduplicated: false });
    expect(starter.runs[0]?.options).toEqual({
      idempotencyKey: 'k-1',
      origin: { type: 'manual', details: { user: 'ada' } },
    });
  });

  it('refuses input that does not match, naming the paths, and starts nothing', async () => {
    const starter = new MemoryStarter();
    const attempt = startManually(
      starter,
      'order-review',
      { total: -1 },
      { workflows: [withSchema] },
    );
    await expect(attempt).rejects.toMatchObject({
      code: 'validation_failed',
      details: {
        workflowId: 'order-review',
        issues: expect.arrayContaining([
          expect.objectContaining({ path: 'orderId' }),
          expect.objectContaining({ path: 'total' }),
        ]) as unknown,
      },
    });
    await expect(attempt).rejects.toThrow(/order-review.*manual trigger/);
    expect(starter.calls).toBe(0);
  });

  it('accepts any input when a manual trigger has no schema', async () => {
    const starter = new MemoryStarter();
    const open = workflowWith('open', [{ type: 'manual', configuration: {} }]);
    await startManually(starter, 'open', 42, { workflows: { workflows: { open } } });
    expect(starter.runs[0]?.input).toBe(42);
  });

  it('refuses a workflow without a manual trigger and an unknown one', async () => {
    const starter = new MemoryStarter();
    const scheduled = workflowWith('nightly', [
      { type: 'schedule', configuration: { cron: '@daily', timezone: 'UTC' } },
    ]);
    await expect(
      startManually(starter, 'nightly', {}, { workflows: [scheduled] }),
    ).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(
      startManually(starter, 'nightl', {}, { workflows: () => [scheduled] }),
    ).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('"nightly"') as unknown,
    });
    expect(starter.calls).toBe(0);
  });
});
