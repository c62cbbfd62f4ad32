import { createMemoryStore, storeKey, type AgentryError } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from './__fixtures__/fake-clock.js';
import { MemoryStarter } from './__fixtures__/memory-starter.js';
import { workflowWith } from './__fixtures__/workflow-with.js';
import { createScheduler } from './create-scheduler.js';
import type { ScheduleOptions, ScheduleTickEvent, Scheduler } from './schedule-types.js';

const berlinDaily = workflowWith('nightly', [
  { type: 'schedule', configuration: { cron: '30 2 * * *', timezone: 'Europe/Berlin' } },
]);

let scheduler: Scheduler | undefined;
afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
});

function setUp(
  start: string,
  options: {
    workflows?: Parameters<typeof createScheduler>[0]['workflows'];
    scheduleOptions?: ScheduleOptions;
    store?: ReturnType<typeof createMemoryStore>;
    starter?: MemoryStarter;
  } = {},
) {
  const clock = new FakeClock(start);
  const starter = options.starter ?? new MemoryStarter();
  const ticks: ScheduleTickEvent[] = [];
  const errors: AgentryError[] = [];
  scheduler = createScheduler({
    starter,
    workflows: options.workflows ?? [berlinDaily],
    clock,
    ...(options.store ? { store: options.store } : {}),
    ...(options.scheduleOptions ? { scheduleOptions: options.scheduleOptions } : {}),
    onTick: (event) => ticks.push(event),
    onError: (error) => errors.push(error),
  });
  return { clock, starter, ticks, errors, scheduler };
}

