import type { AgentryError, AuthorizationPrincipal, Clock, StateStore } from '@agentry/core';
import type { WorkflowDefinition } from '../definitions/workflow-definition.js';
import type { ScheduleTrigger } from '../definitions/workflow-trigger.js';
import type { WorkflowStarter } from '../workflow-starter.js';
import type { WorkflowSource } from './workflow-source.js';

/**
 * What the scheduler does with ticks it did not see on time (the process was down, asleep or
 * blocked): `skip` drops them; `run-latest` starts one run for the most recent of them, however
 * many were missed. Earlier missed ticks never start runs.
 *
 * @example
 * ```ts
 * import type { MissedTickPolicy, ScheduleOptions } from '@agentry/workflows';
 *
 * // After downtime, run once for the ticks that were missed instead of skipping them.
 * const missedTicks: MissedTickPolicy = 'run-latest';
 * const options: ScheduleOptions = { missedTicks, overlap: 'skip' };
 * ```
 */
export type MissedTickPolicy = 'skip' | 'run-latest';

/**
 * How one schedule trigger behaves; every field has a default.
 *
 * @example
 * ```ts
 * import { createScheduler, type ScheduleOptions, type WorkflowRegistry, type WorkflowStarter } from '@agentry/workflows';
 *
 * declare const runner: WorkflowStarter;
 * declare const registry: WorkflowRegistry;
 * // A tick is skipped while the previous run of the workflow is still going, and a tick missed by
 * // more than a minute is not run late.
 * const options: ScheduleOptions = { overlap: 'skip', missedTicks: 'skip', missedTickGraceMs: 60_000 };
 * const scheduler = createScheduler({
 *   starter: runner,
 *   workflows: registry,
 *   scheduleOptions: options,
 *   onError: (error, where) => console.error(where.workflowId, error.code),
 * });
 * ```
 */
export interface ScheduleOptions {
  /**
   * What happens to missed ticks; default `skip`. A tick counts as missed when it is handled more
   * than {@link ScheduleOptions.missedTickGraceMs} after its time. Ticks missed while the process
   * was down are only known with a `store` (the scheduler keeps each trigger's last tick there);
   * without one, the scheduler knows nothing before its `start()` and never catches up.
   */
  missedTicks?: MissedTickPolicy;
  /** How late a tick may be handled and still count as on time, in ms; default 60 000. */
  missedTickGraceMs?: number;
  /**
   * `skip` skips a tick while a run of the workflow is still active (reported as a skipped tick);
   * `allow` starts it anyway. Default: `allow` when the definition's `parallel` is true, else
   * `skip`.
   */
  overlap?: 'skip' | 'allow';
}

/**
 * A schedule trigger and where it comes from.
 *
 * @example
 * ```ts
 * import { createScheduler, type ScheduledTrigger, type WorkflowRegistry, type WorkflowStarter } from '@agentry/workflows';
 *
 * declare const runner: WorkflowStarter;
 * declare const registry: WorkflowRegistry;
 * // Options per trigger: the nightly report catches up after downtime, other schedules do not.
 * const optionsFor = (scheduled: ScheduledTrigger) =>
 *   scheduled.definition.id === 'nightly-report' ? { missedTicks: 'run-latest' as const } : undefined;
 * const scheduler = createScheduler({
 *   starter: runner,
 *   workflows: registry,
 *   scheduleOptions: optionsFor,
 *   onError: (error) => console.error(error.code),
 * });
 * ```
 */
export interface ScheduledTrigger {
  /** The workflow's definition. */
  definition: WorkflowDefinition;
  /** The trigger's index in `definition.triggers`. */
  triggerIndex: number;
  /** The trigger. */
  trigger: ScheduleTrigger;
}

/**
 * What happened at one tick of a schedule trigger, reported to `onTick`:
 *
 * - `started`: a run was started (`runId`);
 * - `deduplicated`: the tick had already started a run, in this process or another (`runId` of
 *   that run);
 * - `skipped`: no run, because another was active (`reason: 'overlap'`) or the tick was missed
 *   under the `skip` policy (`reason: 'missed'`).
 *
 * @example
 * ```ts
 * import { createScheduler, type ScheduleTickEvent, type WorkflowRegistry, type WorkflowStarter } from '@agentry/workflows';
 *
 * declare const runner: WorkflowStarter;
 * declare const registry: WorkflowRegistry;
 * const onTick = (event: ScheduleTickEvent) => {
 *   if (event.outcome === 'skipped') console.warn(`${event.workflowId} skipped at ${event.tick}: ${event.reason}`);
 *   else console.info(`${event.workflowId} ${event.outcome} run ${event.runId}${event.late ? ' (late)' : ''}`);
 * };
 * const scheduler = createScheduler({ starter: runner, workflows: registry, onTick, onError: console.error });
 * ```
 */
export interface ScheduleTickEvent {
  /** Always `schedule-tick`. */
  type: 'schedule-tick';
  /** The workflow. */
  workflowId: string;
  /** The trigger's index in the workflow's `triggers`. */
  triggerIndex: number;
  /** The tick's time, ISO 8601 in UTC. */
  tick: string;
  /** What the scheduler did. */
  outcome: 'started' | 'deduplicated' | 'skipped';
  /** Why the tick was skipped. */
  reason?: 'overlap' | 'missed';
  /** The run started or found. */
  runId?: string;
  /** Set when earlier ticks were missed: the first of them (ISO 8601); none of them ran. */
  missedSince?: string;
  /** True when the tick was handled after its grace period (a missed tick). */
  late: boolean;
}

