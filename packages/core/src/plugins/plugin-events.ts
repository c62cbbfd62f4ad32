import { Observable, Subscriber, Subscription, type Observer } from 'rxjs';
import type { AgentEvent } from '../agent/agent-events.js';
import type { Agent } from '../agent/agent-interface.js';
import { tapAgentEvents } from '../agent/agent.js';
import { AgentryError } from '../errors/index.js';
import { checkPluginEvent, type PluginEvent, type PluginEventSource } from './plugin-event.js';

/**
 * Where an agent's event on `host.events$` comes from.
 *
 * @example
 * ```ts
 * import type { AgentEventSource } from '@agentry/core';
 *
 * // An agent serving one user in one session.
 * const source: AgentEventSource = {
 *   kind: 'agent',
 *   agentId: '0f8fad5b-d9cb-469f-a165-70867728950e',
 *   userId: 'user-42',
 *   sessionId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
 * };
 * console.log(source.kind, source.agentId);
 * ```
 */
export interface AgentEventSource {
  /** Discriminant. */
  readonly kind: 'agent';
  /** The agent's id. */
  readonly agentId: string;
  /** The user the agent serves, when known. */
  readonly userId?: string;
  /** The agent's session. */
  readonly sessionId?: string;
}

/**
 * Where a workflow run's event on `host.events$` comes from.
 *
 * @example
 * ```ts
 * import type { WorkflowRunEventSource } from '@agentry/core';
 *
 * const source: WorkflowRunEventSource = { kind: 'workflow-run', runId: 'run-1', workflowId: 'order-review' };
 * console.log(`${source.workflowId}/${source.runId}`);
 * ```
 */
export interface WorkflowRunEventSource {
  /** Discriminant. */
  readonly kind: 'workflow-run';
  /** The run's id. */
  readonly runId: string;
  /** The workflow's id. */
  readonly workflowId: string;
  /** The user the run serves, when it was started with one (`start(..., { userId })`). */
  readonly userId?: string;
}

/**
 * What core knows of a workflow run's event: `@agentry/workflows`' `RunEvent` has this shape and
 * more (narrow on `type` and read the rest where the workflows package documents it).
 *
 * @example
 * ```ts
 * import type { WorkflowRunEvent } from '@agentry/core';
 *
 * const describe = (event: WorkflowRunEvent) =>
 *   `${event.workflowId}/${event.runId}: ${event.type}${event.stepId ? ` (${event.stepId})` : ''}`;
 * console.log(describe({ type: 'run-start', runId: 'run-1', workflowId: 'order-review', at: 0 }));
 * ```
 */
export interface WorkflowRunEvent {
  /** What happened, such as `run-start`, `step-end` or `run-error`. */
  readonly type: string;
  /** The run. */
  readonly runId: string;
  /** The workflow. */
  readonly workflowId: string;
  /** The step, for step events. */
  readonly stepId?: string;
  /** When, on the runner's clock (milliseconds). */
  readonly at: number;
  /** The user the run serves, when it was started with one. */
  readonly userId?: string;
}

/**
 * One event on `host.events$` (and `agentry.events$`), tagged with its source.
 *
 * @example
 * ```ts
 * import type { InstanceEvent } from '@agentry/core';
 *
 * const label = (tagged: InstanceEvent): string => {
 *   switch (tagged.source.kind) {
 *     case 'agent':
 *       return `agent ${tagged.source.agentId}: ${tagged.event.type}`;
 *     case 'workflow-run':
 *       return `run ${tagged.source.runId} of ${tagged.source.workflowId}: ${tagged.event.type}`;
 *     case 'plugin':
 *       return `plug-in ${tagged.source.plugin}: ${tagged.event.type}`;
 *   }
 * };
 * console.log(label({ source: { kind: 'agent', agentId: 'a-1' }, event: { type: 'step-start', runId: 'r-1', step: 1 } }));
 * ```
 */
export type InstanceEvent =
  | {
      /** The agent the event comes from. */
      readonly source: AgentEventSource;
      /** The agent's event, as on `agent.events$`. */
      readonly event: AgentEvent;
    }
  | {
      /** The workflow run the event comes from. */
      readonly source: WorkflowRunEventSource;
      /** The run's event, as on the runner's `events$`. */
      readonly event: WorkflowRunEvent;
    }
  | {
      /** The plug-in that emitted the event with `host.emit`. */
      readonly source: PluginEventSource;
      /** The plug-in's event, such as a `SecurityEvent`. */
      readonly event: PluginEvent;
    };

