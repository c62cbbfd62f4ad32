import { Subject, type Observable } from 'rxjs';
import { z } from 'zod';
import { AgentryError, toAgentryError } from '../errors/index.js';
import { randomUuid } from './random-uuid.js';
import type { LanguageModel, ModelMessage } from '../model/index.js';
import {
  createSemaphore,
  createTokenBucket,
  systemClock,
  type AbortSource,
  type Clock,
} from '../resilience/index.js';
import { jsonByteLength } from '../schemas/json-byte-length.js';
import type { AgentInstance } from '../schemas/agent-instance.js';
import type { AgentState, AgentStatus } from '../schemas/agent-state.js';
import { executionContextSchema, type ExecutionContext } from '../schemas/execution-context.js';
import type { AgentEvent } from './agent-events.js';
import { AgentMetrics } from './agent-metrics.js';
import { AgentRunController, type AgentRun } from './agent-run.js';
import {
  nextAgentState,
  type AgentLifecycleEvent,
  type AgentLifecycleState,
} from './agent-state-machine.js';
import { executeTurn, type TurnHost, type TurnRecord as Turn } from './agent-turn.js';
import { admitTurn, checkPrincipal, principalOf } from './authorize-agent.js';
import type { SendAdmission } from './middleware.js';
import { toModelMessages } from './conversation-mapping.js';
import { createModelRouter } from './create-model-router.js';
import type { ModelRouter } from './model-router-types.js';
import type { Agent } from './agent-interface.js';
import {
  defaultResourceLimits,
  type AgentOptions,
  type RealtimeCompliance,
  type SendInput,
  type SendOptions,
} from './agent-options.js';

/**
 * Creates an agent, started (Idle) unless `autoStart` is false.
 *
 * @throws AgentryError `validation_failed` for an invalid id, tool list or option
 * @example
 * ```ts
 * const agent = createAgent({ model, instructions: 'Be brief.', tools: [weather] });
 * const run = agent.send('Weather in Lisbon?');
 * for await (const part of run) if (part.type === 'text-delta') process.stdout.write(part.delta);
 * const { text, usage } = await run;
 * ```
 */
export function createAgent(options: AgentOptions): Agent {
  return new AgentImpl(options);
}

/**
 * A direct listener on an agent's events, for core's instance event bus.
 *
 * @internal
 */
export interface AgentEventTap {
  next(event: AgentEvent): void;
  complete(): void;
}

/**
 * Taps the events of an agent core made, for core's instance event bus: the tap is called straight
 * from the agent's `emit`, with no rxjs subscriber chain on each event of each turn
 * (bench/metrics.bench.ts: events$ delivery). An agent takes one tap (it belongs to one instance);
 * returns the function that removes it, or `undefined` for another `Agent` implementation or an
 * agent already tapped, which the caller then follows through `events$`.
 *
 * @internal
 */
export function tapAgentEvents(agent: Agent, tap: AgentEventTap): (() => void) | undefined {
  return agent instanceof AgentImpl ? agent.tap(tap) : undefined;
}

/**
 * The run with this id among an agent's current and queued turns, when core made the agent, for
 * `host.abortRun`: a run that ended, or was never this agent's, is `undefined`. Other `Agent`
 * implementations give `undefined`.
 *
 * @internal
 */
export function agentRunById(agent: Agent, runId: string): AgentRun<unknown> | undefined {
  return agent instanceof AgentImpl ? agent.runById(runId) : undefined;
}

