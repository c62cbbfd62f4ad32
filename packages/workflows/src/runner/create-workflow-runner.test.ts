import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentryError, createMemoryStore, type StateStore } from '@agentry/core';
import { createSqliteStore } from '@agentry/store-sqlite';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { define, task } from '../../test/fixtures/workflows.js';
import type { WorkflowDefinition } from '../definitions/index.js';
import { createWorkflowRunner } from './create-workflow-runner.js';
import { hashWorkflowDefinition } from './hash-workflow-definition.js';
import type {
  RunEvent,
  TaskHandler,
  WorkflowRunner,
  WorkflowRunnerOptions,
} from './runner-types.js';

const open: WorkflowRunner[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(open.splice(0).map((runner) => runner.close()));
});

function makeRunner(
  workflows: WorkflowDefinition[],
  handlers: Record<string, TaskHandler>,
  extra: Partial<WorkflowRunnerOptions> = {},
) {
  const store = extra.store ?? createMemoryStore();
  let id = 0;
  const runner = createWorkflowRunner({
    store,
    registry: Object.fromEntries(workflows.map((workflow) => [workflow.id, workflow])),
    handlers,
    generateId: () => `run-${++id}`,
    ...extra,
  });
  open.push(runner);
  const events: RunEvent[] = [];
  runner.events$.subscribe((event) => events.push(event));
  return { runner, store, events };
}

const echo: TaskHandler = (input) => input;