/**
 * Publishes a workflow runner's events into an Agentry instance's `events$`: each event is tagged
 * with its run and workflow. The runner's stream is subscribed to only while `events$` has a
 * subscriber. Returns a function that detaches the stream; a stream that completes detaches itself.
 *
 * @example
 * ```ts
 * import type { Agentry, AttachRunEvents } from '@agentry/core';
 * import { Subject } from 'rxjs';
 *
 * declare const agentry: Agentry;
 * const runEvents = new Subject<{ type: string; runId: string; workflowId: string; at: number }>();
 * const attach: AttachRunEvents = agentry.attachRunEvents;
 * const detach = attach(runEvents);
 * runEvents.next({ type: 'run-start', runId: 'run-1', workflowId: 'order-review', at: Date.now() });
 * detach();
 * ```
 */
export type AttachRunEvents = (
  events$: Observable<WorkflowRunEvent>,
  control?: RunEventsControl,
) => () => void;

/**
 * What a workflow runner lets an Agentry instance do to the runs whose events it attaches with
 * `agentry.attachRunEvents`: cancel one, for `host.abortRun` (the realtime plug-in's cancel
 * command, for example). `createConfiguredWorkflowRunner` passes its runner's `cancel`.
 *
 * @example
 * ```ts
 * import type { Agentry, RunEventsControl } from '@agentry/core';
 * import { Subject } from 'rxjs';
 *
 * declare const agentry: Agentry;
 * declare const runner: { cancel(runId: string): Promise<unknown> };
 * const runEvents = new Subject<{ type: string; runId: string; workflowId: string; at: number }>();
 * const control: RunEventsControl = { cancel: (runId) => runner.cancel(runId) };
 * const detach = agentry.attachRunEvents(runEvents, control);
 * detach();
 * ```
 */
export interface RunEventsControl {
  /** Cancels the run; resolves once the cancellation is recorded. */
  cancel(runId: string): Promise<unknown>;
}

type Listener = (tagged: InstanceEvent) => void;

interface Source {
  readonly events$: Observable<AgentEvent> | Observable<WorkflowRunEvent>;
  readonly tag: (event: never) => InstanceEvent;
  /** An agent's source is dropped when nobody listens; the instance still holds the agent. */
  readonly agent: boolean;
  subscription: Pick<Subscription, 'unsubscribe'> | undefined;
  /** A runner's control, and the runs it started that have not ended, as its events tell. */
  readonly control?: { readonly cancel: RunEventsControl['cancel']; readonly runs: Set<string> };
}

/** The workflow run events after which a run is over and cannot be cancelled. */
const runEnds: ReadonlySet<string> = new Set(['run-end', 'run-error']);

/** @internal The instance's event stream and its sources. */
export interface InstanceEventBus {
  readonly events$: Observable<InstanceEvent>;
  /** Called for each agent the instance makes; does nothing while nobody listens. */
  attachAgent(agent: Agent): void;
  attachRuns: AttachRunEvents;
  /**
   * Publishes a plug-in's event, tagged with the plug-in. The event is checked first, whether or
   * not anyone listens; past that, nothing is done while nobody listens.
   *
   * @throws AgentryError `validation_failed` for an event without a non-empty `type` or a finite `at`
   */
  emit(plugin: string, event: PluginEvent): void;
  /** Whether `events$` has a subscriber now, the only place an emitted event goes. */
  hasSubscribers(): boolean;
  /**
   * Cancels a workflow run through the control of the runner whose events showed it unfinished;
   * resolves `false` when no attached runner has shown the run (it ended, or nobody listened).
   */
  cancelRun(runId: string): Promise<boolean>;
}

/**
 * Makes an instance's event stream. It is hot: a subscriber sees the events emitted after it
 * subscribed. Sources are subscribed to only while the stream has a subscriber, so that nobody
 * listening costs agents nothing. Each subscriber's `next` runs in a guard: an error it throws is
 * given to `onError` and the other subscribers still get the event.
 *
 * @internal
 */