class AgentImpl implements Agent {
  readonly id: string;
  readonly createdAt: Date;
  readonly context: ExecutionContext;
  readonly interrupted: boolean;
  // The agent's control state. This class is its one owner: turns reach it only through the
  // TurnHost below, and every change goes through the methods of this class. What holds between
  // the fields whenever a listener can run (see "Notifying" below):
  //
  // - `#lifecycle` moves only by `transition()`, along the specification's diagram.
  // - `#current` is the turn being executed. It is set before the lifecycle enters `processing`
  //   for it (receiveMessage, retry) and cleared before it leaves for `idle` or `error`
  //   (completeTask, exception): `#current` is defined exactly when the lifecycle is
  //   `processing` or `paused`.
  // - `#queue` holds turns not yet started, in order; a turn leaves it to become `#current`, or
  //   when it is aborted before it started.
  // - `#failed` is the turn that left the agent in `error`, kept for `retry()`. It is defined only
  //   in `error`, and is recorded before the failure is announced. A turn that failed by abort is
  //   never kept: the agent gives it up (error -> idle) as soon as the failure is announced.
  // - `#pauseRequested` is a pause asked for during `processing`, taken at the next step boundary.
  //   It is false whenever no turn is current: a turn's end clears it before it is announced.
  // - `#resumeWaiter` wakes the current turn. It is defined exactly when the lifecycle is
  //   `paused`: made before the lifecycle enters `paused`, taken by `resume()` before it leaves.
  // - `#draining` exists once `shutdown()` was called. From then on no turn is queued, a turn
  //   left in `error` is given up at once (unless a listener retried it first), and the agent
  //   shuts down when it is idle with an empty queue.
  //
  // Notifying: listeners (events$, a run's parts and promise) are told of a change only once the
  // fields above agree, and may call back into the agent at once (resume from a pause listener,
  // send from a completeTask listener). Code after a notification therefore re-reads the state
  // rather than assuming it. Events emitted while a listener runs are delivered after the current
  // one (and a completion of events$ after them), so every subscriber sees the changes in the
  // order they happened.
  #lifecycle: AgentLifecycleState = 'created';
  #state: AgentState;
  #lastActivity: number;
  #events: Subject<AgentEvent> | undefined;
  /** The instance event bus's listener, called before `#events`' subscribers; see `tap`. */
  #tap: AgentEventTap | undefined;
  #emitting = false;
  #backlog: AgentEvent[] | undefined;
  /** `events$` completes once the events before its completion are delivered. */
  #completing = false;
  readonly #queue: Turn[] = [];
  /** Each principal's last turn still being admitted (authorized, rate limited); see `#admit`. */
  readonly #admitting = new Map<string, Promise<void>>();
  readonly #admission: readonly SendAdmission[];
  #current: Turn | undefined;
  #failed: Turn | undefined;
  #draining: { resolve: () => void; promise: Promise<void> } | undefined;
  #pauseRequested = false;
  #resumeWaiter: (() => void) | undefined;
  readonly #metrics: AgentMetrics;
  #realtime: RealtimeCompliance | undefined;
  #revision: number | undefined;
  #stateBytes: number;
  #host: TurnHost | undefined;
  /** The kept messages in model form, made on the first turn. */
  #modelMessages: ModelMessage[] | undefined;
  #limits: TurnHost['limiter'] | undefined;
  /** The models (`provider:modelId`) whose deprecation a subscriber of `events$` has heard of. */
  #warnedModels: Set<string> | undefined;
  readonly #options: AgentOptions;
  readonly #router: ModelRouter;
  readonly #clock: Clock;
  readonly #generateId: () => string;

  /**
   * A turn's view of its agent: one object per agent (made on its first turn) whose methods reach
   * the agent's private state, rather than a closure per method.
   */
  static readonly #TurnHost = class implements TurnHost {
    readonly agentId: string;
    readonly context: ExecutionContext;
    readonly options: AgentOptions;
    readonly router: ModelRouter;
    readonly clock: Clock;
    readonly generateId: () => string;
    readonly metrics: AgentMetrics;
    readonly limiter: TurnHost['limiter'];
    readonly #agent: AgentImpl;

    constructor(agent: AgentImpl) {
      this.#agent = agent;
      this.agentId = agent.id;
      this.context = agent.context;
      this.options = agent.#options;
      this.router = agent.#router;
      this.clock = agent.#clock;
      this.generateId = agent.#generateId;
      this.metrics = agent.#metrics;
      this.limiter = agent.#limiter();
    }

