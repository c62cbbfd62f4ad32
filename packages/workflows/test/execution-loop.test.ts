import { createMemoryStore } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createWorkflowRunner,
  type WorkflowDefinition,
  type WorkflowRunner,
} from '../src/index.js';
import { define, task } from './fixtures/workflows.js';

const open: WorkflowRunner[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((runner) => runner.close()));
});

describe('the runner’s execution loop', () => {
  it('refuses a definition that was never validated, before the decision loop in it can spin', async () => {
    // Given straight to the runner, not through a registry: no validation happened before.
    const looping = {
      id: 'looping',
      name: 'looping',
      triggers: [{ type: 'manual' }],
      steps: [
        { id: 'work', name: 'work', type: 'task', configuration: { handler: 'noop' }, inputs: {} },
        {
          id: 'again',
          name: 'again',
          type: 'decision',
          configuration: {
            branches: [{ condition: { op: 'eq', left: 1, right: 1 }, next: 'work' }],
            default: 'work',
          },
        },
      ],
    } as unknown as WorkflowDefinition;
    let calls = 0;
    const runner = createWorkflowRunner({
      store: createMemoryStore(),
      registry: { looping },
      handlers: { noop: () => (calls += 1) },
    });
    open.push(runner);
    const refused = await runner.start('looping', {}).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'validation_failed' });
    expect(JSON.stringify((refused as { details: unknown }).details)).toContain('cycle');
    expect(calls).toBe(0);
    expect(await runner.listRuns()).toEqual([]);
  });

  it('lets timers and I/O run during a long flow whose steps never wait', async () => {
    const length = 600;
    const chain = define(
      'chain',
      Array.from({ length }, (_, index) => task(`s${index}`, 'count')),
    );
    let done = 0;
    let doneWhenTimerFired: number | undefined;
    const runner = createWorkflowRunner({
      store: createMemoryStore(),
      registry: { chain },
      handlers: { count: () => (done += 1) },
    });
    open.push(runner);
    const result = runner.run('chain', {});
    setTimeout(() => (doneWhenTimerFired = done), 0);
    expect((await result).status).toBe('completed');
    expect(doneWhenTimerFired).toBeDefined();
    expect(doneWhenTimerFired).toBeLessThan(length);
  });
});
