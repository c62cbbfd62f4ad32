import { toAgentryError, type AgentryError, type AuthorizationPrincipal } from '@agentry/core';
import type { Observable } from 'rxjs';
import type { WorkflowDefinition } from '../definitions/workflow-definition.js';
import { evaluateCondition, type ConditionPredicate } from '../definitions/evaluate-condition.js';
import type { EventTrigger } from '../definitions/workflow-trigger.js';
import type { StartedRun, WorkflowStarter } from '../workflow-starter.js';
import { listWorkflows, type WorkflowSource } from './workflow-source.js';

/**
 * An application event bus, the least a trigger needs: `subscribe` registers a handler and returns
 * a function that removes it.
 *
 * @example
 * ```ts
 * import { createEventTrigger, type EventBus, type WorkflowRegistry, type WorkflowStarter } from '@agentry/workflows';
 * import { EventEmitter } from 'node:events';
 *
 * declare const runner: WorkflowStarter;
 * declare const registry: WorkflowRegistry;
 * // Any publish/subscribe system can feed event triggers through this one method.
 * const emitter = new EventEmitter();
 * const bus: EventBus = {
 *   subscribe(handler) {
 *     emitter.on('event', handler);
 *     return () => emitter.off('event', handler);
 *   },
 * };
 * createEventTrigger({ starter: runner, workflows: registry, source: bus, onError: console.error }).start();
 * emitter.emit('event', { source: 'shop', type: 'order.created', total: 250 });
 * ```
 */
export interface EventBus<TEvent = unknown> {
  /** Registers `handler` for every event; returns the function that unregisters it. */
  subscribe(handler: (event: TEvent) => void): () => void;
}

/**
 * A stream of events: an rxjs `Observable` or an {@link EventBus}.
 *
 * @example
 * ```ts
 * import { Subject } from 'rxjs';
 * import { createEventTrigger, type EventStream, type WorkflowRegistry, type WorkflowStarter } from '@agentry/workflows';
 *
 * declare const runner: WorkflowStarter;
 * declare const registry: WorkflowRegistry;
 * // An rxjs Observable, or an EventBus; named streams set the source of their events.
 * const orders = new Subject<{ type: string; total: number }>();
 * const sources: Record<string, EventStream> = { shop: orders };
 * createEventTrigger({ starter: runner, workflows: registry, source: sources, onError: console.error }).start();
 * orders.next({ type: 'order.created', total: 250 });
 * ```
 */
export type EventStream<TEvent = unknown> = Observable<TEvent> | EventBus<TEvent>;

/**
 * An event trigger that matched an event, given to `mapInput`.
 *
 * @example
 * ```ts
 * import { createEventTrigger, type EventMatch, type WorkflowRegistry, type WorkflowStarter } from '@agentry/workflows';
 *
 * declare const runner: WorkflowStarter;
 * declare const registry: WorkflowRegistry;
 * // The run's input: the event's payload, with where it came from.
 * const mapInput = (event: unknown, match: EventMatch) => ({
 *   order: (event as { data?: unknown }).data,
 *   source: match.source,
 *   trigger: match.triggerIndex,
 * });
 * declare const source: Parameters<typeof createEventTrigger>[0]['source'];
 * createEventTrigger({ starter: runner, workflows: registry, source, mapInput, onError: console.error });
 * ```
 */
export interface EventMatch {
  /** The workflow. */
  definition: WorkflowDefinition;
  /** The trigger's index in `definition.triggers`. */
  triggerIndex: number;
  /** The trigger. */
  trigger: EventTrigger;
  /** The source the event came from. */
  source: string;
}

/**
 * What `onStart` and `onError` of {@link createEventTrigger} receive.
 *
 * @example
 * ```ts
 * import { createEventTrigger, type EventTriggerContext, type StartedRun, type WorkflowRegistry, type WorkflowStarter } from '@agentry/workflows';
 *
 * declare const runner: WorkflowStarter;
 * declare const registry: WorkflowRegistry;
 * declare const source: Parameters<typeof createEventTrigger>[0]['source'];
 * const onStart = (run: StartedRun, context: EventTriggerContext) =>
 *   console.info(`${context.workflowId} started as ${run.runId} by an event of ${context.source}`);
 * createEventTrigger({ starter: runner, workflows: registry, source, onStart, onError: console.error });
 * ```
 */
