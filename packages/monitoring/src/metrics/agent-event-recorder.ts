import type { AgentEvent, PricingInfo, Usage } from '@agentry/core';
import type { AgentryMetricFamilies } from './agentry-metric-families.js';
import type { MetricFamily } from './metric-family.js';
import type { CounterSeries, HistogramSeries } from './metric-series.js';
import type { TimeRing } from './time-ring.js';

/**
 * Records agents' events into Agentry's metrics. Owner of the per-agent state:
 *
 * - `#agents` holds, per agent id, the agent's series handles (made on first use, so an event
 *   costs field writes, not label lookups) and its runs in flight;
 * - an agent's entry is made by its first event and removed when it shuts down (its series stay
 *   in the registry: their totals are still exported);
 * - an agent runs one turn at a time (core queues the others), so each agent has one run timing,
 *   reused: `run-start` sets its `runId`, `run-end` and `run-error` clear it, and events of
 *   another run id do not touch it.
 *
 * Times come from one clock (`now`, milliseconds), read when an event is delivered: events are
 * delivered synchronously as the agent emits them.
 */

interface ModelHandles {
  /** The label key `agent\u0000model`, shared by the metrics labelled by agent and model. */
  readonly key: string;
  readonly labels: readonly string[];
  readonly requests: CounterSeries;
  readonly firstChunk: HistogramSeries;
  readonly duration: HistogramSeries;
  readonly input: CounterSeries;
  readonly output: CounterSeries;
  readonly cost: CounterSeries | undefined;
  readonly pricing: PricingInfo | undefined;
  // Made on first use: most models never retry, fall back, cache or reason.
  retries: CounterSeries | undefined;
  fallbacks: CounterSeries | undefined;
  cachedInput: CounterSeries | undefined;
  reasoning: CounterSeries | undefined;
  readonly errors: Map<string, CounterSeries>;
}

interface ToolHandles {
  readonly calls: CounterSeries;
  readonly errors: CounterSeries;
  readonly duration: HistogramSeries;
}

interface RunTiming {
  /** The run in flight, or `undefined` between runs. */
  runId: string | undefined;
  /** The model of the step's last request, to tell a fallback from a retry. */
  stepModel: string | undefined;
  /** When the step's last request was sent. */
  requestAt: number;
  /** Whether the last request's first output is still to come. */
  awaitingFirst: boolean;
  /** The last request's model handles. */
  model: ModelHandles | undefined;
}

interface AgentState {
  readonly runs: CounterSeries;
  readonly runErrors: Map<string, CounterSeries>;
  readonly models: Map<string, ModelHandles>;
  readonly tools: Map<string, ToolHandles>;
  readonly run: RunTiming;
}

/** @internal */
export class AgentEventRecorder {
  readonly #families: AgentryMetricFamilies;
  readonly #ring: TimeRing;
  readonly #pricing: (model: string) => PricingInfo | undefined;
  readonly #agents = new Map<string, AgentState>();

  constructor(
    families: AgentryMetricFamilies,
    ring: TimeRing,
    pricing: (model: string) => PricingInfo | undefined,
  ) {
    this.#families = families;
    this.#ring = ring;
    this.#pricing = pricing;
  }

  /** How many agents have state here (for tests of the clean-up). */
  get agents(): number {
    return this.#agents.size;
  }

  record(agentId: string, event: AgentEvent): void {
    // Events that write nothing, or need no time, return before the clock is read: a stream's
    // deltas after its first, for one (bench/metrics.bench.ts: turn overhead).
    switch (event.type) {
      case 'status-delta':
        if (event.to === 'shut-down') this.#agents.delete(agentId);
        return;
      case 'step-start': {
        const run = this.#agents.get(agentId)?.run;
        if (run?.runId === event.runId) run.stepModel = undefined;
        return;
      }
      case 'run-end': {
        const run = this.#agents.get(agentId)?.run;
        if (run?.runId === event.runId) run.runId = undefined;
        return;
      }
      case 'text-delta':
      case 'reasoning-delta':
      case 'tool-call-start': {
        const run = this.#agents.get(agentId)?.run;
        if (run?.runId !== event.runId || !run.awaitingFirst) return;
        break;
      }
      case 'metrics-delta':
      case 'tool-call-delta':
      case 'tool-call-end':
      case 'model-warning':
      case 'realtime-error':
        return;
      case 'run-start':
      case 'model-request':
      case 'model-error':
      case 'step-end':
      case 'tool-response':
      case 'run-error':
        break;
    }
    // One clock read per event, shared by its writes and its latencies.
    const now = this.#ring.now();
    this.#ring.pin(now);
    try {
      this.#record(agentId, event, now);
    } finally {
      this.#ring.unpin();
    }
  }

