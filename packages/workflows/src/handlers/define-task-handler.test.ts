import { createMemoryStore } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { define, task } from '../../test/fixtures/workflows.js';
import { createWorkflowRunner } from '../runner/create-workflow-runner.js';
import type { WorkflowRunner } from '../runner/runner-types.js';
import { defineTaskHandler, type AnyTaskHandler } from './define-task-handler.js';

const open: WorkflowRunner[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((runner) => runner.close()));
});

const charges: unknown[] = [];
const charge = defineTaskHandler({
  input: z.object({
    orderId: z.string(),
    amount: z.number().positive(),
    currency: z.string().default('EUR'),
  }),
  output: z.object({ chargeId: z.string() }),
  run: (input, ctx) => {
    charges.push(input);
    return { chargeId: `ch_${input.orderId}`, attempt: ctx.attempt };
  },
});

function runner(handlers: Record<string, AnyTaskHandler>, amount: unknown) {
  const workflow = define(
    'pay',
    [
      task('charge', 'charge', { orderId: { $ref: 'input.orderId' }, amount }),
      task('after', 'echo', { charged: { $ref: 'steps.charge.output' } }),
    ],
    { retryAttempts: 3, backoffStrategy: 'fixed', fallbackAction: 'abort' },
  );
  const created = createWorkflowRunner({
    store: createMemoryStore(),
    registry: { pay: workflow },
    handlers: { echo: (input) => input, ...handlers },
    generateId: () => 'run-1',
    defaults: { retryPolicy: { maxAttempts: 1, baseDelay: 1, maxDelay: 1, jitter: false } },
  });
  open.push(created);
  return created;
}

describe('defineTaskHandler', () => {
  afterEach(() => void charges.splice(0));

  it('hands the handler its parsed input and makes the parsed output the step output', async () => {
    const result = await runner({ charge }, 12.5).run('pay', { orderId: 'A-7' });
    expect(charges).toEqual([{ orderId: 'A-7', amount: 12.5, currency: 'EUR' }]);
    // Keys the output schema does not name are stripped by it, as zod objects do.
    expect(result).toMatchObject({
      status: 'completed',
      output: { charged: { chargeId: 'ch_A-7' } },
    });
  });

  it('fails the step before the handler runs when the inputs do not match, naming the path, without retrying', async () => {
    const paid = runner({ charge }, -3);
    const result = await paid.run('pay', { orderId: 'A-7' });
    expect(charges).toEqual([]);
    expect(result).toMatchObject({
      status: 'failed',
      error: {
        code: 'validation_failed',
        message: expect.stringMatching(
          /inputs of step "charge" of "pay".*handler "charge".*amount/,
        ) as string,
        details: { stepId: 'charge', handler: 'charge', side: 'input' },
      },
    });
    const attempts = (await paid.journal('run-1')).filter((entry) => entry.type === 'step-attempt');
    expect(attempts).toHaveLength(1);
  });

  it('fails the step when the output does not match, and never journals that output', async () => {
    const broken = defineTaskHandler({
      output: z.object({ chargeId: z.string() }),
      run: () => ({ id: 42 }) as unknown as { chargeId: string },
    });
    const paid = runner({ charge: broken }, 1);
    const result = await paid.run('pay', { orderId: 'A-7' });
    expect(result).toMatchObject({
      status: 'failed',
      error: {
        code: 'validation_failed',
        message: expect.stringContaining('chargeId') as string,
        details: { side: 'output' },
      },
    });
    const journal = await paid.journal('run-1');
    expect(journal.some((entry) => entry.type === 'step-end')).toBe(false);
  });

  it('runs a handler without schemas as it is', async () => {
    const plain = defineTaskHandler({
      run: (input: Record<string, unknown>) => ({ got: input.amount }),
    });
    const result = await runner({ charge: plain }, 'any').run('pay', { orderId: 'A-7' });
    expect(result).toMatchObject({ status: 'completed', output: { charged: { got: 'any' } } });
  });
});
