import { createMemoryStore, type StateStore } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createWorkflowRunner,
  type TaskHandler,
  type WorkflowDefinition,
  type WorkflowRunner,
} from '../src/index.js';
import { define, task } from './fixtures/workflows.js';

/**
 * Suspensions below the top of a run: a person is needed inside one branch of a parallel step, or
 * inside the child run of a subgraph. The run as a whole waits; resuming it (here, or in a new
 * runner after a restart) finishes only what was left, and no finished step runs again.
 */
const person = {
  retryAttempts: 0,
  backoffStrategy: 'fixed',
  fallbackAction: 'human_intervention',
} as const;
const resumer = { actor: 'ann', permissions: ['workflows:resume'] };

const open: WorkflowRunner[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((runner) => runner.close()));
});

function counting() {
  const calls: string[] = [];
  let blocked = true;
  const handlers: Record<string, TaskHandler> = {
    work: (input, ctx) => {
      calls.push(`${ctx.runId}/${ctx.stepId}`);
      return input;
    },
    check: (input, ctx) => {
      calls.push(`${ctx.runId}/${ctx.stepId}`);
      if (blocked) throw new Error(`${String(input.name)} needs a person`);
      return { checked: input.name };
    },
  };
  return { calls, handlers, unblock: () => (blocked = false) };
}

function runnerFor(
  workflows: WorkflowDefinition[],
  handlers: Record<string, TaskHandler>,
  store: StateStore,
) {
  let id = 0;
  const runner = createWorkflowRunner({
    store,
    registry: Object.fromEntries(workflows.map((workflow) => [workflow.id, workflow])),
    handlers,
    generateId: () => `run-${++id}`,
  });
  open.push(runner);
  return runner;
}

const fan = define(
  'fan',
  [
    {
      id: 'fan',
      name: 'fan',
      type: 'parallel',
      configuration: {
        branches: [{ steps: ['a'] }, { steps: ['b'] }, { steps: ['c'] }],
        onBranchFailure: 'wait-all',
      },
    },
    task('a', 'work', { name: 'a' }),
    task('b', 'check', { name: 'b' }),
    task('c', 'work', { name: 'c' }),
    task('after', 'work', {
      name: 'after',
      a: { $ref: 'steps.a.output' },
      b: { $ref: 'steps.b.output' },
    }),
  ],
  person,
);

const child = define(
  'child',
  [task('prepare', 'work', { name: 'prepare' }), task('approve', 'check', { name: 'approve' })],
  person,
);
const parent = define(
  'parent',
  [
    task('first', 'work', { name: 'first' }),
    {
      id: 'sub',
      name: 'sub',
      type: 'subgraph',
      configuration: { workflowId: 'child', outputMapping: { approval: 'checked' } },
    },
    task('last', 'work', { name: 'last', approval: { $ref: 'steps.sub.output.approval' } }),
  ],
  person,
  { child },
);

describe('suspension inside a parallel branch', () => {
  it('waits as a whole, then resumes only the suspended branch', async () => {
    const { calls, handlers, unblock } = counting();
    const runner = runnerFor([fan], handlers, createMemoryStore());
    const waiting = await runner.run('fan', {});
    expect(waiting.status).toBe('waiting-for-person');
    expect(waiting.waiting).toMatchObject([{ stepId: 'b' }]);
    expect([...calls].sort()).toEqual(['run-1/a', 'run-1/b', 'run-1/c']);

    unblock();
    const done = await runner.resume('run-1', { decision: 'retry' }, resumer);
    expect(done).toMatchObject({ status: 'completed' });
    expect(calls.filter((call) => call === 'run-1/a')).toHaveLength(1);
    expect(calls.filter((call) => call === 'run-1/c')).toHaveLength(1);
    expect(calls.filter((call) => call === 'run-1/b')).toHaveLength(2);
    expect(calls.at(-1)).toBe('run-1/after');
  });

  it('resumes the suspended branch in a new runner after a restart', async () => {
    const store = createMemoryStore();
    const first = counting();
    const before = runnerFor([fan], first.handlers, store);
    expect((await before.run('fan', {})).status).toBe('waiting-for-person');
    await before.close();

    const second = counting();
    second.unblock();
    const after = runnerFor([fan], second.handlers, store);
    const report = await after.recover();
    expect(report).toMatchObject({ waiting: ['run-1'] });
    const done = await after.resume('run-1', { decision: 'skip', data: { by: 'ann' } }, resumer);
    expect(done).toMatchObject({ status: 'completed' });
    // Nothing that had finished runs again; skipping gives the branch the person's data.
    expect(second.calls).toEqual(['run-1/after']);
    expect(await after.journal('run-1')).toContainEqual(
      expect.objectContaining({ type: 'step-end', stepId: 'after' }),
    );
    expect(done.output).toMatchObject({ b: { by: 'ann' }, a: { name: 'a' } });
  });
});

describe('suspension inside a subgraph', () => {
  it('waits on the parent, and resuming the parent finishes the child then the parent', async () => {
    const { calls, handlers, unblock } = counting();
    const runner = runnerFor([child, parent], handlers, createMemoryStore());
    const waiting = await runner.run('parent', {});
    expect(waiting.status).toBe('waiting-for-person');
    const childRunId = waiting.waiting?.[0]?.childRunId;
    expect(childRunId).toBeDefined();
    expect((await runner.getRun(childRunId!))?.status).toBe('waiting-for-person');

    unblock();
    const done = await runner.resume('run-1', { decision: 'retry' }, resumer);
    expect(done).toMatchObject({ status: 'completed', output: { approval: 'approve' } });
    expect((await runner.getRun(childRunId!))?.status).toBe('completed');
    expect(calls.filter((call) => call.endsWith('/prepare'))).toHaveLength(1);
    expect(calls.filter((call) => call.endsWith('/first'))).toHaveLength(1);
    expect(calls.filter((call) => call.endsWith('/approve'))).toHaveLength(2);
  });

  it('resumes through the child run in a new runner after a restart', async () => {
    const store = createMemoryStore();
    const first = counting();
    const before = runnerFor([child, parent], first.handlers, store);
    const waiting = await before.run('parent', {});
    const childRunId = waiting.waiting?.[0]?.childRunId;
    await before.close();

    const second = counting();
    second.unblock();
    const after = runnerFor([child, parent], second.handlers, store);
    await after.recover();
    const resumed = await after.resume(childRunId!, { decision: 'retry' }, resumer);
    expect(resumed.status).toBe('completed');
    const parentRun = await after.wait('run-1');
    expect(parentRun).toMatchObject({ status: 'completed', output: { approval: 'approve' } });
    expect(second.calls.map((call) => call.split('/').at(-1))).toEqual(['approve', 'last']);
  });
});