describe('createScheduler', () => {
  describe('start', () => {
    it('starts a run at each tick with the tick as idempotency key and origin', async () => {
      const workflow = workflowWith('report', [
        {
          type: 'schedule',
          configuration: {
            cron: '0 9 * * *',
            timezone: 'America/New_York',
            input: { kind: 'daily' },
          },
        },
      ]);
      const { clock, starter, ticks, scheduler } = setUp('2026-06-01T00:00:00Z', {
        workflows: [workflow],
      });
      await scheduler.start();
      expect(scheduler.nextTicks()).toEqual([
        { workflowId: 'report', triggerIndex: 0, tick: '2026-06-01T13:00:00.000Z' },
      ]);
      await clock.advanceTo('2026-06-01T12:59:59Z');
      expect(starter.runs).toHaveLength(0);
      await clock.advanceTo('2026-06-01T13:00:00Z');
      expect(starter.runs).toEqual([
        {
          runId: 'run-1',
          workflowId: 'report',
          input: { kind: 'daily' },
          options: {
            idempotencyKey: 'schedule:report:2026-06-01T13:00:00.000Z',
            origin: {
              type: 'schedule',
              details: {
                tick: '2026-06-01T13:00:00.000Z',
                cron: '0 9 * * *',
                timezone: 'America/New_York',
                late: false,
              },
            },
          },
        },
      ]);
      expect(ticks[0]).toMatchObject({ outcome: 'started', runId: 'run-1', late: false });
      starter.finishAll();
      await clock.advanceTo('2026-06-02T13:00:00Z');
      expect(starter.runs.map((run) => run.options.idempotencyKey)).toEqual([
        'schedule:report:2026-06-01T13:00:00.000Z',
        'schedule:report:2026-06-02T13:00:00.000Z',
      ]);
    });

    it('follows croner across the 2026 spring-forward day in Europe/Berlin: 02:30 runs at 03:30', async () => {
      // 2026-03-29 02:00 CET jumps to 03:00 CEST, so 02:30 does not exist that day. croner 10
      // moves the tick one hour later, to 03:30 CEST (01:30 UTC), and keeps 02:30 on other days.
      const { clock, starter, ticks, scheduler } = setUp('2026-03-28T12:00:00Z');
      await scheduler.start();
      await clock.advanceTo('2026-03-29T01:29:59Z');
      expect(starter.runs).toHaveLength(0);
      await clock.advanceTo('2026-03-31T12:00:00Z');
      expect(ticks.map((tick) => tick.tick)).toEqual([
        '2026-03-29T01:30:00.000Z', // 03:30 CEST, the shifted 02:30
        '2026-03-30T00:30:00.000Z', // 02:30 CEST
        '2026-03-31T00:30:00.000Z',
      ]);
    });

    it('runs a repeated local time once, at its first occurrence, on the 2026 fall-back day', async () => {
      // 2026-10-25 03:00 CEST goes back to 02:00 CET, so 02:30 happens twice: 00:30 and 01:30 UTC.
      const { clock, ticks, scheduler, starter } = setUp('2026-10-24T12:00:00Z', {
        scheduleOptions: { overlap: 'allow' },
      });
      await scheduler.start();
      await clock.advanceTo('2026-10-26T12:00:00Z');
      expect(ticks.map((tick) => tick.tick)).toEqual([
        '2026-10-25T00:30:00.000Z', // 02:30 CEST, the first 02:30
        '2026-10-26T01:30:00.000Z', // 02:30 CET the next day
      ]);
      expect(starter.calls).toBe(2);
    });

    it('skips a tick while a run is active unless the workflow is parallel', async () => {
      const every = (id: string, parallel: boolean) =>
        workflowWith(
          id,
          [{ type: 'schedule', configuration: { cron: '*/5 * * * *', timezone: 'UTC' } }],
          { parallel },
        );
      const { clock, starter, ticks, scheduler } = setUp('2026-01-01T00:00:30Z', {
        workflows: [every('serial', false), every('parallel', true)],
      });
      await scheduler.start();
      await clock.advanceTo('2026-01-01T00:10:00Z');
      const serial = ticks.filter((tick) => tick.workflowId === 'serial');
      expect(serial.map((tick) => [tick.tick, tick.outcome, tick.reason])).toEqual([
        ['2026-01-01T00:05:00.000Z', 'started', undefined],
        ['2026-01-01T00:10:00.000Z', 'skipped', 'overlap'],
      ]);
      expect(starter.runs.filter((run) => run.workflowId === 'parallel')).toHaveLength(2);
      starter.finishAll();
      await clock.advanceTo('2026-01-01T00:15:00Z');
      expect(ticks.filter((tick) => tick.workflowId === 'serial').at(-1)).toMatchObject({
        tick: '2026-01-01T00:15:00.000Z',
        outcome: 'started',
      });
    });

    it('lets the scheduleOptions overlap setting override the definition', async () => {
      const { clock, starter, scheduler } = setUp('2026-01-01T00:00:30Z', {
        workflows: [
          workflowWith('w', [
            { type: 'schedule', configuration: { cron: '* * * * *', timezone: 'UTC' } },
          ]),
        ],
        scheduleOptions: { overlap: 'allow' },
      });
      await scheduler.start();
      await clock.advanceTo('2026-01-01T00:03:00Z');
      expect(starter.runs).toHaveLength(3);
    });

    it('starts a tick seen by two schedulers once', async () => {
      const starter = new MemoryStarter();
      // Overlap allowed: otherwise the second process sees the first one's run as active and
      // reports its tick as skipped (also without a second run).
      const scheduleOptions: ScheduleOptions = { overlap: 'allow' };
      const first = setUp('2026-01-01T00:00:00Z', { starter, scheduleOptions });
      const firstScheduler = first.scheduler;
      scheduler = undefined;
      const second = setUp('2026-01-01T00:00:00Z', { starter, scheduleOptions });
      await firstScheduler.start();
      await second.scheduler.start();
      await first.clock.advanceTo('2026-01-01T02:00:00Z');
      await second.clock.advanceTo('2026-01-01T02:00:00Z');
      expect(starter.runs).toHaveLength(1);
      expect(first.ticks[0]).toMatchObject({ outcome: 'started', runId: 'run-1' });
      expect(second.ticks[0]).toMatchObject({ outcome: 'deduplicated', runId: 'run-1' });
      await firstScheduler.stop();
    });

    it('reports a refused start to onError and keeps the schedule going', async () => {
      const starter = new MemoryStarter();
      starter.failWith = new Error('runner down');
      const { clock, errors, scheduler } = setUp('2026-01-01T00:00:00Z', { starter });
      await scheduler.start();
      await clock.advanceTo('2026-01-01T02:00:00Z');
      expect(errors.map((error) => error.message)).toEqual(['runner down']);
      starter.failWith = undefined;
      await clock.advanceTo('2026-01-02T02:00:00Z');
      expect(starter.runs).toHaveLength(1);
    });
  });

  describe('missed ticks', () => {
    const hourly = workflowWith('hourly', [
      { type: 'schedule', configuration: { cron: '0 * * * *', timezone: 'UTC' } },
    ]);

    async function downtime(scheduleOptions: ScheduleOptions | undefined) {
      const store = createMemoryStore();
      const before = setUp('2026-05-01T09:30:00Z', {
        workflows: [hourly],
        store,
        ...(scheduleOptions ? { scheduleOptions } : {}),
      });
      await before.scheduler.start();
      await before.clock.advanceTo('2026-05-01T10:00:00Z');
      await before.scheduler.stop();
      expect(before.starter.runs).toHaveLength(1);
      // Down from 10:20 to 13:40: ticks 11:00, 12:00 and 13:00 pass unseen.
      const after = setUp('2026-05-01T13:40:00Z', {
        workflows: [hourly],
        store,
        ...(scheduleOptions ? { scheduleOptions } : {}),
      });
      await after.scheduler.start();
      return { store, after };
    }

    it('skips ticks missed during downtime by default, and reports the latest as skipped', async () => {
      const { after } = await downtime(undefined);
      expect(after.starter.runs).toHaveLength(0);
      expect(after.ticks).toEqual([
        {
          type: 'schedule-tick',
          workflowId: 'hourly',
          triggerIndex: 0,
          tick: '2026-05-01T13:00:00.000Z',
          outcome: 'skipped',
          reason: 'missed',
          late: true,
          missedSince: '2026-05-01T11:00:00.000Z',
        },
      ]);
      await after.clock.advanceTo('2026-05-01T14:00:00Z');
      expect(after.starter.runs).toHaveLength(1);
    });

    it('runs once for the most recent missed tick with run-latest', async () => {
      const { after, store } = await downtime({ missedTicks: 'run-latest' });
      expect(after.starter.runs.map((run) => run.options.idempotencyKey)).toEqual([
        'schedule:hourly:2026-05-01T13:00:00.000Z',
      ]);
      expect(after.starter.runs[0]?.options.origin?.details?.late).toBe(true);
      expect(after.ticks[0]).toMatchObject({
        outcome: 'started',
        missedSince: '2026-05-01T11:00:00.000Z',
      });
      const stored = await store.get(storeKey('workflow-schedule', 'hourly', '0 * * * *', 'UTC'));
      expect(stored?.data).toEqual({ lastTick: '2026-05-01T13:00:00.000Z' });
    });

    it('counts a tick handled within the grace period as on time', async () => {
      const store = createMemoryStore();
      await store.put(storeKey('workflow-schedule', 'hourly', '0 * * * *', 'UTC'), {
        kind: 'workflow-schedule',
        schemaVersion: '1',
        data: { lastTick: '2026-05-01T12:00:00.000Z' },
      });
      const { starter, ticks, scheduler } = setUp('2026-05-01T13:00:30Z', {
        workflows: [hourly],
        store,
      });
      await scheduler.start();
      expect(starter.runs).toHaveLength(1);
      expect(ticks[0]).toMatchObject({ tick: '2026-05-01T13:00:00.000Z', late: false });
      expect(ticks[0]?.missedSince).toBeUndefined();
    });

    it('without a store, catches nothing up at start', async () => {
      const { starter, ticks, scheduler } = setUp('2026-05-01T13:40:00Z', {
        workflows: [hourly],
        scheduleOptions: { missedTicks: 'run-latest' },
      });
      await scheduler.start();
      expect(starter.runs).toHaveLength(0);
      expect(ticks).toHaveLength(0);
    });

    it('applies the policy when the process stalls past several ticks', async () => {
      const { clock, starter, ticks, scheduler } = setUp('2026-05-01T09:30:00Z', {
        workflows: [hourly],
      });
      await scheduler.start();
      clock.jumpTo('2026-05-01T12:30:00Z'); // the 10:00 timer fires two and a half hours late
      await clock.advanceTo('2026-05-01T12:30:00Z');
      expect(starter.runs).toHaveLength(0);
      expect(ticks).toMatchObject([
        {
          tick: '2026-05-01T12:00:00.000Z',
          outcome: 'skipped',
          reason: 'missed',
          missedSince: '2026-05-01T10:00:00.000Z',
        },
      ]);
    });
  });

  describe('stop', () => {
    it('clears the timers so no tick starts afterwards', async () => {
      const { clock, starter, scheduler } = setUp('2026-01-01T00:00:00Z');
      await scheduler.start();
      expect(clock.pending).toBe(1);
      await scheduler.stop();
      expect(clock.pending).toBe(0);
      expect(scheduler.nextTicks()).toEqual([]);
      await clock.advanceTo('2026-01-05T00:00:00Z');
      expect(starter.runs).toHaveLength(0);
    });
  });
});
