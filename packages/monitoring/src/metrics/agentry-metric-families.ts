import type { MetricFamily } from './metric-family.js';
import type { CounterSeries, GaugeSeries, HistogramSeries } from './metric-series.js';
import type { MetricsRegistry } from './metrics-registry.js';

/**
 * Bounds of latency histograms, in seconds: from 5 ms (a cached answer) to 2 minutes (a long
 * generation), about x2.5 apart.
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
];

/** Bounds of workflow step durations, in seconds: up to an hour (steps may wait on people). */
export const STEP_BUCKETS_SECONDS: readonly number[] = [
  0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600,
];

/** @internal The metrics the collector records, on one registry. */
export interface AgentryMetricFamilies {
  readonly runs: MetricFamily<CounterSeries>;
  readonly runErrors: MetricFamily<CounterSeries>;
  readonly requests: MetricFamily<CounterSeries>;
  readonly modelErrors: MetricFamily<CounterSeries>;
  readonly retries: MetricFamily<CounterSeries>;
  readonly fallbacks: MetricFamily<CounterSeries>;
  readonly firstChunk: MetricFamily<HistogramSeries>;
  readonly duration: MetricFamily<HistogramSeries>;
  readonly tokens: MetricFamily<CounterSeries>;
  readonly cost: MetricFamily<CounterSeries>;
  readonly toolCalls: MetricFamily<CounterSeries>;
  readonly toolErrors: MetricFamily<CounterSeries>;
  readonly toolDuration: MetricFamily<HistogramSeries>;
  readonly workflowRunsStarted: MetricFamily<CounterSeries>;
  readonly workflowRunsCompleted: MetricFamily<CounterSeries>;
  readonly workflowRunsFailed: MetricFamily<CounterSeries>;
  readonly stepsStarted: MetricFamily<CounterSeries>;
  readonly stepsCompleted: MetricFamily<CounterSeries>;
  readonly stepErrors: MetricFamily<CounterSeries>;
  readonly stepRetries: MetricFamily<CounterSeries>;
  readonly stepDuration: MetricFamily<HistogramSeries>;
  readonly securityEvents: MetricFamily<CounterSeries>;
  readonly accessDecisions: MetricFamily<CounterSeries>;
  readonly rateLimited: MetricFamily<CounterSeries>;
  readonly uptime: MetricFamily<GaugeSeries>;
  readonly residentMemory: MetricFamily<GaugeSeries>;
  readonly heapUsed: MetricFamily<GaugeSeries>;
  readonly memoryLimit: MetricFamily<GaugeSeries>;
}

const AGENT_MODEL = ['agent', 'model'];

/**
 * @internal Defines Agentry's metrics on a registry. Labels are bounded by design: agent id,
 * model (`provider:model`), tool, workflow id, step id, error code, token type, currency, and for
 * security events their category, severity, outcome, action and resource type; never a run, user
 * or session id, a resource id or a policy id.
 */