  #record(agentId: string, event: AgentEvent, now: number): void {
    let agent = this.#agents.get(agentId);
    agent ??= this.#agent(agentId);
    switch (event.type) {
      case 'run-start':
        agent.runs.add(1);
        agent.run.runId = event.runId;
        agent.run.stepModel = undefined;
        agent.run.awaitingFirst = false;
        agent.run.model = undefined;
        return;
      case 'model-request': {
        const model = this.#model(agent, agentId, event.model);
        model.requests.add(1);
        const run = agent.run.runId === event.runId ? agent.run : undefined;
        if (run === undefined) return;
        if (run.stepModel !== undefined && run.stepModel !== event.model)
          (model.fallbacks ??= this.#agentModel(this.#families.fallbacks, model)).add(1);
        run.stepModel = event.model;
        run.requestAt = now;
        run.awaitingFirst = true;
        run.model = model;
        return;
      }
      case 'text-delta':
      case 'reasoning-delta':
      case 'tool-call-start': {
        const run = agent.run.runId === event.runId ? agent.run : undefined;
        if (run?.awaitingFirst !== true) return;
        run.awaitingFirst = false;
        run.model?.firstChunk.observe((now - run.requestAt) / 1000);
        return;
      }
      case 'model-error': {
        const model = this.#model(agent, agentId, event.model);
        let errors = model.errors.get(event.error.code);
        if (errors === undefined) {
          errors = this.#families.modelErrors.series([agentId, event.model, event.error.code]);
          model.errors.set(event.error.code, errors);
        }
        errors.add(1);
        if (event.willRetry)
          (model.retries ??= this.#agentModel(this.#families.retries, model)).add(1);
        const run = agent.run.runId === event.runId ? agent.run : undefined;
        if (run !== undefined) run.awaitingFirst = false;
        return;
      }
      case 'step-end': {
        const model = this.#model(agent, agentId, event.model);
        const run = agent.run.runId === event.runId ? agent.run : undefined;
        if (run !== undefined) model.duration.observe((now - run.requestAt) / 1000);
        this.#usage(model, event.usage);
        return;
      }
      case 'tool-response': {
        const tool = this.#tool(agent, agentId, event.result.toolName);
        tool.calls.add(1);
        if (event.result.isError === true) tool.errors.add(1);
        tool.duration.observe(event.durationMs / 1000);
        return;
      }
      case 'run-error': {
        if (agent.run.runId === event.runId) agent.run.runId = undefined;
        let errors = agent.runErrors.get(event.error.code);
        if (errors === undefined) {
          errors = this.#families.runErrors.series([agentId, event.error.code]);
          agent.runErrors.set(event.error.code, errors);
        }
        errors.add(1);
        return;
      }
      case 'status-delta':
      case 'step-start':
      case 'run-end':
      case 'tool-call-delta':
      case 'tool-call-end':
      case 'metrics-delta':
      case 'model-warning':
      case 'realtime-error':
        return;
    }
  }

  #agent(agentId: string): AgentState {
    const agent: AgentState = {
      runs: this.#families.runs.series([agentId]),
      runErrors: new Map(),
      models: new Map(),
      tools: new Map(),
      run: {
        runId: undefined,
        stepModel: undefined,
        requestAt: 0,
        awaitingFirst: false,
        model: undefined,
      },
    };
    this.#agents.set(agentId, agent);
    return agent;
  }

  #model(agent: AgentState, agentId: string, id: string): ModelHandles {
    const found = agent.models.get(id);
    if (found !== undefined) return found;
    const families = this.#families;
    const key = `${agentId}\u0000${id}`;
    const labels = [agentId, id];
    const pricing = this.#pricing(id);
    const made: ModelHandles = {
      key,
      labels,
      requests: families.requests.seriesOfKey(key, labels),
      firstChunk: families.firstChunk.seriesOfKey(key, labels),
      duration: families.duration.seriesOfKey(key, labels),
      input: families.tokens.seriesOfKey(`${key}\u0000input`, [agentId, id, 'input']),
      output: families.tokens.seriesOfKey(`${key}\u0000output`, [agentId, id, 'output']),
      cost:
        pricing === undefined ? undefined : families.cost.series([agentId, id, pricing.currency]),
      pricing,
      retries: undefined,
      fallbacks: undefined,
      cachedInput: undefined,
      reasoning: undefined,
      errors: new Map(),
    };
    agent.models.set(id, made);
    return made;
  }

  #agentModel(family: MetricFamily<CounterSeries>, model: ModelHandles): CounterSeries {
    return family.seriesOfKey(model.key, model.labels);
  }

  #usage(model: ModelHandles, usage: Usage): void {
    const cached = usage.cachedInputTokens ?? 0;
    model.input.add(usage.inputTokens);
    model.output.add(usage.outputTokens);
    const tokens = this.#families.tokens;
    const [agentId, id] = model.labels as [string, string];
    if (cached > 0)
      (model.cachedInput ??= tokens.series([agentId, id, 'cached_input'])).add(cached);
    const reasoning = usage.reasoningTokens ?? 0;
    if (reasoning > 0)
      (model.reasoning ??= tokens.series([agentId, id, 'reasoning'])).add(reasoning);
    const pricing = model.pricing;
    if (pricing === undefined || model.cost === undefined) return;
    const cachedPrice = pricing.cachedInputPerMillionTokens ?? pricing.inputPerMillionTokens;
    const cost =
      Math.max(0, usage.inputTokens - cached) * pricing.inputPerMillionTokens +
      cached * cachedPrice +
      usage.outputTokens * pricing.outputPerMillionTokens;
    model.cost.add(cost / 1_000_000);
  }

  #tool(agent: AgentState, agentId: string, name: string): ToolHandles {
    const found = agent.tools.get(name);
    if (found !== undefined) return found;
    const families = this.#families;
    const labels = [agentId, name];
    const made: ToolHandles = {
      calls: families.toolCalls.series(labels),
      errors: families.toolErrors.series(labels),
      duration: families.toolDuration.series(labels),
    };
    agent.tools.set(name, made);
    return made;
  }
}
