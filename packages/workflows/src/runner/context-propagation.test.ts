import { AsyncLocalStorage } from 'node:async_hooks';
import { createMemoryStore, type ContextPropagator, type StateStore } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { define, task } from '../../test/fixtures/workflows.js';
import { createWorkflowRunner } from './create-workflow-runner.js';
import type { TaskHandler, WorkflowRunner } from './runner-types.js';

const open: WorkflowRunner[] = [];
/** Run ids unique across the runners of a test, which share a store. */
let id = 0;
afterEach(async () => {
  await Promise.all(open.splice(0).map((runner) => runner.close()));
});

type Carrier = Readonly<Record<string, string>>;
const storage = new AsyncLocalStorage<Carrier>();
/** A propagator over one AsyncLocalStorage, counting its calls. */
function alsPropagator(calls: string[]): ContextPropagator {
  return {
    capture: () => (calls.push('capture'), storage.getStore()),
    run: (carrier, fn) => (
      calls.push('run'),
      carrier === undefined ? fn() : storage.run(carrier, fn)
    ),
  };
}

const caller: Carrier = {
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  tracestate: 'vendor=1',
};
const elsewhere: Carrier = {
  traceparent: '00-11111111111111111111111111111111-2222222222222222-01',
};

// `second` takes the output of `first`, so it runs after it.
const twoSteps = define('two-steps', [
  task('first', 'observe', { name: 'first' }),
  task('second', 'second', { after: { $ref: 'steps.first.output' } }),
]);

function makeRunner(
  store: StateStore,
  handlers: Record<string, TaskHandler>,
  propagator?: ContextPropagator,
) {
  const runner = createWorkflowRunner({
    store,
    registry: { [twoSteps.id]: twoSteps },
    handlers,
    generateId: () => `run-${++id}`,
    leaseMs: 60_000,
    ...(propagator ? { contextPropagator: propagator } : {}),
  });
  open.push(runner);
  return runner;
}

describe('WorkflowRunnerOptions.contextPropagator', () => {
  it("runs each step in the caller's context, also after a resume by another runner", async () => {
    const store = createMemoryStore();
    const seen: (Carrier | undefined)[] = [];
    const observe: TaskHandler = async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      seen.push(storage.getStore());
      return null;
    };
    let started: () => void = () => undefined;
    const secondStarted = new Promise<void>((resolve) => (started = resolve));
    const first = makeRunner(
      store,
      { observe, second: () => (started(), new Promise(() => undefined)) },
      alsPropagator([]),
    );
    const { runId } = await storage.run(caller, () => first.start('two-steps', {}));
    expect((await first.getRun(runId))?.traceContext).toEqual(caller);
    await secondStarted;
    // The process stops mid-run; another runner on the same store takes it over.
    await first.close();
    const second = makeRunner(store, { observe, second: observe }, alsPropagator([]));
    await storage.run(elsewhere, () => second.recover());
    expect((await second.wait(runId)).status).toBe('completed');
    expect(seen).toEqual([caller, caller]);
  });

  it('captures nothing and costs nothing without a propagator, and loads runs stored without a context', async () => {
    const store = createMemoryStore();
    const seen: (Carrier | undefined)[] = [];
    const observe: TaskHandler = () => (seen.push(storage.getStore()), null);
    const bare = makeRunner(store, { observe, second: observe });
    const done = await storage.run(caller, () => bare.run('two-steps', {}));
    expect(done.status).toBe('completed');
    expect(done).not.toHaveProperty('traceContext');
    // The handler runs in whatever context the runner is called in; nothing is stored or restored.
    expect(seen).toEqual([caller, caller]);

    // A runner with a propagator reads that record (no context) and runs in none of its own.
    const calls: string[] = [];
    const withPropagator = makeRunner(store, { observe, second: observe }, alsPropagator(calls));
    expect((await withPropagator.getRun(done.runId))?.status).toBe('completed');
    const next = await withPropagator.run('two-steps', {});
    expect(next).not.toHaveProperty('traceContext');
    expect(calls).toEqual(['capture', 'run', 'run']);
  });

  it('refuses a carrier that is not string fields', async () => {
    const runner = makeRunner(
      createMemoryStore(),
      { observe: () => null, second: () => null },
      {
        capture: () => ({ traceparent: 42 }) as unknown as Carrier,
        run: (_carrier, fn) => fn(),
      },
    );
    await expect(runner.start('two-steps', {})).rejects.toMatchObject({
      code: 'validation_failed',
      details: { path: ['traceContext'] },
    });
  });
});
