import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore, type Clock, type StateStore } from '@agentry/core';
import { createSqliteStore } from '@agentry/store-sqlite';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { define, task } from '../../test/fixtures/workflows.js';
import type { WorkflowDefinition } from '../definitions/index.js';
import { createWorkflowRunner } from './create-workflow-runner.js';
import type { TaskHandler, WorkflowRunner, WorkflowRunnerOptions } from './runner-types.js';

const open: WorkflowRunner[] = [];
const directories: string[] = [];
const stores: StateStore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((runner) => runner.close()));
  await Promise.all(stores.splice(0).map((store) => store.close()));
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

function makeRunner(
  workflows: WorkflowDefinition[],
  handlers: Record<string, TaskHandler>,
  extra: Partial<WorkflowRunnerOptions> & { store: StateStore },
): WorkflowRunner {
  let id = 0;
  const runner = createWorkflowRunner({
    registry: Object.fromEntries(workflows.map((workflow) => [workflow.id, workflow])),
    handlers,
    generateId: () => `run-${++id}`,
    ...extra,
  });
  open.push(runner);
  return runner;
}

function sqliteFile(): string {
  const directory = mkdtempSync(join(tmpdir(), 'agentry-ownership-'));
  directories.push(directory);
  return join(directory, 'runs.db');
}

/** A clock whose time moves only when told to; timers fire as it passes them. */
function manualClock(start = 1_000_000): Clock & { advance(ms: number): void } {
  let now = start;
  let nextId = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimeout(callback, ms) {
      nextId += 1;
      timers.set(nextId, { at: now + Math.max(0, ms), callback });
      return nextId;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      now += ms;
      for (const [id, timer] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (timer.at > now) continue;
        timers.delete(id);
        timer.callback();
      }
    },
  };
}

/**
 * A store in front of another that answers every call after a pseudo-random delay, so calls
 * issued in one order complete in another, as with a networked store.
 */
function withLatency(inner: StateStore, seed: number, maxDelayMs = 4): StateStore {
  let state = seed;
  const delay = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return new Promise<void>((resolve) => setTimeout(resolve, state % (maxDelayMs + 1)));
  };
  const late =
    <TArgs extends unknown[], TResult>(call: (...args: TArgs) => Promise<TResult>) =>
    async (...args: TArgs) => {
      await delay();
      const result = await call(...args);
      await delay();
      return result;
    };
  return {
    get: late((key: string) => inner.get(key)),
    put: late((key, value, options) => inner.put(key, value, options)),
    delete: late((key, options) => inner.delete(key, options)),
    list: late((prefix, options) => inner.list(prefix, options)),
    close: () => inner.close(),
  };
}