export function defineAgentryMetrics(registry: MetricsRegistry): AgentryMetricFamilies {
  const counter = (name: string, help: string, labelNames: string[]) =>
    registry.counter({ name, help, labelNames });
  const histogram = (
    name: string,
    help: string,
    labelNames: string[],
    buckets: readonly number[],
  ) => registry.histogram({ name, help, labelNames, buckets });
  const gauge = (name: string, help: string) => registry.gauge({ name, help });
  return {
    runs: counter('agentry_agent_runs_total', 'Agent runs (turns) started.', ['agent']),
    runErrors: counter('agentry_agent_run_errors_total', 'Agent runs that failed, by error code.', [
      'agent',
      'code',
    ]),
    requests: counter(
      'agentry_model_requests_total',
      'Model requests sent (each attempt, retries and fallbacks included).',
      AGENT_MODEL,
    ),
    modelErrors: counter(
      'agentry_model_errors_total',
      'Model requests that failed, by error code.',
      ['agent', 'model', 'code'],
    ),
    retries: counter(
      'agentry_model_retries_total',
      'Failed model requests followed by another attempt (on the same model or the next of the fallback chain).',
      AGENT_MODEL,
    ),
    fallbacks: counter(
      'agentry_model_fallbacks_total',
      'Model requests sent to a different model than the previous request of the same step; model is the one fallen back to.',
      AGENT_MODEL,
    ),
    firstChunk: histogram(
      'agentry_model_time_to_first_chunk_seconds',
      'Time from a model request to its first text, reasoning or tool-call output, in seconds.',
      AGENT_MODEL,
      LATENCY_BUCKETS_SECONDS,
    ),
    duration: histogram(
      'agentry_model_request_duration_seconds',
      'Time from the model request that answered a step to the end of its response, in seconds.',
      AGENT_MODEL,
      LATENCY_BUCKETS_SECONDS,
    ),
    tokens: counter(
      'agentry_model_tokens_total',
      'Tokens used, by type: input (cached included), output (reasoning included), cached_input, reasoning.',
      ['agent', 'model', 'type'],
    ),
    cost: counter(
      'agentry_model_cost_total',
      'Cost of the tokens used, from the model catalogue’s pricing, in the currency of the label.',
      ['agent', 'model', 'currency'],
    ),
    toolCalls: counter(
      'agentry_tool_calls_total',
      'Tool calls that returned a result (errors included).',
      ['agent', 'tool'],
    ),
    toolErrors: counter('agentry_tool_errors_total', 'Tool calls that failed or were refused.', [
      'agent',
      'tool',
    ]),
    toolDuration: histogram(
      'agentry_tool_duration_seconds',
      'Time a tool call took, in seconds.',
      ['agent', 'tool'],
      LATENCY_BUCKETS_SECONDS,
    ),
    workflowRunsStarted: counter('agentry_workflow_runs_started_total', 'Workflow runs started.', [
      'workflow',
    ]),
    workflowRunsCompleted: counter(
      'agentry_workflow_runs_completed_total',
      'Workflow runs that ended.',
      ['workflow'],
    ),
    workflowRunsFailed: counter(
      'agentry_workflow_runs_failed_total',
      'Workflow runs that failed.',
      ['workflow'],
    ),
    stepsStarted: counter('agentry_workflow_steps_started_total', 'Workflow steps started.', [
      'workflow',
      'step',
    ]),
    stepsCompleted: counter(
      'agentry_workflow_steps_completed_total',
      'Workflow steps that ended.',
      ['workflow', 'step'],
    ),
    stepErrors: counter(
      'agentry_workflow_step_errors_total',
      'Failed workflow step attempts, by error code.',
      ['workflow', 'step', 'code'],
    ),
    stepRetries: counter('agentry_workflow_step_retries_total', 'Workflow step attempts retried.', [
      'workflow',
      'step',
    ]),
    stepDuration: histogram(
      'agentry_workflow_step_duration_seconds',
      'Time from a workflow step’s start to its end, in seconds.',
      ['workflow', 'step'],
      STEP_BUCKETS_SECONDS,
    ),
    securityEvents: counter(
      'agentry_security_events_total',
      'Security events plug-ins emitted (access decisions, rate-limit refusals, limiter store outages…), by category and severity.',
      ['category', 'severity'],
    ),
    accessDecisions: counter(
      'agentry_security_access_decisions_total',
      'Access decisions of the policy engine, by outcome (allow, deny; empty when the decision gave none), action and resource type.',
      ['outcome', 'action', 'resource_type'],
    ),
    rateLimited: counter(
      'agentry_security_rate_limited_total',
      'Calls refused by a rate limit, by action and resource type.',
      ['action', 'resource_type'],
    ),
    uptime: gauge(
      'agentry_process_uptime_seconds',
      'Seconds since the process started, sampled every collectionInterval.',
    ),
    residentMemory: gauge(
      'agentry_process_resident_memory_bytes',
      'Resident memory of the process, in bytes, sampled every collectionInterval.',
    ),
    heapUsed: gauge(
      'agentry_process_heap_used_bytes',
      'V8 heap in use, in bytes, sampled every collectionInterval.',
    ),
    memoryLimit: gauge(
      'agentry_process_memory_limit_bytes',
      'Memory available to the process (its cgroup limit, else the machine’s memory), in bytes.',
    ),
  };
}