export interface EventTriggerContext extends Omit<EventMatch, 'definition'> {
  /** The workflow. */
  workflowId: string;
  /** The event. */
  event: unknown;
}

/**
 * Options of {@link createEventTrigger}.
 *
 * @example
 * ```ts
 * import { Subject } from 'rxjs';
 * import { createEventTrigger, type EventTriggerOptions, type WorkflowRegistry, type WorkflowStarter } from '@agentry/workflows';
 *
 * declare const runner: WorkflowStarter;
 * declare const registry: WorkflowRegistry;
 * const events = new Subject<unknown>();
 * const options: EventTriggerOptions = {
 *   starter: runner,
 *   workflows: registry,
 *   source: events, // each event names its source in `source`
 *   predicates: { isVip: (customer) => (customer as { tier?: string } | null)?.tier === 'vip' },
 *   onError: (error, where) => console.error(where.workflowId, error.code),
 * };
 * const trigger = createEventTrigger(options);
 * trigger.start();
 * ```
 */
export interface EventTriggerOptions {
  /** Starts the runs. */
  starter: WorkflowStarter;
  /**
   * Who the runs this trigger starts act for (a service principal, say), passed to each start as
   * `StartRunOptions.principal`. A runner with an authorizer asks whether it may start each
   * workflow, and refuses every start made without one.
   */
  principal?: AuthorizationPrincipal;
  /** The workflows whose `event` triggers are served; read again for each event. */
  workflows: WorkflowSource;
  /**
   * Where events come from. One stream: each event names its source in a string `source` field,
   * matched against the trigger's `configuration.source`. A record of streams: the key is the
   * source of every event of that stream.
   */
  source: EventStream | Readonly<Record<string, EventStream>>;
  /** Predicates for `{ op: 'predicate' }` filters. */
  predicates?: Readonly<Record<string, ConditionPredicate>>;
  /** Turns a matching event into the run's input; by default the event itself is the input. */
  mapInput?: (event: unknown, match: EventMatch) => unknown;
  /** Told about each run started (or found by the event's id). */
  onStart?: (run: StartedRun, context: EventTriggerContext) => void;
  /** Told about every failure: a filter that throws, a start that is refused, a stream error. */
  onError: (error: AgentryError, context: Partial<EventTriggerContext>) => void;
}

/**
 * A running event trigger; see {@link createEventTrigger}.
 *
 * @example
 * ```ts
 * import { createEventTrigger, type EventTriggerHandle, type WorkflowRegistry, type WorkflowStarter } from '@agentry/workflows';
 *
 * declare const runner: WorkflowStarter;
 * declare const registry: WorkflowRegistry;
 * declare const source: Parameters<typeof createEventTrigger>[0]['source'];
 * const trigger: EventTriggerHandle = createEventTrigger({ starter: runner, workflows: registry, source, onError: console.error });
 * trigger.start();
 * // On shutdown: stop listening, and wait for runs being started to be recorded.
 * await trigger.stop();
 * ```
 */
export interface EventTriggerHandle {
  /** Subscribes to the sources. Calling it while started does nothing. */
  start(): void;
  /** Unsubscribes and waits for the starts already under way. */
  stop(): Promise<void>;
}

/**
 * Runs the `event` triggers of a set of workflows over an event stream. An event starts a
 * workflow when it comes from the trigger's `source`, has its `eventType` (the event's `type`
 * field) when one is set, and passes its `filter`, a JSON condition that reads the event as
 * `input` (`{ $ref: 'input.total' }`), evaluated with `evaluateCondition`.
 *
 * The event (or what `mapInput` makes of it) is the run's input. When the event has an `id`
 * (string or number), the idempotency key is `event:<source>:<id>`, so a replayed event starts no
 * second run. Events are handled as they come; a failure is reported to `onError` and the
 * trigger keeps going.
 *
 * @returns an {@link EventTriggerHandle}; call `start()` to subscribe
 * @example
 * ```ts
 * const trigger = createEventTrigger({
 *   starter: runner,
 *   workflows: registry,
 *   source: { orders: orderEvents$ }, // or a bus: { subscribe(handler) { … return unsubscribe } }
 *   onError: (error, context) => logger.error(error, context),
 * });
 * trigger.start();
 * ```
 */