describe('createWorkflowRunner', () => {
  describe('run', () => {
    it('runs a linear chain, passing outputs by reference, and journals every step before moving on', async () => {
      const calls: string[] = [];
      const linear = define('linear', [
        task('a', 'add', { value: { $ref: 'input.start' } }),
        task('b', 'add', { value: { $ref: 'steps.a.output.value' } }),
        task('c', 'add', { value: { $ref: 'steps.b.output.value' } }),
      ]);
      const { runner, events } = makeRunner([linear], {
        add: (input, ctx) => {
          calls.push(`${ctx.stepId}:${ctx.idempotencyKey}:${ctx.attempt}`);
          return { value: (input.value as number) + 1 };
        },
      });
      const result = await runner.run('linear', { start: 1 });
      expect(result).toMatchObject({ runId: 'run-1', status: 'completed', output: { value: 4 } });
      expect(calls).toEqual(['a:run-1:a:1', 'b:run-1:b:1', 'c:run-1:c:1']);
      const journal = await runner.journal('run-1');
      expect(
        journal.map(
          (entry) => `${entry.seq}:${entry.type}:${'stepId' in entry ? entry.stepId : ''}`,
        ),
      ).toEqual([
        '0:run-start:',
        '1:step-start:a',
        '2:step-attempt:a',
        '3:step-end:a',
        '4:step-start:b',
        '5:step-attempt:b',
        '6:step-end:b',
        '7:step-start:c',
        '8:step-attempt:c',
        '9:step-end:c',
        '10:run-end:',
      ]);
      expect(journal[0]).toMatchObject({
        definitionHash: hashWorkflowDefinition(linear),
        input: { start: 1 },
      });
      expect(events.map((event) => event.type)).toEqual(journal.map((entry) => entry.type));
      expect(await runner.listRuns({ status: 'completed' })).toHaveLength(1);
      expect(await runner.activeRuns('linear')).toBe(0);
    });

    it('stores records with kind and schemaVersion', async () => {
      const { runner, store } = makeRunner([define('one', [task('a', 'echo')], undefined)], {
        echo,
      });
      await runner.run('one', {});
      const page = await store.list('');
      expect(new Set(page.entries.map((entry) => `${entry.kind}@${entry.schemaVersion}`))).toEqual(
        new Set(['workflow-run@1', 'workflow-journal-entry@3', 'workflow-lease@1']),
      );
    });

    it('routes a decision by its conditions and journals the route', async () => {
      const routed = define('routed', [
        task('fetch', 'echo', { total: { $ref: 'input.total' } }),
        {
          id: 'route',
          name: 'route',
          type: 'decision',
          configuration: {
            branches: [
              {
                condition: { op: 'gt', left: { $ref: 'steps.fetch.output.total' }, right: 100 },
                next: 'review',
              },
            ],
            default: 'ship',
          },
        },
        task('review', 'echo', { kind: 'review' }, { next: '$end' }),
        task('ship', 'echo', { kind: 'ship' }),
      ]);
      const { runner } = makeRunner([routed], { echo });
      expect((await runner.run('routed', { total: 120 })).output).toEqual({ kind: 'review' });
      expect((await runner.run('routed', { total: 20 })).output).toEqual({ kind: 'ship' });
      const journal = await runner.journal('run-2');
      expect(
        journal.find((entry) => entry.type === 'step-end' && entry.stepId === 'route'),
      ).toMatchObject({
        output: { next: 'ship', branch: 'default' },
      });
      expect(journal.some((entry) => 'stepId' in entry && entry.stepId === 'review')).toBe(false);
    });

    it('fails the run with the step error and refuses unknown workflows', async () => {
      const { runner } = makeRunner([define('bad', [task('a', 'boom')], undefined)], {
        boom: () => {
          throw new AgentryError({ code: 'invalid_request', message: 'Bad order.' });
        },
      });
      const result = await runner.run('bad', {});
      expect(result).toMatchObject({
        status: 'failed',
        error: { code: 'invalid_request', message: 'Bad order.' },
      });
      await expect(runner.start('nope', {})).rejects.toMatchObject({ code: 'not_found' });
    });
  });

  describe('parallel steps', () => {
    const fan = (policy: 'fail-fast' | 'wait-all' | 'ignore', concurrency?: number) =>
      define('fan', [
        {
          id: 'fan',
          name: 'fan',
          type: 'parallel',
          configuration: {
            branches: [{ steps: ['a1', 'a2'] }, { steps: ['b1'] }, { steps: ['c1'] }],
            onBranchFailure: policy,
            ...(concurrency ? { concurrency } : {}),
          },
        },
        task('a1', 'work', { name: 'a1' }),
        task('a2', 'work', { name: 'a2' }),
        task('b1', 'work', { name: 'b1' }),
        task('c1', 'work', { name: 'c1' }),
        task('after', 'work', { name: 'after' }),
      ]);

    function worker(failing: string[] = [], started: string[] = []) {
      let running = 0;
      let peak = 0;
      const handler: TaskHandler = async (input, ctx) => {
        started.push(String(input.name));
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, input.name === 'c1' ? 30 : 5));
        running -= 1;
        if (ctx.signal.aborted) throw new Error('aborted');
        if (failing.includes(String(input.name)))
          throw new AgentryError({
            code: 'invalid_request',
            message: `${String(input.name)} failed`,
          });
        return { name: input.name };
      };
      return { handler, peak: () => peak };
    }

    it('runs branches at most `concurrency` at a time and joins them', async () => {
      const work = worker();
      const { runner } = makeRunner([fan('fail-fast', 2)], { work: work.handler });
      const result = await runner.run('fan', {});
      expect(result).toMatchObject({ status: 'completed', output: { name: 'after' } });
      expect(work.peak()).toBe(2);
      const journal = await runner.journal('run-1');
      expect(
        journal.find((entry) => entry.type === 'step-end' && entry.stepId === 'fan'),
      ).toMatchObject({
        output: {
          branches: [{ status: 'completed' }, { status: 'completed' }, { status: 'completed' }],
        },
      });
    });

    it('fail-fast cancels the other branches and fails the run', async () => {
      const started: string[] = [];
      const work = worker(['b1'], started);
      const { runner } = makeRunner([fan('fail-fast')], { work: work.handler });
      const result = await runner.run('fan', {});
      expect(result).toMatchObject({ status: 'failed', error: { message: 'b1 failed' } });
      const journal = await runner.journal('run-1');
      // c1 was running when b1 failed: it is cancelled, never journaled as ended.
      expect(journal.some((entry) => entry.type === 'step-end' && entry.stepId === 'c1')).toBe(
        false,
      );
      expect(started).not.toContain('after');
    });

    it('wait-all lets the other branches finish, then fails', async () => {
      const work = worker(['b1']);
      const { runner } = makeRunner([fan('wait-all')], { work: work.handler });
      const result = await runner.run('fan', {});
      expect(result.status).toBe('failed');
      const journal = await runner.journal('run-1');
      expect(journal.some((entry) => entry.type === 'step-end' && entry.stepId === 'c1')).toBe(
        true,
      );
      expect(journal.some((entry) => entry.type === 'step-end' && entry.stepId === 'a2')).toBe(
        true,
      );
    });

    it('ignore carries on without the failed branch', async () => {
      const work = worker(['b1']);
      const { runner } = makeRunner([fan('ignore')], { work: work.handler });
      const result = await runner.run('fan', {});
      expect(result).toMatchObject({ status: 'completed', output: { name: 'after' } });
      const journal = await runner.journal('run-1');
      expect(
        journal.find((entry) => entry.type === 'step-end' && entry.stepId === 'fan'),
      ).toMatchObject({
        output: {
          branches: [
            { status: 'completed' },
            { status: 'failed', error: { message: 'b1 failed' } },
            { status: 'completed' },
          ],
        },
      });
    });
  });

  describe('subgraph steps', () => {
    it('runs the child workflow with mapped input and output, in a linked child run', async () => {
      const child = define('child', [
        task('double', 'double', { value: { $ref: 'input.amount' } }),
      ]);
      const parent = define(
        'parent',
        [
          {
            id: 'sub',
            name: 'sub',
            type: 'subgraph',
            configuration: {
              workflowId: 'child',
              inputMapping: { amount: { $ref: 'input.n' } },
              outputMapping: { doubled: 'result' },
            },
          },
          task('use', 'echo', { got: { $ref: 'steps.sub.output.doubled' } }),
        ],
        undefined,
        { child },
      );
      const { runner } = makeRunner([child, parent], {
        double: (input) => ({ result: (input.value as number) * 2 }),
        echo,
      });
      const result = await runner.run('parent', { n: 21 });
      expect(result).toMatchObject({ status: 'completed', output: { got: 42 } });
      const childRun = (await runner.listRuns({ workflowId: 'child' }))[0]!;
      expect(childRun).toMatchObject({
        runId: 'run-1/sub/1',
        parent: { runId: 'run-1', stepId: 'sub' },
        input: { amount: 21 },
      });
      expect((await runner.journal(childRun.runId)).map((entry) => entry.type)).toContain(
        'run-end',
      );
    });
  });

  describe('retries', () => {
    it("waits at least the provider's retry-after before the next attempt, as a journaled due time", async () => {
      vi.useFakeTimers({ now: 0 });
      const attempts: number[] = [];
      const limited = define('limited', [task('a', 'limited')], {
        retryAttempts: 2,
        backoffStrategy: 'fixed',
        fallbackAction: 'abort',
      });
      const { runner } = makeRunner(
        [limited],
        {
          limited: (_input, ctx) => {
            attempts.push(Date.now());
            if (ctx.attempt === 1)
              throw new AgentryError({
                code: 'rate_limited',
                message: 'Slow down.',
                details: { retryAfterMs: 60_000 },
              });
            return 'ok';
          },
        },
        {
          defaults: {
            retryPolicy: { maxAttempts: 3, baseDelay: 100, maxDelay: 1000, jitter: false },
          },
        },
      );
      const result = runner.run('limited', {});
      await vi.advanceTimersByTimeAsync(59_999);
      expect(attempts).toEqual([0]);
      await vi.advanceTimersByTimeAsync(1);
      expect(await result).toMatchObject({ status: 'completed', output: 'ok' });
      expect(attempts).toEqual([0, 60_000]);
      const retries = (await runner.journal('run-1')).filter(
        (entry) => entry.type === 'step-retry',
      );
      expect(retries).toMatchObject([{ attempt: 2, dueAt: 60_000 }]);
    });

    it('retries with the backoff of the workflow, journaling due times, on a fake clock', async () => {
      vi.useFakeTimers({ now: 0 });
      const attempts: number[] = [];
      const flaky = define('flaky', [task('a', 'flaky')], {
        retryAttempts: 2,
        backoffStrategy: 'linear',
        fallbackAction: 'abort',
      });
      const { runner, events } = makeRunner(
        [flaky],
        {
          flaky: (_input, ctx) => {
            attempts.push(Date.now());
            if (ctx.attempt < 3) throw new Error(`attempt ${ctx.attempt} failed`);
            return 'ok';
          },
        },
        {
          defaults: {
            retryPolicy: { maxAttempts: 9, baseDelay: 100, maxDelay: 1000, jitter: false },
          },
        },
      );
      const result = runner.run('flaky', {});
      await vi.advanceTimersByTimeAsync(299);
      expect(attempts).toEqual([0, 100]);
      await vi.advanceTimersByTimeAsync(1);
      expect(await result).toMatchObject({ status: 'completed', output: 'ok' });
      expect(attempts).toEqual([0, 100, 300]);
      const retries = (await runner.journal('run-1')).filter(
        (entry) => entry.type === 'step-retry',
      );
      expect(retries).toMatchObject([
        { attempt: 2, dueAt: 100 },
        { attempt: 3, dueAt: 300 },
      ]);
      expect(
        events.filter((event) => event.type.startsWith('step')).map((event) => event.type),
      ).toEqual([
        'step-start',
        'step-attempt',
        'step-error',
        'step-retry',
        'step-attempt',
        'step-error',
        'step-retry',
        'step-attempt',
        'step-end',
      ]);
    });

    it('uses the step retryPolicy over errorHandling, with maxAttempts counting the first attempt, then aborts', async () => {
      vi.useFakeTimers({ now: 0 });
      let calls = 0;
      const workflow = define(
        'policy',
        [
          task(
            'a',
            'fail',
            {},
            { retryPolicy: { maxAttempts: 2, baseDelay: 10, maxDelay: 10, jitter: false } },
          ),
        ],
        { retryAttempts: 5, backoffStrategy: 'fixed', fallbackAction: 'abort' },
      );
      const { runner } = makeRunner([workflow], {
        fail: () => {
          calls += 1;
          throw new Error('down');
        },
      });
      const result = runner.run('policy', {});
      await vi.advanceTimersByTimeAsync(1000);
      expect(await result).toMatchObject({ status: 'failed', error: { message: 'down' } });
      expect(calls).toBe(2);
    });

    it('keeps retrying with the retry fallback, a round of the policy every maxDelay', async () => {
      vi.useFakeTimers({ now: 0 });
      const times: number[] = [];
      const workflow = define(
        'again',
        [
          task(
            'a',
            'fail',
            {},
            { retryPolicy: { maxAttempts: 2, baseDelay: 10, maxDelay: 50, jitter: false } },
          ),
        ],
        {
          retryAttempts: 1,
          backoffStrategy: 'fixed',
          fallbackAction: 'retry',
        },
      );
      const { runner } = makeRunner([workflow], {
        fail: () => {
          times.push(Date.now());
          if (times.length < 5) throw new Error('down');
          return 'up';
        },
      });
      const result = runner.run('again', {});
      await vi.advanceTimersByTimeAsync(1000);
      expect(await result).toMatchObject({ status: 'completed', output: 'up' });
      expect(times).toEqual([0, 10, 60, 70, 120]);
    });
  });

  describe('circuit breaker', () => {
    it('opens after consecutive failures, refuses calls, then half-opens and closes', async () => {
      vi.useFakeTimers({ now: 0 });
      let calls = 0;
      let healthy = false;
      const workflow = define('guarded', [task('a', 'dep')], {
        retryAttempts: 0,
        backoffStrategy: 'fixed',
        fallbackAction: 'abort',
        circuitBreaker: { failureThreshold: 2, recoveryTimeout: 1000, halfOpenMaxCalls: 1 },
      });
      const { runner } = makeRunner([workflow], {
        dep: () => {
          calls += 1;
          if (!healthy) throw new AgentryError({ code: 'provider_unavailable', message: 'down' });
          return 'ok';
        },
      });
      expect((await runner.run('guarded', {})).status).toBe('failed');
      expect((await runner.run('guarded', {})).status).toBe('failed');
      const refused = await runner.run('guarded', {});
      expect(refused.error).toMatchObject({
        code: 'provider_unavailable',
        details: { circuit: 'open' },
      });
      expect(calls).toBe(2);
      healthy = true;
      await vi.advanceTimersByTimeAsync(1000);
      expect(await runner.run('guarded', {})).toMatchObject({ status: 'completed', output: 'ok' });
      expect(await runner.run('guarded', {})).toMatchObject({ status: 'completed' });
      expect(calls).toBe(4);
    });
  });

  describe('timeouts', () => {
    it('aborts the attempt at its timeout and discards the late result', async () => {
      vi.useFakeTimers({ now: 0 });
      let signal: AbortSignal | undefined;
      let finish: ((value: unknown) => void) | undefined;
      const workflow = define('slow', [task('a', 'slow', {}, { timeout: 100 })], undefined);
      const { runner } = makeRunner([workflow], {
        slow: (_input, ctx) => {
          signal = ctx.signal;
          return new Promise((resolve) => (finish = resolve));
        },
      });
      const result = runner.run('slow', {});
      await vi.advanceTimersByTimeAsync(100);
      expect(signal?.aborted).toBe(true);
      finish?.('late');
      expect(await result).toMatchObject({ status: 'failed', error: { code: 'timeout' } });
      await vi.advanceTimersByTimeAsync(10);
      const journal = await runner.journal('run-1');
      expect(journal.some((entry) => entry.type === 'step-end')).toBe(false);
      expect(JSON.stringify(journal)).not.toContain('late');
    });
  });

  describe('human intervention', () => {
    const needsPerson = () =>
      define(
        'review',
        [task('check', 'check'), task('after', 'echo', { got: { $ref: 'steps.check.output' } })],
        {
          retryAttempts: 0,
          backoffStrategy: 'fixed',
          fallbackAction: 'human_intervention',
        },
      );

    it('suspends durably, refuses callers without permission, and resumes with skip data as the output', async () => {
      const { runner, events } = makeRunner([needsPerson()], {
        check: () => {
          throw new Error('cannot decide');
        },
        echo,
      });
      const waiting = await runner.run('review', {});
      expect(waiting).toMatchObject({
        status: 'waiting-for-person',
        waiting: [{ stepId: 'check', error: { message: 'cannot decide' } }],
      });
      expect(await runner.activeRuns('review')).toBe(1);
      await expect(
        runner.resume(
          'run-1',
          { decision: 'skip', data: 1 },
          { actor: 'eve', permissions: ['read'] },
        ),
      ).rejects.toMatchObject({ code: 'permission_denied' });
      const done = await runner.resume(
        'run-1',
        { decision: 'skip', data: { approved: true } },
        { actor: 'ann', permissions: ['workflows:resume'] },
      );
      expect(done).toMatchObject({ status: 'completed', output: { got: { approved: true } } });
      expect(events.map((event) => event.type)).toContain('run-suspend');
      expect(events.map((event) => event.type)).toContain('run-resume');
      await expect(
        runner.resume('run-1', { decision: 'skip' }, { permissions: ['*'] }),
      ).rejects.toMatchObject({ code: 'invalid_transition' });
    });

    it('retries on a retry decision and aborts on an abort decision', async () => {
      let fixed = false;
      const { runner } = makeRunner([needsPerson()], {
        check: () => {
          if (!fixed) throw new Error('no');
          return 'fine';
        },
        echo,
      });
      await runner.run('review', {});
      fixed = true;
      expect(
        await runner.resume('run-1', { decision: 'retry' }, { permissions: ['*'] }),
      ).toMatchObject({ status: 'completed', output: { got: 'fine' } });
      fixed = false;
      await runner.run('review', {});
      expect(
        await runner.resume('run-2', { decision: 'abort' }, { actor: 'ann', permissions: ['*'] }),
      ).toMatchObject({ status: 'failed', error: { code: 'aborted' } });
    });

    it('takes the deadline decision when nobody decides in time', async () => {
      vi.useFakeTimers({ now: 0 });
      const { runner } = makeRunner(
        [needsPerson()],
        {
          check: () => {
            throw new Error('no');
          },
          echo,
        },
        {
          humanIntervention: { deadlineMs: 5000, onDeadline: 'abort' },
        },
      );
      const waiting = await runner.run('review', {});
      expect(waiting.waiting).toMatchObject([{ deadlineAt: 5000, onDeadline: 'abort' }]);
      await vi.advanceTimersByTimeAsync(5000);
      await vi.waitFor(async () => expect((await runner.getRun('run-1'))?.status).toBe('failed'));
    });
  });

  describe('start', () => {
    it('returns the first run for a repeated idempotency key, also from another runner on the same store', async () => {
      const workflow = define('once', [task('a', 'echo')], undefined);
      const { runner, store } = makeRunner([workflow], { echo });
      const first = await runner.start(
        'once',
        { n: 1 },
        { idempotencyKey: 'delivery-1', origin: { type: 'webhook' } },
      );
      const second = await runner.start('once', { n: 2 }, { idempotencyKey: 'delivery-1' });
      expect(first).toEqual({ runId: 'run-1', deduplicated: false });
      expect(second).toEqual({ runId: 'run-1', deduplicated: true });
      const other = makeRunner([workflow], { echo }, { store, generateId: () => 'other' }).runner;
      expect(await other.start('once', {}, { idempotencyKey: 'delivery-1' })).toEqual({
        runId: 'run-1',
        deduplicated: true,
      });
      await runner.wait('run-1');
      expect(await runner.listRuns()).toHaveLength(1);
      expect(await runner.getRun('run-1')).toMatchObject({
        origin: { type: 'webhook' },
        idempotencyKey: 'delivery-1',
      });
    });
  });

  describe('recover', () => {
    it('resumes an interrupted run without re-running finished steps', async () => {
      const store = createMemoryStore();
      const workflow = define('two', [task('a', 'count'), task('b', 'hang'), task('c', 'count')]);
      const counts: Record<string, number> = {};
      const count: TaskHandler = (_input, ctx) => {
        counts[ctx.stepId] = (counts[ctx.stepId] ?? 0) + 1;
        return ctx.stepId;
      };
      const first = makeRunner(
        [workflow],
        { count, hang: () => new Promise(() => undefined) },
        { store },
      ).runner;
      await first.start('two', {});
      await vi.waitFor(async () =>
        expect((await first.journal('run-1')).at(-1)?.type).toBe('step-attempt'),
      );
      await first.close();
      const second = makeRunner(
        [workflow],
        { count, hang: (_input, ctx) => `${ctx.idempotencyKey}#${ctx.attempt}` },
        { store },
      ).runner;
      expect(await second.recover()).toEqual({
        resumed: ['run-1'],
        waiting: [],
        held: [],
        refused: [],
        rebuilt: [],
      });
      expect(await second.wait('run-1')).toMatchObject({ status: 'completed', output: 'c' });
      expect(counts).toEqual({ a: 1, c: 1 });
      const journal = await second.journal('run-1');
      expect(
        journal.find((entry) => entry.type === 'step-end' && entry.stepId === 'b'),
      ).toMatchObject({ output: 'run-1:b#1' });
    });

    it('refuses a run whose definition changed, and goes on once a migration is registered', async () => {
      const store = createMemoryStore();
      const before = define('evolving', [task('a', 'echo', { v: 1 }), task('b', 'hold')]);
      const after = define('evolving', [
        task('a', 'echo', { v: 1 }),
        task('b', 'hold', { note: 'new' }),
      ]);
      const first = makeRunner(
        [before],
        { echo, hold: () => new Promise(() => undefined) },
        { store },
      ).runner;
      await first.start('evolving', {});
      await vi.waitFor(async () =>
        expect((await first.journal('run-1')).at(-1)).toMatchObject({ stepId: 'b' }),
      );
      await first.close();

      const refusing = makeRunner([after], { echo, hold: echo }, { store }).runner;
      const report = await refusing.recover();
      expect(report.refused).toMatchObject([
        { runId: 'run-1', error: { code: 'migration_required' } },
      ]);
      expect(report.refused[0]!.error.message).toContain('changed after run "run-1" started');
      await refusing.close();

      const migrating = makeRunner(
        [after],
        { echo, hold: echo },
        {
          store,
          migrations: [
            {
              workflowId: 'evolving',
              from: hashWorkflowDefinition(before),
              to: hashWorkflowDefinition(after),
              migrate: ({ input, outputs }) => ({ input, outputs: { ...outputs, a: { v: 2 } } }),
            },
          ],
        },
      ).runner;
      expect((await migrating.recover()).resumed).toEqual(['run-1']);
      expect(await migrating.wait('run-1')).toMatchObject({
        status: 'completed',
        output: { note: 'new' },
        definitionHash: hashWorkflowDefinition(after),
      });
      expect((await migrating.journal('run-1')).map((entry) => entry.type)).toContain(
        'run-migrate',
      );
    });
  });

  describe('cancel', () => {
    it('aborts a running step, journals the cancellation and never journals the step as ended', async () => {
      let signal: AbortSignal | undefined;
      const { runner } = makeRunner([define('long', [task('a', 'wait')], undefined)], {
        wait: (_input, ctx) => {
          signal = ctx.signal;
          return new Promise(() => undefined);
        },
      });
      await runner.start('long', {});
      await vi.waitFor(() => expect(signal).toBeDefined());
      expect(await runner.cancel('run-1')).toMatchObject({
        status: 'cancelled',
        error: { code: 'aborted' },
      });
      expect(signal?.aborted).toBe(true);
      expect((await runner.journal('run-1')).at(-1)).toMatchObject({
        type: 'run-error',
        cancelled: true,
      });
    });
  });

  describe('with SQLite', () => {
    it('runs, journals and recovers on a SQLite file', async () => {
      const directory = mkdtempSync(join(tmpdir(), 'agentry-runner-'));
      let store: StateStore | undefined;
      try {
        store = createSqliteStore({ path: join(directory, 'runs.db') });
        const workflow = define('sq', [
          task('a', 'echo', { x: { $ref: 'input.x' } }),
          task('b', 'echo', { y: { $ref: 'steps.a.output.x' } }),
        ]);
        const { runner } = makeRunner([workflow], { echo }, { store });
        expect(await runner.run('sq', { x: 5 })).toMatchObject({
          status: 'completed',
          output: { y: 5 },
        });
        expect(await runner.journal('run-1')).toHaveLength(8);
        await runner.close();
      } finally {
        await store?.close();
        rmSync(directory, { recursive: true, force: true });
      }
    });
  });
});