describe('run ownership', () => {
  describe('cancel', () => {
    it('cancels a queued run without running it, while the run ahead of it keeps running', async () => {
      const calls: string[] = [];
      let release: (() => void) | undefined;
      const queued = { ...define('queued', [task('a', 'work')], undefined), parallel: false };
      const runner = makeRunner(
        [queued],
        {
          work: (_input, ctx) => {
            calls.push(ctx.runId);
            return ctx.runId === 'run-1'
              ? new Promise((resolve) => (release = () => resolve('first')))
              : 'second';
          },
        },
        { store: createMemoryStore() },
      );
      await runner.start('queued', {});
      await vi.waitFor(() => expect(calls).toEqual(['run-1']));
      await runner.start('queued', {});
      const cancelled = await runner.cancel('run-2');
      expect(cancelled).toMatchObject({ status: 'cancelled', error: { code: 'aborted' } });
      expect((await runner.journal('run-2')).map((entry) => entry.type)).toEqual([
        'run-start',
        'run-error',
      ]);
      release?.();
      expect(await runner.wait('run-1')).toMatchObject({ status: 'completed', output: 'first' });
      expect(await runner.wait('run-2')).toMatchObject({ status: 'cancelled' });
      expect(calls).toEqual(['run-1']);
    });
  });

  describe('cancel from another runner', () => {
    it('claims the run from its executor, which stops at its next renewal, its signal aborted with lease_lost', async () => {
      const store = createMemoryStore();
      const workflow = define('remote', [task('a', 'slow')]);
      const executorClock = manualClock();
      let signal: AbortSignal | undefined;
      const executor = makeRunner(
        [workflow],
        {
          slow: (_input, ctx) => {
            signal = ctx.signal;
            return new Promise(() => undefined);
          },
        },
        { store, clock: executorClock, workerId: 'executor', leaseMs: 9_000 },
      );
      const canceller = makeRunner([workflow], {}, { store, workerId: 'canceller' });
      await executor.start('remote', {});
      await vi.waitFor(() => expect(signal).toBeDefined());
      expect(await canceller.cancel('run-1')).toMatchObject({
        status: 'cancelled',
        error: { code: 'aborted' },
      });
      expect(signal?.aborted).toBe(false);
      executorClock.advance(3_000);
      await vi.waitFor(() => expect(signal?.aborted).toBe(true));
      expect(signal?.reason).toMatchObject({ code: 'lease_lost' });
      expect(await executor.wait('run-1')).toMatchObject({ status: 'cancelled' });
      expect((await executor.journal('run-1')).map((entry) => entry.type)).toEqual([
        'run-start',
        'step-start',
        'step-attempt',
        'run-error',
      ]);
    });
  });

  describe('start', () => {
    it.each([
      ['memory', () => createMemoryStore()],
      ['SQLite', () => createSqliteStore({ path: sqliteFile() })],
    ])(
      'executes a run exactly once when two starts share an idempotency key, in any interleaving (%s)',
      async (_name, makeStore) => {
        for (let seed = 1; seed <= 12; seed += 1) {
          const inner = makeStore();
          stores.push(inner);
          const calls: string[] = [];
          const workflow = define('hook', [task('a', 'work'), task('b', 'work')]);
          const handlers: Record<string, TaskHandler> = {
            work: (_input, ctx) => {
              calls.push(`${ctx.runId}:${ctx.stepId}`);
              return ctx.stepId;
            },
          };
          const runners = [1, 2].map((index) =>
            makeRunner([workflow], handlers, {
              store: withLatency(inner, seed * 7 + index),
              generateId: () => `run-${seed}-${index}`,
            }),
          );
          const started = await Promise.all(
            runners.map((runner) => runner.start('hook', {}, { idempotencyKey: 'delivery' })),
          );
          expect(new Set(started.map((run) => run.runId)).size).toBe(1);
          const runId = started[0]!.runId;
          const results = await Promise.all(runners.map((runner) => runner.wait(runId)));
          expect(results.map((result) => result.status)).toEqual(['completed', 'completed']);
          expect(calls).toEqual([`${runId}:a`, `${runId}:b`]);
          await Promise.all(runners.map((runner) => runner.close()));
        }
      },
    );
  });

  describe('recover', () => {
    it('lets one of two runners on one SQLite file execute an open step; the other reports it held', async () => {
      const path = sqliteFile();
      const workflow = define('claimed', [task('a', 'work'), task('b', 'slow')]);
      const calls: string[] = [];
      const crashedStore = createSqliteStore({ path });
      stores.push(crashedStore);
      // The first process starts the run and "crashes" inside step b: its clock never moves, so
      // it never renews, and it never closes.
      const crashed = makeRunner(
        [workflow],
        { work: () => 'a', slow: () => new Promise(() => undefined) },
        { store: crashedStore, clock: manualClock(), workerId: 'crashed', leaseMs: 10_000 },
      );
      await crashed.start('claimed', {});
      await vi.waitFor(async () =>
        expect((await crashed.journal('run-1')).at(-1)).toMatchObject({
          type: 'step-attempt',
          stepId: 'b',
        }),
      );
      let finish: ((value: string) => void) | undefined;
      const slow: TaskHandler = (_input, ctx) => {
        calls.push(ctx.runId);
        return new Promise((resolve) => (finish = resolve));
      };
      // Two processes start after the lease expired and recover at the same moment.
      const later = manualClock(1_000_000 + 20_000);
      const recovering = ['p1', 'p2'].map((workerId) => {
        const store = createSqliteStore({ path });
        stores.push(store);
        return makeRunner([workflow], { work: () => 'a', slow }, { store, clock: later, workerId });
      });
      const reports = await Promise.all(recovering.map((runner) => runner.recover()));
      expect(reports.flatMap((report) => report.resumed)).toEqual(['run-1']);
      expect(reports.flatMap((report) => report.held)).toEqual(['run-1']);
      await vi.waitFor(() => expect(calls).toEqual(['run-1']));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(calls).toEqual(['run-1']);
      finish?.('b');
      const owner = recovering[reports.findIndex((report) => report.resumed.length > 0)]!;
      expect(await owner.wait('run-1')).toMatchObject({ status: 'completed', output: 'b' });
    });

    it('takes over a crashed owner’s run once its lease expires, and fences the owner’s late writes', async () => {
      const store = createMemoryStore();
      const workflow = define('takeover', [task('a', 'slow'), task('b', 'work')]);
      const ownerClock = manualClock();
      let lateResult: ((value: string) => void) | undefined;
      const owner = makeRunner(
        [workflow],
        {
          slow: () => new Promise((resolve) => (lateResult = resolve)),
          work: () => 'owner-b',
        },
        { store, clock: ownerClock, workerId: 'owner', leaseMs: 10_000 },
      );
      await owner.start('takeover', {});
      await vi.waitFor(() => expect(lateResult).toBeDefined());

      const clock = manualClock(1_000_000 + 5_000);
      const calls: string[] = [];
      const successor = makeRunner(
        [workflow],
        {
          slow: (_input, ctx) => {
            calls.push(`${ctx.stepId}#${ctx.attempt}`);
            return 'successor-a';
          },
          work: () => 'successor-b',
        },
        { store, clock, workerId: 'successor', leaseMs: 10_000 },
      );
      expect(await successor.recover()).toMatchObject({ resumed: [], held: ['run-1'] });
      expect(calls).toEqual([]);
      // The owner's lease runs out on the successor's clock: it takes the run over by itself.
      clock.advance(6_000);
      expect(await successor.wait('run-1')).toMatchObject({
        status: 'completed',
        output: 'successor-b',
      });
      expect(calls).toEqual(['a#1']);
      // The old owner wakes up and finishes its step: nothing it writes counts.
      lateResult?.('owner-a');
      await new Promise((resolve) => setTimeout(resolve, 20));
      const journal = await successor.journal('run-1');
      expect(
        journal.filter((entry) => entry.type === 'step-end').map((entry) => entry.output),
      ).toEqual(['successor-a', 'successor-b']);
      expect(journal.map((entry) => entry.seq)).toEqual(journal.map((_entry, index) => index));
      expect(await successor.getRun('run-1')).toMatchObject({ output: 'successor-b' });
    });
  });

  describe('wait', () => {
    it('settles for a run another runner executes, through the store', async () => {
      const store = createMemoryStore();
      const workflow = define('elsewhere', [task('a', 'slow')]);
      let finish: ((value: string) => void) | undefined;
      const executor = makeRunner(
        [workflow],
        { slow: () => new Promise((resolve) => (finish = resolve)) },
        { store },
      );
      const observer = makeRunner([workflow], {}, { store, waitPollMs: 20 });
      await executor.start('elsewhere', {});
      const waited = observer.wait('run-1');
      await vi.waitFor(() => expect(finish).toBeDefined());
      finish?.('done');
      expect(await waited).toMatchObject({ status: 'completed', output: 'done' });
    });
  });
});