    emit(event: AgentEvent): void {
      this.#agent.emit(event);
    }
    // An arrow, so that a turn can pass it on without binding it.
    readonly noticeDeprecation = (model: LanguageModel): void => {
      this.#agent.#noticeDeprecation(model);
    };
    getState(): AgentState {
      return this.#agent.#state;
    }
    setState(state: AgentState, modelMessages: readonly ModelMessage[]): void {
      const agent = this.#agent;
      const kept = agent.#modelMessages;
      if (kept) for (const message of modelMessages) kept.push(message);
      agent.#state = state;
      agent.#lastActivity = agent.#clock.now();
    }
    // Converted once, then kept up to date by setState: kept messages never change.
    modelMessages(): readonly ModelMessage[] {
      const agent = this.#agent;
      return (agent.#modelMessages ??= toModelMessages(agent.#state.messages));
    }
    get revision(): number | undefined {
      return this.#agent.#revision;
    }
    set revision(value: number | undefined) {
      this.#agent.#revision = value;
    }
    get stateBytes(): number {
      return this.#agent.#stateBytes;
    }
    set stateBytes(value: number) {
      this.#agent.#stateBytes = value;
    }
    pauseRequested(): boolean {
      return this.#agent.#pauseRequested;
    }
    waitIfPaused(abort: AbortSource): Promise<void> {
      return this.#agent.#waitIfPaused(abort);
    }
    toInstance(state: AgentState): AgentInstance {
      return this.#agent.#instanceOf(state);
    }
    recordLatency(latency: number): void {
      this.#agent.#recordLatency(latency);
    }
  };

