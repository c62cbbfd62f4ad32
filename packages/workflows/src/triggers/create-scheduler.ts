import { AgentryError, storeKey, systemClock, toAgentryError } from '@agentry/core';
import { Cron } from 'croner';
import type { ScheduleTrigger } from '../definitions/workflow-trigger.js';
import type {
  ScheduleErrorContext,
  ScheduleOptions,
  ScheduledTrigger,
  Scheduler,
  SchedulerOptions,
} from './schedule-types.js';
import { listWorkflows } from './workflow-source.js';

// Timers longer than this overflow to 1 ms in Node; longer waits are taken in steps.
const maxTimerDelay = 2_147_483_647;
const defaultGraceMs = 60_000;

interface TriggerState {
  scheduled: ScheduledTrigger;
  cron: Cron;
  options: Required<ScheduleOptions>;
  key: string;
  /** The last tick handled (or the start time): ticks after it are due. */
  cursor: number;
  timer: unknown;
  busy: boolean;
}

/**
 * Runs the `schedule` triggers of a set of workflows: each trigger's cron expression in its IANA
 * time zone, computed with `croner`, on the injected clock's timers.
 *
 * Each tick starts the workflow with the trigger's `input` (or `{}`) and the idempotency key
 * `schedule:<workflowId>:<tick ISO>`, so a tick seen by two processes starts one run. A tick is
 * skipped while a run is active unless the trigger allows overlap (`scheduleOptions.overlap`,
 * default from the definition's `parallel`). Ticks missed while the process was down or stalled
 * follow `scheduleOptions.missedTicks` (`skip` by default, or `run-latest`).
 *
 * Daylight saving time follows croner 10: a time that does not exist on the spring-forward day
 * (`30 2 * * *` in `Europe/Berlin` on 2026-03-29) runs one hour later, at 03:30 local time; a time
 * that occurs twice on the fall-back day (2026-10-25) runs once, at its first occurrence (02:30
 * summer time, 00:30 UTC).
 *
 * @returns a {@link Scheduler}; call `start()` to arm it
 * @example
 * ```ts
 * const scheduler = createScheduler({
 *   starter: runner,
 *   workflows: registry,
 *   store, // remembers the last tick, so missed ticks are known after a restart
 *   scheduleOptions: { missedTicks: 'run-latest' },
 *   onTick: (event) => logger.info(event),
 *   onError: (error, where) => logger.error(error, where),
 * });
 * await scheduler.start();
 * ```
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const clock = options.clock ?? systemClock;
  let states: TriggerState[] = [];
  let running = false;
  const inFlight = new Set<Promise<void>>();

  const report = (error: unknown, state: TriggerState, tick?: number): void => {
    const context: ScheduleErrorContext = {
      workflowId: state.scheduled.definition.id,
      triggerIndex: state.scheduled.triggerIndex,
      ...(tick === undefined ? {} : { tick: new Date(tick).toISOString() }),
    };
    try {
      options.onError(toAgentryError(error), context);
    } catch {
      // An error handler that throws must not stop the schedule.
    }
  };

  const arm = (state: TriggerState): void => {
    if (!running) return;
    const next = state.cron.nextRun(new Date(state.cursor));
    if (!next) return;
    const delay = Math.min(Math.max(0, next.getTime() - clock.now()), maxTimerDelay);
    state.timer = clock.setTimeout(() => {
      state.timer = undefined;
      track(wake(state));
    }, delay);
  };

  const track = (promise: Promise<void>): void => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
  };

  const wake = async (state: TriggerState): Promise<void> => {
    if (!running || state.busy) return;
    state.busy = true;
    try {
      const now = clock.now();
      const latest = latestTickAtOrBefore(state.cron, now);
      if (latest !== undefined && latest > state.cursor) {
        const first = state.cron.nextRun(new Date(state.cursor))?.getTime() ?? latest;
        state.cursor = latest;
        await handleTick(state, latest, {
          late: now - latest > state.options.missedTickGraceMs,
          missedSince: first < latest ? first : undefined,
        });
      }
    } finally {
      state.busy = false;
      arm(state);
    }
  };

  const handleTick = async (
    state: TriggerState,
    tick: number,
    timing: { late: boolean; missedSince: number | undefined },
  ): Promise<void> => {
    const { definition, triggerIndex, trigger } = state.scheduled;
    const iso = new Date(tick).toISOString();
    const base = {
      type: 'schedule-tick' as const,
      workflowId: definition.id,
      triggerIndex,
      tick: iso,
      late: timing.late,
      ...(timing.missedSince === undefined
        ? {}
        : { missedSince: new Date(timing.missedSince).toISOString() }),
    };
    try {
      if (timing.late && state.options.missedTicks === 'skip') {
        emit({ ...base, outcome: 'skipped', reason: 'missed' });
      } else if (
        state.options.overlap === 'skip' &&
        (await options.starter.activeRuns(definition.id)) > 0
      ) {
        emit({ ...base, outcome: 'skipped', reason: 'overlap' });
      } else {
        const started = await options.starter.start(
          definition.id,
          trigger.configuration.input ?? {},
          {
            idempotencyKey: `schedule:${definition.id}:${iso}`,
            ...(options.principal === undefined ? {} : { principal: options.principal }),
            origin: {
              type: 'schedule',
              details: {
                tick: iso,
                cron: trigger.configuration.cron,
                timezone: trigger.configuration.timezone,
                late: timing.late,
              },
            },
          },
        );
        emit({
          ...base,
          outcome: started.deduplicated ? 'deduplicated' : 'started',
          runId: started.runId,
        });
      }
    } catch (error) {
      report(error, state, tick);
      return;
    }
    await persist(state, iso);
  };

  const emit = (event: Parameters<NonNullable<SchedulerOptions['onTick']>>[0]): void => {
    try {
      options.onTick?.(event);
    } catch {
      // A listener that throws must not stop the schedule.
    }
  };

  const persist = async (state: TriggerState, iso: string): Promise<void> => {
    if (!options.store) return;
    try {
      await options.store.put(state.key, {
        kind: 'workflow-schedule',
        schemaVersion: '1',
        data: { lastTick: iso },
      });
    } catch (error) {
      report(error, state);
    }
  };

  const restoreCursor = async (state: TriggerState, now: number): Promise<number> => {
    if (!options.store) return now;
    try {
      const entry = await options.store.get(state.key);
      const lastTick = (entry?.data as { lastTick?: unknown } | undefined)?.lastTick;
      const time = typeof lastTick === 'string' ? Date.parse(lastTick) : Number.NaN;
      return Number.isFinite(time) && time <= now ? time : now;
    } catch (error) {
      report(error, state);
      return now;
    }
  };

  return {
    async start() {
      if (running) return;
      const built = collectTriggers(options).map((scheduled) => buildState(scheduled, options));
      const now = clock.now();
      for (const state of built) state.cursor = await restoreCursor(state, now);
      states = built;
      running = true;
      for (const state of states) track(wake(state));
      await Promise.all([...inFlight]);
    },
    async stop() {
      running = false;
      for (const state of states) {
        if (state.timer !== undefined) clock.clearTimeout(state.timer);
        state.timer = undefined;
      }
      await Promise.all([...inFlight]);
    },
    nextTicks() {
      if (!running) return [];
      return states.flatMap((state) => {
        const next = state.cron.nextRun(new Date(state.cursor));
        return next
          ? [
              {
                workflowId: state.scheduled.definition.id,
                triggerIndex: state.scheduled.triggerIndex,
                tick: next.toISOString(),
              },
            ]
          : [];
      });
    },
  };
}

function collectTriggers(options: SchedulerOptions): ScheduledTrigger[] {
  return listWorkflows(options.workflows).flatMap((definition) =>
    definition.triggers.flatMap((trigger, triggerIndex) =>
      trigger.type === 'schedule' ? [{ definition, triggerIndex, trigger }] : [],
    ),
  );
}

function buildState(scheduled: ScheduledTrigger, options: SchedulerOptions): TriggerState {
  const { definition, triggerIndex, trigger } = scheduled;
  const chosen =
    typeof options.scheduleOptions === 'function'
      ? options.scheduleOptions(scheduled)
      : options.scheduleOptions;
  return {
    scheduled,
    cron: compileCron(definition.id, triggerIndex, trigger),
    options: {
      missedTicks: chosen?.missedTicks ?? 'skip',
      missedTickGraceMs: chosen?.missedTickGraceMs ?? defaultGraceMs,
      overlap: chosen?.overlap ?? (definition.parallel ? 'allow' : 'skip'),
    },
    key: storeKey(
      'workflow-schedule',
      definition.id,
      trigger.configuration.cron,
      trigger.configuration.timezone,
    ),
    cursor: 0,
    timer: undefined,
    busy: false,
  };
}

function compileCron(workflowId: string, triggerIndex: number, trigger: ScheduleTrigger): Cron {
  const { cron, timezone } = trigger.configuration;
  try {
    return new Cron(cron, { timezone, paused: true });
  } catch (error) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `The schedule of "${workflowId}" at triggers[${triggerIndex}] cannot be run: cron "${cron}" in time zone "${timezone}": ${error instanceof Error ? error.message : String(error)}`,
      details: { workflowId, path: `triggers[${triggerIndex}].configuration`, cron, timezone },
      suggestions: ['Validate the definition with validateWorkflow before scheduling it.'],
      cause: error,
    });
  }
}

/** The latest tick at or before `now` (croner's previousRuns is strict and works in seconds). */
function latestTickAtOrBefore(cron: Cron, now: number): number | undefined {
  const reference = new Date(Math.floor(now / 1000) * 1000 + 1000);
  const [latest] = cron.previousRuns(1, reference);
  return latest && latest.getTime() <= now ? latest.getTime() : undefined;
}
