import type { AuthorizationPrincipal } from '@agentry/core';

/**
 * What started a run: recorded on the run, and shown in its events and journal.
 *
 * @example
 * ```ts
 * import type { RunOrigin, WorkflowStarter } from '@agentry/workflows';
 *
 * declare const runner: WorkflowStarter;
 * // Recorded with the run, so its journal says who or what started it.
 * const origin: RunOrigin = { type: 'manual', details: { requestedBy: 'ana@example.com' } };
 * await runner.start('order-review', { orderId: 'A-1001' }, { origin });
 * ```
 */
export interface RunOrigin {
  /** The kind of trigger (the spec's WorkflowTrigger types). */
  type: 'manual' | 'schedule' | 'event' | 'webhook';
  /** Trigger details: the schedule's tick time, the event's type, the webhook's delivery id. */
  details?: Record<string, string | number | boolean>;
}

/**
 * Options of {@link WorkflowStarter.start}.
 *
 * @example
 * ```ts
 * import type { StartRunOptions, WorkflowStarter } from '@agentry/workflows';
 *
 * declare const runner: WorkflowStarter;
 * // The same key twice starts one run: the second call returns it with `deduplicated: true`.
 * const options: StartRunOptions = { idempotencyKey: 'order-A-1001', origin: { type: 'event' } };
 * const first = await runner.start('order-review', { orderId: 'A-1001' }, options);
 * const again = await runner.start('order-review', { orderId: 'A-1001' }, options);
 * console.log(again.runId === first.runId, again.deduplicated); // true true
 * ```
 */
export interface StartRunOptions {
  /**
   * A key that makes starting idempotent: a second start with the same workflow and key returns
   * the first run instead of starting another (a redelivered webhook, a replayed event, a schedule
   * tick seen twice). Kept durably with the runs, so it holds across restarts.
   */
  idempotencyKey?: string;
  /** What started the run. */
  origin?: RunOrigin;
  /**
   * The user the run serves: stored with the run record, carried by the run's events (and their
   * source on `agentry.events$`), and used by `agentry.erase({ userId })` to find the user's runs
   * (a run is erased with its journal). Child runs of subgraph steps serve the same user.
   */
  userId?: string;
  /**
   * Who starts the run, and whom it acts for. A runner with an authorizer asks it whether this
   * principal may `create` on `workflows:<workflow id>` (operation `workflow.start`) before
   * anything is stored; without a principal it asks for a user principal for `userId`, and
   * refuses when there is neither. The principal (id, kind, roles, attributes) is stored with
   * the run: its agent steps send on its behalf, so every tool call inside is authorized for it
   * when it is made, and a resume is authorized against it as the run's owner. Child runs of
   * subgraph steps act for the same principal.
   */
  principal?: AuthorizationPrincipal;
}

/**
 * What {@link WorkflowStarter.start} returns.
 *
 * @example
 * ```ts
 * import type { StartedRun, WorkflowStarter } from '@agentry/workflows';
 *
 * declare const runner: WorkflowStarter;
 * const started: StartedRun = await runner.start('order-review', { orderId: 'A-1001' });
 * console.log(`run ${started.runId}${started.deduplicated ? ' (already started)' : ''}`);
 * ```
 */
export interface StartedRun {
  /** The run's id. */
  runId: string;
  /** True when the idempotency key matched an earlier run, which is the one returned. */
  deduplicated: boolean;
}

/**
 * What triggers need from a runner: starting runs, and knowing which are still going. The
 * workflow runner implements it; triggers (schedule, event, webhook) take one.
 *
 * @example
 * ```ts
 * const { runId } = await starter.start('order-review', { orderId: 'A-7' }, {
 *   idempotencyKey: 'delivery-42',
 *   origin: { type: 'webhook', details: { deliveryId: 'delivery-42' } },
 * });
 * ```
 */
export interface WorkflowStarter {
  /**
   * Starts a run of a registered workflow with `input`.
   *
   * @throws AgentryError `not_found` for an unknown workflow; `validation_failed` when the input
   *   does not match the workflow's input schema
   */
  start(workflowId: string, input: unknown, options?: StartRunOptions): Promise<StartedRun>;
  /** How many runs of the workflow are not finished (running, waiting or suspended). */
  activeRuns(workflowId: string): Promise<number>;
}
