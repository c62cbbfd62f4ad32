import { AgentryError, createMemoryStore, type StateStore } from '@agentry/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  createWorkflowRunner,
  defineTaskHandler,
  type RunEvent,
  type TaskHandler,
  type WorkflowRunner,
} from '../src/index.js';
import { define, task } from './fixtures/workflows.js';

const open: WorkflowRunner[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(open.splice(0).map((runner) => runner.close()));
});

const guarded = (recoveryTimeout = 1_000) =>
  define('guarded', [task('call', 'dep', { amount: { $ref: 'input.amount' } })], {
    retryAttempts: 0,
    backoffStrategy: 'fixed',
    fallbackAction: 'abort',
    circuitBreaker: { failureThreshold: 2, recoveryTimeout, halfOpenMaxCalls: 1 },
  });

function makeRunner(
  store: StateStore,
  dep: Parameters<typeof createWorkflowRunner>[0]['handlers'],
  recoveryTimeout?: number,
) {
  let id = 0;
  const prefix = `p${open.length}`;
  const runner = createWorkflowRunner({
    store,
    registry: { guarded: guarded(recoveryTimeout) },
    handlers: dep ?? {},
    generateId: () => `${prefix}-run-${++id}`,
  });
  open.push(runner);
  const events: RunEvent[] = [];
  runner.events$.subscribe((event) => events.push(event));
  return { runner, events };
}