  constructor(options: AgentOptions) {
    this.#options = options;
    this.#admission = options.admission ?? [];
    this.#clock = options.clock ?? systemClock;
    this.#generateId = options.generateId ?? randomUuid;
    this.#router = 'run' in options.model ? options.model : routerOf(options.model, options.clock);
    const restored = options.restored?.instance;
    this.id = restored?.id ?? options.id ?? this.#generateId();
    this.createdAt = restored?.createdAt ?? new Date(this.#clock.now());
    this.#lastActivity = (restored?.lastActivity ?? this.createdAt).getTime();
    this.#state = restored
      ? structuredClone(restored.state)
      : { messages: [], memory: {}, status: 'idle' };
    this.#revision = options.restored?.revision;
    this.interrupted = restored !== undefined && restored.state.status !== 'idle';
    this.#stateBytes = this.#state.messages.reduce(
      (total, message) => total + jsonByteLength(message) + 1,
      0,
    );
    this.context = restored?.context ?? {
      sessionId: options.context?.sessionId ?? this.#generateId(),
      ...(options.context?.userId !== undefined ? { userId: options.context.userId } : {}),
      permissions: [...(options.context?.permissions ?? [])],
      resourceLimits: { ...defaultResourceLimits, ...options.context?.resourceLimits },
      timeout: options.context?.timeout ?? 120_000,
    };
    if (!restored) checkOptions(options, this.id, this.context);
    this.#metrics = new AgentMetrics(() => this.#clock.now(), restored?.performance);
    if (options.realtime)
      this.#realtime = {
        threshold: options.realtime.threshold ?? 200,
        compliant: true,
        violations: 0,
      };
    if (options.autoStart !== false) this.start();
  }

  get lifecycle() {
    return this.#lifecycle;
  }
  get state(): Readonly<AgentState> {
    return this.#state;
  }
  get performance() {
    return this.#metrics.snapshot();
  }
  get realtime() {
    return this.#realtime && { ...this.#realtime };
  }
  get lastActivity() {
    return new Date(this.#lastActivity);
  }
  get queued() {
    return this.#queue.length;
  }
  get events$(): Observable<AgentEvent> {
    return (this.#events ??= new Subject<AgentEvent>()).asObservable();
  }

  /** @internal See {@link tapAgentEvents}. */
  tap(tap: AgentEventTap): (() => void) | undefined {
    if (this.#tap !== undefined || this.#lifecycle === 'shut-down') return undefined;
    this.#tap = tap;
    return () => {
      if (this.#tap === tap) this.#tap = undefined;
    };
  }

  /** Whether anyone hears the agent's events: an event nobody hears is not even built. */
  #heard(): boolean {
    return this.#tap !== undefined || this.#events?.observed === true;
  }

  /**
   * Emits a model's deprecation as a `model-warning`, once per model: the first call made while
   * `events$` has a subscriber (a warning nobody could hear is not counted as given).
   */
  #noticeDeprecation(model: LanguageModel): void {
    const deprecation = model.deprecation;
    if (deprecation === undefined || !this.#heard()) return;
    const name = `${model.provider}:${model.modelId}`;
    const warned = (this.#warnedModels ??= new Set());
    if (warned.has(name)) return;
    warned.add(name);
    this.emit({
      type: 'model-warning',
      model: name,
      code: 'model_deprecated',
      message: deprecation.message,
      ...(deprecation.retiresAt !== undefined ? { retiresAt: deprecation.retiresAt } : {}),
    });
  }

  /** @internal */ emit(event: AgentEvent): void {
    if (!this.#heard()) return;
    // A listener that changes the agent emits from inside this call: its events wait until every
    // subscriber has this one, so that no subscriber hears of a change before the one it followed.
    if (this.#emitting) {
      (this.#backlog ??= []).push(event);
      return;
    }
    this.#emitting = true;
    try {
      this.#deliver(event);
      const backlog = this.#backlog;
      if (backlog)
        for (let index = 0; index < backlog.length; index += 1) this.#deliver(backlog[index]!);
      if (this.#completing) this.#complete();
    } finally {
      this.#emitting = false;
      this.#backlog = undefined;
    }
  }

  #deliver(event: AgentEvent): void {
    this.#tap?.next(event);
    const events = this.#events;
    if (events?.observed) events.next(event);
  }

  #complete(): void {
    const tap = this.#tap;
    this.#tap = undefined;
    tap?.complete();
    this.#events?.complete();
  }

  /** @internal */ transition(event: AgentLifecycleEvent): void {
    const change = nextAgentState(this.#lifecycle, event);
    this.#lifecycle = change.to;
    const status: AgentStatus | undefined =
      change.to === 'created' || change.to === 'shut-down' ? undefined : change.to;
    if (status) this.#state.status = status;
    this.#lastActivity = this.#clock.now();
    if (this.#heard()) this.emit({ type: 'status-delta', ...change });
  }

  start(): void {
    this.transition('start');
  }

  send<TOutput = undefined>(
    input: SendInput,
    options: SendOptions<TOutput> = {},
  ): AgentRun<TOutput> {
    // The turn's result is checked against options.output, so the run is typed by it.
    const controller = new AgentRunController<unknown>(this.#generateId(), () =>
      this.#abortTurn(turn),
    );
    const run = controller.run as AgentRun<TOutput>;
    const turn: Turn = {
      input: typeof input === 'string' ? { text: input } : input,
      controller: controller,
      output: options.output,
      started: false,
    };
    if (this.#draining || this.#lifecycle === 'shut-down' || this.#lifecycle === 'created') {
      const error = new AgentryError({
        code: 'invalid_transition',
        message:
          this.#lifecycle === 'created'
            ? 'The agent has not been started; call start() first.'
            : 'The agent is shutting down and takes no new messages.',
        details: { state: this.#lifecycle },
        suggestions: [
          this.#lifecycle === 'created' ? 'Call agent.start().' : 'Create a new agent.',
        ],
      });
      controller.reject(error);
      return run;
    }
    const principalProblem = checkPrincipal(options.principal);
    if (principalProblem) {
      controller.reject(principalProblem);
      return run;
    }
    if (options.principal !== undefined) turn.principal = options.principal;
    const signal = options.signal;
    if (signal) {
      const reason = () =>
        typeof signal.reason === 'string' ? signal.reason : 'The caller aborted the run.';
      if (signal.aborted) {
        controller.reject(new AgentryError({ code: 'aborted', message: reason() }));
        return run;
      }
      const onAbort = () => run.abort(reason());
      signal.addEventListener('abort', onAbort, { once: true });
      const remove = () => signal.removeEventListener('abort', onAbort);
      run.result.then(remove, remove);
    }
    if (this.#options.authorizer === undefined && this.#admission.length === 0) {
      this.#queue.push(turn);
      this.#pump();
    } else this.#admit(turn);
    return run;
  }

  /**
   * Passes `turn` through the authorizer and the admission checks, then queues it. One
   * principal's turns are admitted in the order they were sent; a turn held by a check (a rate
   * limit's queue) holds back only its principal's later turns.
   */
  #admit(turn: Turn): void {
    const principal = principalOf(turn.principal, this.id, this.context);
    const source = turn.controller.source;
    // With no earlier turn of this principal being admitted, the chain starts from one shared
    // resolved promise (a settled promise can be chained on by any number of turns).
    const previous = this.#admitting.get(principal.id) ?? nothingPending;
    const admitted: Promise<void> = previous.then(async () => {
      try {
        try {
          if (source.aborted) throw toAgentryError(source.reason, 'aborted');
          await admitTurn(this.#options.authorizer, this.#admission, {
            agentId: this.id,
            runId: turn.controller.run.id,
            principal,
            userId: this.context.userId,
            sessionId: this.context.sessionId,
            model: this.#primaryModel(),
            // Made on first read: a check that never waits never pays for an AbortSignal.
            get signal() {
              return source.signal;
            },
          });
          if (source.aborted) throw toAgentryError(source.reason, 'aborted');
        } catch (error) {
          // Refused before it was queued: the agent's state is untouched.
          turn.controller.reject(toAgentryError(error));
          return;
        }
        if (this.#draining || this.#lifecycle === 'shut-down') {
          turn.controller.reject(
            new AgentryError({
              code: 'invalid_transition',
              message: 'The agent shut down while the turn waited to be admitted; it was not run.',
              details: { state: this.#lifecycle },
              suggestions: ['Create a new agent.'],
            }),
          );
          return;
        }
        this.#queue.push(turn);
        this.#pump();
      } finally {
        // The turn is queued or refused: its principal's next turn need not wait for it. Done
        // here rather than in a further `then` (one promise fewer per turn); `admitted` is set by
        // then, since this runs at the earliest a microtask after the chain was made.
        if (this.#admitting.get(principal.id) === admitted) this.#admitting.delete(principal.id);
      }
    });
    this.#admitting.set(principal.id, admitted);
  }

  #primaryModel(): string {
    const primary = this.#router.models[0];
    return primary ? `${primary.provider}:${primary.modelId}` : 'unknown';
  }

  pause(): void {
    if (this.#lifecycle !== 'processing') nextAgentState(this.#lifecycle, 'pause');
    this.#pauseRequested = true;
  }

  resume(): void {
    if (this.#lifecycle === 'processing' && this.#pauseRequested) {
      this.#pauseRequested = false;
      return;
    }
    nextAgentState(this.#lifecycle, 'resume');
    const wake = this.#resumeWaiter;
    this.#resumeWaiter = undefined;
    wake?.();
    this.transition('resume');
  }

  retry(): AgentRun<unknown> {
    const failed = this.#failed;
    if (!failed) {
      nextAgentState(this.#lifecycle, 'retry');
      // In `error` without a kept turn: the turn was aborted, and is being given up.
      throw new AgentryError({
        code: 'invalid_transition',
        message: 'The failed turn was aborted, so there is nothing to retry.',
        details: { state: this.#lifecycle, event: 'retry' },
        suggestions: ['Send the message again.'],
      });
    }
    const controller = new AgentRunController<unknown>(this.#generateId(), () =>
      this.#abortTurn(turn),
    );
    const turn: Turn = { ...failed, controller };
    this.#failed = undefined;
    this.#current = turn;
    this.transition('retry');
    void this.#execute(turn);
    return controller.run;
  }

  /** @internal The current or a queued turn's run, by id. */
  runById(runId: string): AgentRun<unknown> | undefined {
    if (this.#current?.controller.run.id === runId) return this.#current.controller.run;
    return this.#queue.find((turn) => turn.controller.run.id === runId)?.controller.run;
  }

  abort(reason = 'The agent was told to abort.'): void {
    if (this.#lifecycle === 'error') {
      this.#giveUp();
      this.#pump();
      return;
    }
    if (this.#lifecycle !== 'processing' && this.#lifecycle !== 'paused')
      nextAgentState(this.#lifecycle, 'abort');
    this.#current?.controller.run.abort(reason);
  }

  async shutdown(): Promise<void> {
    if (this.#lifecycle === 'shut-down') return;
    if (this.#lifecycle === 'created') this.transition('start');
    if (!this.#draining) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      this.#draining = { resolve, promise };
    }
    this.#pump();
    await this.#draining.promise;
  }

  toInstance(): AgentInstance {
    return this.#instanceOf(structuredClone(this.#state));
  }

  #instanceOf(state: AgentState): AgentInstance {
    const model = this.#router.models[0]!;
    return {
      id: this.id,
      model: {
        provider: model.provider,
        model: model.modelId,
        version: model.modelId,
        parameters: { ...this.#options.parameters },
        capabilities: { ...model.capabilities },
      },
      state,
      context: this.context,
      performance: this.#metrics.snapshot(),
      createdAt: this.createdAt,
      lastActivity: new Date(this.#lastActivity),
    };
  }

  /** Starts the next queued turn, or finishes a shutdown, when the agent can. */
  #pump(): void {
    if (this.#current) return;
    // A shutdown does not wait for a retry nobody may ask for: the failed turn is given up.
    if (this.#lifecycle === 'error' && this.#draining) {
      this.#giveUp();
      if (this.#current) return;
    }
    if (this.#lifecycle !== 'idle') return;
    const next = this.#queue.shift();
    if (next) {
      this.#current = next;
      this.transition('receiveMessage');
      void this.#execute(next);
      return;
    }
    const draining = this.#draining;
    if (draining) {
      this.transition('shutdown');
      draining.resolve();
      if (this.#emitting) this.#completing = true;
      else this.#complete();
    }
  }

  /** Error -> Idle: the failed turn is dropped. */
  #giveUp(): void {
    this.#failed = undefined;
    this.transition('abort');
  }

  #abortTurn(turn: Turn): void {
    const index = this.#queue.indexOf(turn);
    if (index >= 0) {
      this.#queue.splice(index, 1);
      turn.controller.reject(
        new AgentryError({ code: 'aborted', message: 'The run was aborted before it started.' }),
      );
      return;
    }
    // A paused turn must wake up to see its abort.
    if (this.#current === turn && this.#lifecycle === 'paused') this.resume();
  }

  /** Runs `turn`, which is `#current` and `processing`, then settles it and moves on. */
  async #execute(turn: Turn): Promise<void> {
    let result: Awaited<ReturnType<typeof executeTurn>> | undefined;
    let error: AgentryError | undefined;
    try {
      result = await executeTurn((this.#host ??= new AgentImpl.#TurnHost(this)), turn);
    } catch (caught) {
      error = toAgentryError(caught);
    }
    this.#metrics.recordTurn(error === undefined);
    this.#current = undefined;
    // A pause asked for during the turn's last step has nothing left to pause.
    this.#pauseRequested = false;
    if (error === undefined) {
      this.transition('completeTask');
      turn.controller.resolve(result!);
    } else {
      const aborted = error.code === 'aborted';
      // Recorded before anyone hears of the failure, so that a listener may call retry() at once.
      if (!aborted) this.#failed = turn;
      this.transition('exception');
      turn.controller.push({ type: 'run-error', runId: turn.controller.run.id, error });
      this.emit({ type: 'run-error', runId: turn.controller.run.id, error });
      turn.controller.reject(error);
      // Unless a listener has already moved on, an aborted turn is given up at once.
      if (aborted && this.#lifecycle === 'error' && this.#failed === undefined) this.#giveUp();
    }
    if (this.#heard()) this.emit({ type: 'metrics-delta', metrics: this.#metrics.snapshot() });
    this.#pump();
  }

  #waitIfPaused(abort: AbortSource): Promise<void> {
    if (!this.#pauseRequested || abort.aborted) return Promise.resolve();
    this.#pauseRequested = false;
    // The waiter exists before anyone hears of the pause: a listener may resume or abort at once.
    const resumed = new Promise<void>((resolve) => (this.#resumeWaiter = resolve));
    this.transition('pause');
    return resumed;
  }

  #limiter(): TurnHost['limiter'] {
    this.#limits ??= {
      connections: createSemaphore(this.context.resourceLimits.maxConnections),
      tokens: createTokenBucket(
        {
          capacity: this.context.resourceLimits.maxTokensPerMinute,
          refillPerSecond: this.context.resourceLimits.maxTokensPerMinute / 60,
        },
        { clock: this.#clock },
      ),
    };
    return this.#limits;
  }

  #recordLatency(latency: number): void {
    const moving = this.#metrics.recordLatency(latency);
    if (!this.#realtime) return;
    if (latency > this.#realtime.threshold) {
      this.#realtime.violations += 1;
      this.emit({
        type: 'realtime-error',
        responseTime: latency,
        threshold: this.#realtime.threshold,
      });
    }
    this.#realtime.compliant = moving <= this.#realtime.threshold;
  }
}

/** The start of a principal's admission chain when none of its turns is being admitted. */
const nothingPending: Promise<void> = Promise.resolve();

const uuidSchema = z.uuid();

const positiveInteger = (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) && value > 0;

/** Refuses options that would only fail on the first turn. */
/** One router per model for agents on the system clock: a router over one model holds no state. */
const routers = new WeakMap<LanguageModel, ModelRouter>();

function routerOf(model: LanguageModel, clock: Clock | undefined): ModelRouter {
  if (clock !== undefined) return createModelRouter({ models: [model], clock });
  let router = routers.get(model);
  if (!router) {
    router = createModelRouter({ models: [model] });
    routers.set(model, router);
  }
  return router;
}

function checkOptions(options: AgentOptions, id: string, context: ExecutionContext): void {
  const problems: string[] = [];
  // An id or context made by the agent's own UUIDs and defaults is valid by construction; only
  // what the caller gave (an id, a context, an id generator) is checked.
  const ownIds = options.generateId === undefined;
  if ((options.id !== undefined || !ownIds) && !uuidSchema.safeParse(id).success)
    problems.push(`id "${id}" is not a UUID`);
  if (options.maxSteps !== undefined && !positiveInteger(options.maxSteps))
    problems.push(`maxSteps must be a positive integer, received ${String(options.maxSteps)}`);
  if (options.maxToolInputBytes !== undefined && !positiveInteger(options.maxToolInputBytes))
    problems.push(
      `maxToolInputBytes must be a positive integer of bytes, received ${String(options.maxToolInputBytes)}`,
    );
  if (options.toolTimeout !== undefined && !positiveInteger(options.toolTimeout))
    problems.push(
      `toolTimeout must be a positive integer of milliseconds, received ${String(options.toolTimeout)}`,
    );
  const parsed =
    options.context === undefined && ownIds ? undefined : executionContextSchema.safeParse(context);
  if (parsed?.success === false)
    for (const issue of parsed.error.issues)
      problems.push(`context.${issue.path.join('.')}: ${issue.message}`);
  const names = new Set<string>();
  for (const tool of options.tools ?? []) {
    if (names.has(tool.name)) problems.push(`two tools are named "${tool.name}"`);
    names.add(tool.name);
  }
  if (problems.length > 0) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `The agent's options are not valid: ${problems.join('; ')}.`,
      details: { problems },
      suggestions: ['Fix the options listed; see AgentOptions for each field.'],
    });
  }
}
