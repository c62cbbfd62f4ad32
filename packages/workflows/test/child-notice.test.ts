import { createMemoryStore, storeKey, storeKeyPrefix, type StateStore } from '@agentry/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createWorkflowRunner,
  type TaskHandler,
  type WorkflowDefinition,
  type WorkflowRunner,
} from '../src/index.js';
import { define, task } from './fixtures/workflows.js';

/**
 * A child run that settles on its own (after a person's decision) tells its waiting parent, which
 * then goes on. The notice must not be lost when the parent's lease is taken at that moment (a
 * sibling child settling, a cancel or a decision in flight, another runner), nor when the process
 * stops before it is delivered.
 */
const person = {
  retryAttempts: 0,
  backoffStrategy: 'fixed',
  fallbackAction: 'human_intervention',
} as const;
const resumer = { actor: 'ann', permissions: ['workflows:resume'] };

const open: WorkflowRunner[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(open.splice(0).map((runner) => runner.close()));
});

function approvals(hold?: (runId: string) => Promise<void>) {
  let blocked = true;
  const handlers: Record<string, TaskHandler> = {
    check: async (input, ctx) => {
      if (blocked) throw new Error(`${String(input.name)} needs a person`);
      await hold?.(ctx.runId);
      return { checked: input.name };
    },
    work: (input) => input,
  };
  return { handlers, unblock: () => (blocked = false) };
}

const child = define('child', [task('approve', 'check', { name: 'approve' })], person);
const subgraph = (id: string) => ({
  id,
  name: id,
  type: 'subgraph' as const,
  configuration: { workflowId: 'child', outputMapping: { approval: 'checked' } },
});
const parent = define(
  'parent',
  [
    {
      id: 'fan',
      name: 'fan',
      type: 'parallel',
      configuration: {
        branches: [{ steps: ['left'] }, { steps: ['right'] }],
        onBranchFailure: 'wait-all',
      },
    },
    subgraph('left'),
    subgraph('right'),
    task('last', 'work', {
      left: { $ref: 'steps.left.output.approval' },
      right: { $ref: 'steps.right.output.approval' },
    }),
  ],
  person,
  { child },
);
const single = define(
  'single',
  [subgraph('sub'), task('last', 'work', { approval: { $ref: 'steps.sub.output.approval' } })],
  person,
  { child },
);

function runnerFor(
  workflows: WorkflowDefinition[],
  store: StateStore,
  workerId: string,
  hold?: (runId: string) => Promise<void>,
) {
  const { handlers, unblock } = approvals(hold);
  let id = 0;
  const runner = createWorkflowRunner({
    store,
    registry: Object.fromEntries(workflows.map((workflow) => [workflow.id, workflow])),
    handlers,
    workerId,
    generateId: () => `run-${++id}`,
  });
  open.push(runner);
  return { runner, unblock };
}

/** Holds a run's lease as another live runner would (the entry `run-lease.ts` describes). */
async function holdLeaseElsewhere(store: StateStore, runId: string, expiresAt: number) {
  const key = `workflow-lease:${runId}`;
  const current = await store.get(key);
  await store.put(
    key,
    { kind: 'workflow-lease', schemaVersion: '1', data: { owner: 'elsewhere', expiresAt } },
    { expectedRevision: current?.revision ?? null },
  );
}

describe('a child run settling on its own', () => {
  it('lets the parent go on when two children of one parent settle at the same moment', async () => {
    // The right child settles while the left child's notice holds the parent's lease (the parent's
    // journal writes held back until the right child's notice has come).
    const memory = createMemoryStore();
    const parentLease = storeKey('workflow-lease', 'run-1');
    const parentJournal = storeKeyPrefix('workflow-journal', 'run-1');
    let gateOpen = false;
    let leftNoticing: () => void = () => undefined;
    const leftNotices = new Promise<void>((resolve) => (leftNoticing = resolve));
    let rightNoticing: () => void = () => undefined;
    const rightNotices = new Promise<void>((resolve) => (rightNoticing = resolve));
    const rightRecord = storeKey('workflow-run', 'run-1/right/1');
    const store: StateStore = {
      get: (key) => memory.get(key),
      put: async (key, value, options) => {
        if (
          gateOpen &&
          key === parentLease &&
          (value.data as { expiresAt: number }).expiresAt > 0
        ) {
          leftNoticing();
        }
        if (key === rightRecord && (value.data as { status: string }).status === 'completed') {
          // The right child ended; its notice follows within microtasks.
          setTimeout(rightNoticing, 5);
        }
        if (gateOpen && key.startsWith(parentJournal)) await rightNotices;
        return memory.put(key, value, options);
      },
      list: (prefix, options) => memory.list(prefix, options),
      delete: (key, options) => memory.delete(key, options),
      close: () => memory.close(),
    };
    const { runner, unblock } = runnerFor([child, parent], store, 'one', async (runId) => {
      if (gateOpen && runId === 'run-1/right/1') await leftNotices;
    });
    const waiting = await runner.run('parent', {});
    expect(waiting.status).toBe('waiting-for-person');
    const children = (waiting.waiting ?? []).map((step) => step.childRunId!);
    expect(children).toEqual(['run-1/left/1', 'run-1/right/1']);

    unblock();
    gateOpen = true;
    const settled = await Promise.all(
      children.map((childRunId) => runner.resume(childRunId, { decision: 'retry' }, resumer)),
    );
    expect(settled.map((run) => run.status)).toEqual(['completed', 'completed']);
    expect(await runner.wait('run-1')).toMatchObject({
      status: 'completed',
      output: { left: 'approve', right: 'approve' },
    });
  });

  it('lets the parent go on once another runner releases the parent’s lease', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const store = createMemoryStore();
    const { runner, unblock } = runnerFor([child, single], store, 'one');
    const waiting = await runner.run('single', {});
    const childRunId = waiting.waiting![0]!.childRunId!;
    await holdLeaseElsewhere(store, 'run-1', Date.now() + 5_000);

    unblock();
    expect((await runner.resume(childRunId, { decision: 'retry' }, resumer)).status).toBe(
      'completed',
    );
    expect((await runner.getRun('run-1'))?.status).toBe('waiting-for-person');
    await vi.advanceTimersByTimeAsync(5_001);
    expect(await runner.wait('run-1')).toMatchObject({
      status: 'completed',
      output: { approval: 'approve' },
    });
  });
});

describe('recover', () => {
  it('lets a parent go on whose child ended while the notice was lost', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const store = createMemoryStore();
    const before = runnerFor([child, single], store, 'one');
    const waiting = await before.runner.run('single', {});
    const childRunId = waiting.waiting![0]!.childRunId!;
    await holdLeaseElsewhere(store, 'run-1', Date.now() + 5_000);
    before.unblock();
    await before.runner.resume(childRunId, { decision: 'retry' }, resumer);
    // The process stops before the parent's lease is free: the notice is never delivered.
    await before.runner.close();
    await vi.advanceTimersByTimeAsync(5_001);

    const after = runnerFor([child, single], store, 'two');
    const report = await after.runner.recover();
    expect(report.resumed).toEqual(['run-1']);
    expect(await after.runner.wait('run-1')).toMatchObject({
      status: 'completed',
      output: { approval: 'approve' },
    });
    const journal = await after.runner.journal('run-1');
    expect(journal).toContainEqual(
      expect.objectContaining({ type: 'run-resume', stepId: 'sub', decision: 'child-settled' }),
    );
  });
});