export function createInstanceEventBus(
  onError: (error: AgentryError) => void,
  liveAgents: () => Iterable<Agent>,
): InstanceEventBus {
  const sources = new Set<Source>();
  // Plain functions rather than rxjs subscribers: an event reaches a subscriber's own function in
  // one call, with one try/catch per subscriber here (bench/metrics.bench.ts: events$ delivery).
  const listeners = new Set<Listener>();

  const deliver = (tagged: InstanceEvent) => {
    for (const listener of listeners) {
      try {
        listener(tagged);
      } catch (error) {
        report(error, tagged);
      }
    }
  };
  const report = (error: unknown, tagged: InstanceEvent) => {
    try {
      onError(
        new AgentryError({
          code: 'internal',
          message: `A subscriber of events$ threw on a ${tagged.event.type} event: ${error instanceof Error ? error.message : String(error)}`,
          details: { source: { ...tagged.source }, eventType: tagged.event.type },
          suggestions: [
            'Catch errors inside the subscriber of events$; the event was still delivered to the other subscribers.',
          ],
          cause: error,
        }),
      );
    } catch (reporting) {
      // The last resort when the reporter itself fails: printed rather than lost.
      // eslint-disable-next-line no-console
      console.error('events$: a subscriber threw and onError threw too', error, reporting);
    }
  };
  const open = (source: Source) => {
    source.subscription = (source.events$ as Observable<unknown>).subscribe({
      next: (event) => deliver(source.tag(event as never)),
      complete: () => sources.delete(source),
    });
  };
  const openAgent = (agent: Agent) => {
    const tag: AgentEventSource = {
      kind: 'agent',
      agentId: agent.id,
      ...(agent.context.userId !== undefined ? { userId: agent.context.userId } : {}),
      sessionId: agent.context.sessionId,
    };
    const source: Source = {
      // Read only when the agent cannot be tapped: the getter makes the agent's subject.
      get events$() {
        return agent.events$;
      },
      tag: (event: AgentEvent) => ({ source: tag, event }),
      agent: true,
      subscription: undefined,
    };
    sources.add(source);
    // Straight from the agent's emit when core made it; through `events$` otherwise.
    const untap = tapAgentEvents(agent, {
      next: (event) => deliver({ source: tag, event }),
      complete: () => sources.delete(source),
    });
    if (untap === undefined) open(source);
    else source.subscription = { unsubscribe: untap };
  };

  const events$ = new InstanceEventStream((listener) => {
    listeners.add(listener);
    if (listeners.size === 1) {
      for (const source of sources) open(source);
      for (const agent of liveAgents()) if (agent.lifecycle !== 'shut-down') openAgent(agent);
    }
    return () => {
      if (!listeners.delete(listener) || listeners.size > 0) return;
      for (const source of sources) {
        source.subscription?.unsubscribe();
        source.subscription = undefined;
        if (source.agent) sources.delete(source);
      }
    };
  });

  return {
    events$,
    attachAgent(agent) {
      if (listeners.size > 0) openAgent(agent);
    },
    attachRuns(runEvents$, control) {
      const runs = new Set<string>();
      const source: Source = {
        events$: runEvents$,
        ...(control === undefined
          ? {}
          : { control: { cancel: (runId: string) => control.cancel(runId), runs } }),
        tag: (event: WorkflowRunEvent) => {
          if (control !== undefined) {
            if (runEnds.has(event.type)) runs.delete(event.runId);
            else runs.add(event.runId);
          }
          return tagRun(event);
        },
        agent: false,
        subscription: undefined,
      };
      sources.add(source);
      if (listeners.size > 0) open(source);
      return () => {
        source.subscription?.unsubscribe();
        sources.delete(source);
      };
    },
    async cancelRun(runId) {
      for (const source of sources) {
        if (source.control?.runs.has(runId) !== true) continue;
        await source.control.cancel(runId);
        source.control.runs.delete(runId);
        return true;
      }
      return false;
    },
    emit(plugin, event) {
      checkPluginEvent(plugin, event);
      if (listeners.size === 0) return;
      deliver({ source: { kind: 'plugin', plugin }, event });
    },
    hasSubscribers: () => listeners.size > 0,
  };
}

function tagRun(event: WorkflowRunEvent): InstanceEvent {
  return {
    source:
      event.userId === undefined
        ? { kind: 'workflow-run', runId: event.runId, workflowId: event.workflowId }
        : {
            kind: 'workflow-run',
            runId: event.runId,
            workflowId: event.workflowId,
            userId: event.userId,
          },
    event,
  };
}

/**
 * The stream's class: a subscriber given to `subscribe` directly (a function or an observer) has
 * its `next` called in a guard that reports what it throws, rather than rxjs's default of
 * rethrowing it asynchronously (an uncaught exception). A subscriber inside an operator chain
 * (`events$.pipe(...)`) is rxjs's own and follows rxjs's rules.
 */
class InstanceEventStream extends Observable<InstanceEvent> {
  readonly #listen: (listener: Listener) => () => void;

  constructor(listen: (listener: Listener) => () => void) {
    super();
    this.#listen = listen;
  }

  override subscribe(
    observerOrNext?: Partial<Observer<InstanceEvent>> | ((value: InstanceEvent) => void) | null,
  ): Subscription {
    // An operator chain (pipe) subscribes with its Subscriber, which routes its own errors; the
    // bus reports what a plain subscriber's function throws and delivers to the others.
    let listener: Listener;
    if (observerOrNext instanceof Subscriber) {
      const subscriber = observerOrNext;
      listener = (tagged) => subscriber.next(tagged);
    } else if (typeof observerOrNext === 'function') {
      listener = observerOrNext;
    } else if (typeof observerOrNext?.next === 'function') {
      const observer = observerOrNext;
      const next = observer.next as (value: InstanceEvent) => void;
      listener = (tagged) => next.call(observer, tagged);
    } else {
      listener = () => undefined;
    }
    const subscription = new Subscription(this.#listen(listener));
    if (observerOrNext instanceof Subscriber) observerOrNext.add(subscription);
    return subscription;
  }
}