export function createEventTrigger(options: EventTriggerOptions): EventTriggerHandle {
  let subscriptions: (() => void)[] = [];
  const inFlight = new Set<Promise<void>>();

  const report = (error: unknown, context: Partial<EventTriggerContext>): void => {
    try {
      options.onError(toAgentryError(error), context);
    } catch {
      // An error handler that throws must not stop the trigger.
    }
  };

  const handle = (event: unknown, namedSource: string | undefined): void => {
    const source = namedSource ?? readString(event, 'source');
    if (source === undefined) return;
    const eventType = readString(event, 'type');
    for (const definition of listWorkflows(options.workflows)) {
      definition.triggers.forEach((trigger, triggerIndex) => {
        if (trigger.type !== 'event' || trigger.configuration.source !== source) return;
        if (
          trigger.configuration.eventType !== undefined &&
          trigger.configuration.eventType !== eventType
        )
          return;
        const context: EventTriggerContext = {
          workflowId: definition.id,
          triggerIndex,
          trigger,
          source,
          event,
        };
        const promise = startFor(definition, trigger, context).catch((error: unknown) =>
          report(error, context),
        );
        inFlight.add(promise);
        void promise.finally(() => inFlight.delete(promise));
      });
    }
  };

  const startFor = async (
    definition: WorkflowDefinition,
    trigger: EventTrigger,
    context: EventTriggerContext,
  ): Promise<void> => {
    const { event, source, triggerIndex } = context;
    const filter = trigger.configuration.filter;
    if (
      filter &&
      !evaluateCondition(filter, {
        input: event,
        outputs: {},
        ...(options.predicates ? { predicates: options.predicates } : {}),
      })
    ) {
      return;
    }
    const input = options.mapInput
      ? options.mapInput(event, { definition, triggerIndex, trigger, source })
      : event;
    const id = readId(event);
    const eventType = readString(event, 'type');
    const run = await options.starter.start(definition.id, input, {
      ...(id === undefined ? {} : { idempotencyKey: `event:${source}:${id}` }),
      ...(options.principal === undefined ? {} : { principal: options.principal }),
      origin: {
        type: 'event',
        details: {
          source,
          ...(eventType === undefined ? {} : { eventType }),
          ...(id === undefined ? {} : { eventId: id }),
        },
      },
    });
    options.onStart?.(run, context);
  };

  return {
    start() {
      if (subscriptions.length > 0) return;
      const streams = isStream(options.source)
        ? [{ name: undefined, stream: options.source }]
        : Object.entries(options.source).map(([name, stream]) => ({ name, stream }));
      subscriptions = streams.map(({ name, stream }) =>
        subscribe(
          stream,
          (event) => handle(event, name),
          (error) => report(error, name === undefined ? {} : { source: name }),
        ),
      );
    },
    async stop() {
      for (const unsubscribe of subscriptions) unsubscribe();
      subscriptions = [];
      await Promise.all([...inFlight]);
    },
  };
}

function isStream(value: unknown): value is EventStream {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { subscribe?: unknown }).subscribe === 'function'
  );
}

function subscribe(
  stream: EventStream,
  next: (event: unknown) => void,
  error: (error: unknown) => void,
): () => void {
  // An Observable takes an observer object; a bus takes a function.
  if (typeof (stream as { pipe?: unknown }).pipe === 'function') {
    const subscription = (stream as Observable<unknown>).subscribe({ next, error });
    return () => subscription.unsubscribe();
  }
  return (stream as EventBus).subscribe(next);
}

function readString(event: unknown, key: string): string | undefined {
  if (typeof event !== 'object' || event === null || !Object.hasOwn(event, key)) return undefined;
  const value = (event as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

function readId(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null || !Object.hasOwn(event, 'id')) return undefined;
  const value = (event as Record<string, unknown>).id;
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