describe('the workflow circuit breaker', () => {
  describe('what trips it', () => {
    it.each([
      ['invalid_request', new AgentryError({ code: 'invalid_request', message: 'bad request' })],
      ['content_filtered', new AgentryError({ code: 'content_filtered', message: 'filtered' })],
      ['a plain Error (a bug in the handler)', new TypeError('x is undefined')],
    ])('never opens on %s: a healthy run goes through afterwards', async (_name, thrown) => {
      let healthy = false;
      const dep: TaskHandler = () => {
        if (!healthy) throw thrown;
        return 'ok';
      };
      const { runner } = makeRunner(createMemoryStore(), { dep });
      for (let index = 0; index < 3; index += 1) {
        expect((await runner.run('guarded', { amount: 1 })).status).toBe('failed');
      }
      healthy = true;
      expect(await runner.run('guarded', { amount: 1 })).toMatchObject({
        status: 'completed',
        output: 'ok',
      });
    });

    it('never opens on a defined handler’s schema validation_failed', async () => {
      let calls = 0;
      const dep = defineTaskHandler({
        input: z.object({ amount: z.number().positive() }),
        run: () => {
          calls += 1;
          return 'ok';
        },
      });
      const { runner } = makeRunner(createMemoryStore(), { dep });
      for (let index = 0; index < 3; index += 1) {
        expect(await runner.run('guarded', { amount: -1 })).toMatchObject({
          status: 'failed',
          error: { code: 'validation_failed' },
        });
      }
      expect(await runner.run('guarded', { amount: 5 })).toMatchObject({ status: 'completed' });
      expect(calls).toBe(1);
    });

    it('opens on the dependency’s own failures, as the model router does', async () => {
      let calls = 0;
      const dep: TaskHandler = () => {
        calls += 1;
        throw new AgentryError({ code: 'network', message: 'connection reset' });
      };
      const { runner } = makeRunner(createMemoryStore(), { dep });
      await runner.run('guarded', { amount: 1 });
      await runner.run('guarded', { amount: 1 });
      expect(await runner.run('guarded', { amount: 1 })).toMatchObject({
        status: 'failed',
        error: { code: 'provider_unavailable', details: { circuit: 'open' } },
      });
      expect(calls).toBe(2);
    });
  });

  describe('its state in the store', () => {
    const down = () => {
      throw new AgentryError({ code: 'provider_unavailable', message: 'down' });
    };

    it('is honoured by a runner started after a restart, until the recovery timeout passes', async () => {
      vi.useFakeTimers({ now: 1_000_000 });
      const store = createMemoryStore();
      const first = makeRunner(store, { dep: down });
      await first.runner.run('guarded', { amount: 1 });
      await first.runner.run('guarded', { amount: 1 });
      await first.runner.close();

      let calls = 0;
      const second = makeRunner(store, {
        dep: () => {
          calls += 1;
          return 'ok';
        },
      });
      expect(await second.runner.run('guarded', { amount: 1 })).toMatchObject({
        status: 'failed',
        error: { code: 'provider_unavailable', details: { circuit: 'open' } },
      });
      expect(calls).toBe(0);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(await second.runner.run('guarded', { amount: 1 })).toMatchObject({
        status: 'completed',
      });
      expect(calls).toBe(1);
    });

    it('is honoured by another runner on the same store within the staleness bound', async () => {
      vi.useFakeTimers({ now: 1_000_000 });
      const store = createMemoryStore();
      let calls = 0;
      const other = makeRunner(
        store,
        {
          dep: () => {
            calls += 1;
            return 'ok';
          },
        },
        60_000,
      );
      expect((await other.runner.run('guarded', { amount: 1 })).status).toBe('completed');
      const failing = makeRunner(store, { dep: down }, 60_000);
      await failing.runner.run('guarded', { amount: 1 });
      await failing.runner.run('guarded', { amount: 1 });
      // A closed breaker reads its record again at most 1 s (or recoveryTimeout) after it last did.
      await vi.advanceTimersByTimeAsync(1_000);
      expect(await other.runner.run('guarded', { amount: 1 })).toMatchObject({
        error: { details: { circuit: 'open' } },
      });
      expect(calls).toBe(1);
    });

    it('costs no store read per step while it is closed and healthy', async () => {
      vi.useFakeTimers({ now: 1_000_000 });
      const memory = createMemoryStore();
      let reads = 0;
      const store: StateStore = {
        get: (key) => {
          if (key.startsWith('workflow-breaker:')) reads += 1;
          return memory.get(key);
        },
        put: (key, value, options) => memory.put(key, value, options),
        list: (prefix, options) => memory.list(prefix, options),
        delete: (key, options) => memory.delete(key, options),
        close: () => memory.close(),
      };
      const { runner } = makeRunner(store, { dep: () => 'ok' }, 60_000);
      for (let index = 0; index < 50; index += 1) {
        expect((await runner.run('guarded', { amount: 1 })).status).toBe('completed');
      }
      // The first use reads the record (a restart may have left it open); nothing after that.
      expect(reads).toBe(1);
      await vi.advanceTimersByTimeAsync(1_000);
      for (let index = 0; index < 50; index += 1) await runner.run('guarded', { amount: 1 });
      expect(reads).toBe(2);
    });

    it('carries the failure count across a restart', async () => {
      const store = createMemoryStore();
      const first = makeRunner(store, { dep: down });
      await first.runner.run('guarded', { amount: 1 });
      await first.runner.close();
      let calls = 0;
      const second = makeRunner(store, {
        dep: () => {
          calls += 1;
          return down();
        },
      });
      await second.runner.run('guarded', { amount: 1 });
      expect((await second.runner.run('guarded', { amount: 1 })).error).toMatchObject({
        details: { circuit: 'open' },
      });
      expect(calls).toBe(1);
    });

    it('never fails a call when the store cannot read or write the breaker’s record', async () => {
      const memory = createMemoryStore();
      const broken = () =>
        Promise.reject(new AgentryError({ code: 'internal', message: 'The entry is damaged.' }));
      const store: StateStore = {
        get: (key) => (key.startsWith('workflow-breaker:') ? broken() : memory.get(key)),
        put: (key, value, options) =>
          key.startsWith('workflow-breaker:') ? broken() : memory.put(key, value, options),
        list: (prefix, options) => memory.list(prefix, options),
        delete: (key, options) => memory.delete(key, options),
        close: () => memory.close(),
      };
      let healthy = false;
      const { runner } = makeRunner(store, { dep: () => (healthy ? 'ok' : down()) });
      await runner.run('guarded', { amount: 1 });
      await runner.run('guarded', { amount: 1 });
      expect((await runner.run('guarded', { amount: 1 })).error).toMatchObject({
        details: { circuit: 'open' },
      });
      healthy = true;
      expect(await runner.run('guarded', { amount: 1 })).toMatchObject({
        status: 'failed',
        error: { details: { circuit: 'open' } },
      });
    });

    it('emits each change of state as a breaker-state event, after it is stored', async () => {
      vi.useFakeTimers({ now: 1_000_000 });
      const store = createMemoryStore();
      let healthy = false;
      const { runner, events } = makeRunner(store, {
        dep: () => (healthy ? 'ok' : down()),
      });
      const stored: unknown[] = [];
      runner.events$.subscribe((event) => {
        if (event.type !== 'breaker-state') return;
        stored.push(store.list('workflow-breaker:').then((page) => page.entries[0]?.data));
      });
      await runner.run('guarded', { amount: 1 });
      await runner.run('guarded', { amount: 1 });
      await vi.advanceTimersByTimeAsync(1_000);
      healthy = true;
      await runner.run('guarded', { amount: 1 });
      const changes = events.filter((event) => event.type === 'breaker-state');
      expect(changes.map((event) => [event.breaker?.from, event.breaker?.to])).toEqual([
        ['closed', 'open'],
        ['open', 'half-open'],
        ['half-open', 'closed'],
      ]);
      expect(changes[0]).toMatchObject({
        runId: 'p0-run-2',
        workflowId: 'guarded',
        stepId: 'call',
        breaker: { name: 'guarded:dep', consecutiveFailures: 2, openedAt: 1_000_000 },
      });
      expect((await Promise.all(stored)).map((data) => (data as { state: string }).state)).toEqual([
        'open',
        'half-open',
        'closed',
      ]);
    });
  });
});