/**
 * Where an error reported to the scheduler's `onError` happened.
 *
 * @example
 * ```ts
 * import { createScheduler, type ScheduleErrorContext, type WorkflowRegistry, type WorkflowStarter } from '@agentry/workflows';
 * import type { AgentryError } from '@agentry/core';
 *
 * declare const runner: WorkflowStarter;
 * declare const registry: WorkflowRegistry;
 * const onError = (error: AgentryError, where: ScheduleErrorContext) =>
 *   console.error(`schedule ${where.triggerIndex} of ${where.workflowId} at ${where.tick ?? 'setup'}: ${error.message}`);
 * const scheduler = createScheduler({ starter: runner, workflows: registry, onError });
 * ```
 */
export interface ScheduleErrorContext {
  /** The workflow. */
  workflowId: string;
  /** The trigger's index. */
  triggerIndex: number;
  /** The tick being handled, ISO 8601, when there was one. */
  tick?: string;
}

/**
 * Options of {@link createScheduler}.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from '@agentry/core';
 * import { createScheduler, type SchedulerOptions, type WorkflowRegistry, type WorkflowStarter } from '@agentry/workflows';
 *
 * declare const runner: WorkflowStarter;
 * declare const registry: WorkflowRegistry;
 * const options: SchedulerOptions = {
 *   starter: runner,
 *   workflows: () => registry, // read again at each tick, so new workflows are picked up
 *   store: createMemoryStore(), // use a durable store to know missed ticks after a restart
 *   onError: (error, where) => console.error(where, error.code),
 * };
 * const scheduler = createScheduler(options);
 * await scheduler.start();
 * ```
 */
export interface SchedulerOptions {
  /** Starts the runs. */
  starter: WorkflowStarter;
  /**
   * Who the runs this trigger starts act for (a service principal, say), passed to each start as
   * `StartRunOptions.principal`. A runner with an authorizer asks whether it may start each
   * workflow, and refuses every start made without one.
   */
  principal?: AuthorizationPrincipal;
  /** The workflows whose `schedule` triggers are run; read at each `start()`. */
  workflows: WorkflowSource;
  /**
   * The source of time and timers; default core's `systemClock`. Its `now()` must be wall-clock
   * time (milliseconds since the Unix epoch), because cron times are calendar times.
   */
  clock?: Clock;
  /**
   * Where each trigger's last handled tick is kept (key `storeKey('workflow-schedule',
   * workflowId, cron, timezone)`), so ticks missed while the process was down are known at the
   * next start. Without it, nothing is persisted.
   */
  store?: StateStore;
  /** The options of every trigger, or a function choosing them per trigger. */
  scheduleOptions?: ScheduleOptions | ((trigger: ScheduledTrigger) => ScheduleOptions | undefined);
  /** Told about every tick: started, deduplicated or skipped. */
  onTick?: (event: ScheduleTickEvent) => void;
  /**
   * Told about every failure: a start that was refused, a store that failed. The scheduler keeps
   * going; the tick is not retried.
   */
  onError: (error: AgentryError, context: ScheduleErrorContext) => void;
}

/**
 * A running set of schedule triggers; see {@link createScheduler}.
 *
 * @example
 * ```ts
 * import { createScheduler, type Scheduler, type WorkflowRegistry, type WorkflowStarter } from '@agentry/workflows';
 *
 * declare const runner: WorkflowStarter;
 * declare const registry: WorkflowRegistry;
 * const scheduler: Scheduler = createScheduler({ starter: runner, workflows: registry, onError: console.error });
 * await scheduler.start();
 * for (const next of scheduler.nextTicks()) console.log(next.workflowId, next.tick);
 * process.once('SIGTERM', () => void scheduler.stop());
 * ```
 */
export interface Scheduler {
  /**
   * Reads the workflows, catches up missed ticks by each trigger's policy, and arms a timer per
   * schedule trigger. Calling it while started does nothing.
   *
   * @throws AgentryError `validation_failed` when a trigger's cron or time zone is not valid
   */
  start(): Promise<void>;
  /** Clears every timer and waits for ticks being handled. Calling it again does nothing. */
  stop(): Promise<void>;
  /** The next tick of each trigger, while started (none when stopped); for status pages. */
  nextTicks(): NextScheduledTick[];
}

/**
 * The next tick of one schedule trigger; see {@link Scheduler.nextTicks}.
 *
 * @example
 * ```ts
 * import type { NextScheduledTick, Scheduler } from '@agentry/workflows';
 *
 * declare const scheduler: Scheduler;
 * // The soonest tick of all armed schedules.
 * const [soonest]: NextScheduledTick[] = [...scheduler.nextTicks()].sort((a, b) => a.tick.localeCompare(b.tick));
 * console.log(soonest ? `${soonest.workflowId} next runs at ${soonest.tick}` : 'nothing scheduled');
 * ```
 */
export interface NextScheduledTick {
  /** The workflow. */
  workflowId: string;
  /** The trigger's index in the workflow's `triggers`. */
  triggerIndex: number;
  /** When it is due, ISO 8601 in UTC. */
  tick: string;
}
