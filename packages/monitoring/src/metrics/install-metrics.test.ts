import { AgentryError, type Agentry } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptedAgentry } from './__fixtures__/scripted-agentry.js';
import type { MetricsHandle } from './install-metrics.js';

const open: Agentry[] = [];
afterEach(async () => {
  for (const agentry of open.splice(0)) await agentry.shutdown();
});

async function played() {
  const made = await scriptedAgentry();
  open.push(made.agentry);
  const agent = (await made.play()).split(':')[0]!;
  return { ...made, agent };
}

/** A metric's increase (counter) or observation count and sum (histogram) over the last hour. */
const read = (metrics: MetricsHandle, name: string, labels: Record<string, string> = {}) =>
  metrics.query({ name, window: 3_600_000, labels });

describe('installMetrics', () => {
  it('measures every metric of a scripted run: tool calls, a retry, a fallback, errors and a workflow', async () => {
    const { metrics, agent } = await played();
    const gpt = { agent, model: 'openai:gpt-4o' };
    const mini = { agent, model: 'openai:gpt-4o-mini' };
    const value = (name: string, labels: Record<string, string> = {}) =>
      read(metrics, name, labels).value;

    expect(value('agentry_agent_runs_total', { agent })).toBe(2);
    expect(value('agentry_agent_run_errors_total', { agent, code: 'auth_failed' })).toBe(1);
    expect(value('agentry_model_requests_total', gpt)).toBe(6);
    expect(value('agentry_model_requests_total', mini)).toBe(1);
    expect(value('agentry_model_errors_total', { ...gpt, code: 'rate_limited' })).toBe(1);
    expect(value('agentry_model_errors_total', { ...gpt, code: 'provider_unavailable' })).toBe(2);
    expect(value('agentry_model_errors_total', { ...gpt, code: 'auth_failed' })).toBe(1);
    // The rate limit, the first outage (retried on gpt-4o) and the second (retried on the fallback).
    expect(value('agentry_model_retries_total', gpt)).toBe(3);
    expect(value('agentry_model_fallbacks_total', mini)).toBe(1);
    expect(value('agentry_model_fallbacks_total', gpt)).toBe(0);

    const firstChunk = read(metrics, 'agentry_model_time_to_first_chunk_seconds', gpt);
    expect([firstChunk.count, firstChunk.value]).toEqual([2, expect.closeTo(0.4, 9)]);
    const duration = read(metrics, 'agentry_model_request_duration_seconds', gpt);
    expect([duration.count, duration.value, duration.max]).toEqual([
      2,
      expect.closeTo(1, 9),
      expect.closeTo(0.5, 9),
    ]);
    expect(read(metrics, 'agentry_model_request_duration_seconds', mini).count).toBe(1);

    expect(value('agentry_model_tokens_total', { ...gpt, type: 'input' })).toBe(200);
    expect(value('agentry_model_tokens_total', { ...gpt, type: 'cached_input' })).toBe(80);
    expect(value('agentry_model_tokens_total', { ...gpt, type: 'output' })).toBe(40);
    expect(value('agentry_model_tokens_total', { ...mini, type: 'reasoning' })).toBe(4);
    // gpt-4o: 2 x (60 x 2.5 + 40 x 1.25 + 20 x 10) / 1e6; mini: (50 x 0.15 + 10 x 0.6) / 1e6.
    expect(value('agentry_model_cost_total', { ...gpt, currency: 'USD' })).toBeCloseTo(0.0008, 12);
    expect(value('agentry_model_cost_total', { ...mini, currency: 'USD' })).toBeCloseTo(
      0.0000135,
      12,
    );

    expect(value('agentry_tool_calls_total', { agent, tool: 'lookup' })).toBe(1);
    expect(value('agentry_tool_errors_total', { agent, tool: 'lookup' })).toBe(0);
    expect(value('agentry_tool_calls_total', { agent, tool: 'explode' })).toBe(1);
    expect(value('agentry_tool_errors_total', { agent, tool: 'explode' })).toBe(1);
    expect(read(metrics, 'agentry_tool_duration_seconds', { agent }).count).toBe(2);

    const workflow = { workflow: 'order-review' };
    expect(value('agentry_workflow_runs_started_total', workflow)).toBe(1);
    expect(value('agentry_workflow_runs_completed_total', workflow)).toBe(1);
    expect(value('agentry_workflow_runs_failed_total', workflow)).toBe(0);
    expect(value('agentry_workflow_steps_started_total', workflow)).toBe(2);
    expect(value('agentry_workflow_steps_completed_total', workflow)).toBe(2);
    expect(
      value('agentry_workflow_step_errors_total', { ...workflow, step: 'charge', code: 'timeout' }),
    ).toBe(1);
    expect(value('agentry_workflow_step_retries_total', { ...workflow, step: 'charge' })).toBe(1);
    const steps = read(metrics, 'agentry_workflow_step_duration_seconds', workflow);
    expect([steps.count, steps.value]).toEqual([2, 4]);

    expect(value('agentry_process_uptime_seconds')).toBeGreaterThan(0);
    expect(value('agentry_process_resident_memory_bytes')).toBeGreaterThan(1_000_000);
    expect(value('agentry_process_heap_used_bytes')).toBeGreaterThan(1_000_000);
    expect(value('agentry_process_memory_limit_bytes')).toBeGreaterThan(
      value('agentry_process_resident_memory_bytes'),
    );

    // Every metric defined has a series from the run, but the overflow counter (nothing dropped)
    // and the security metrics (no plug-in emitted a security event).
    const empty = [...metrics.registry.families()]
      .filter((family) => family.size === 0)
      .map((family) => family.name);
    expect(empty).toEqual([
      'agentry_metrics_series_dropped_total',
      'agentry_security_events_total',
      'agentry_security_access_decisions_total',
      'agentry_security_rate_limited_total',
    ]);
  });

  it('never labels a run, user or session id', async () => {
    const { metrics } = await played();
    const labelNames = new Set(
      [...metrics.registry.families()].flatMap((family) => family.labelNames),
    );
    expect([...labelNames].sort()).toEqual([
      'action',
      'agent',
      'category',
      'code',
      'currency',
      'metric',
      'model',
      'outcome',
      'resource_type',
      'severity',
      'step',
      'tool',
      'type',
      'workflow',
    ]);
  });

  it('summarises a window for alerts, narrowed by agent or model', async () => {
    const { metrics, agent } = await played();
    const summary = metrics.summary({ windowMs: 60_000 });
    expect(summary).toEqual({
      requests: 7,
      errors: 4,
      errorRatePercent: (4 / 7) * 100,
      latencyMs: {
        mean: expect.closeTo(500, 6),
        p50: expect.any(Number),
        p95: expect.any(Number),
        max: expect.closeTo(500, 6),
      },
      throughputPerSecond: 7 / 60,
      memoryPercent: expect.any(Number),
      tokens: { input: 250, output: 50 },
      costUsd: expect.closeTo(0.0008135, 12),
    });
    expect(summary.latencyMs.p95).toBeLessThanOrEqual(500);
    expect(summary.memoryPercent).toBeGreaterThan(0);
    expect(metrics.summary({ windowMs: 60_000, model: 'openai:gpt-4o-mini' })).toMatchObject({
      requests: 1,
      errors: 0,
      errorRatePercent: 0,
    });
    expect(metrics.summary({ windowMs: 60_000, agentId: 'another-agent' })).toMatchObject({
      requests: 0,
      latencyMs: { mean: undefined, p50: undefined },
    });
    expect(metrics.summary({ windowMs: 60_000, agentId: agent }).requests).toBe(7);
  });

  it('stops on shutdown: no more events are measured and close can be called again', async () => {
    const { metrics, agentry } = await played();
    const before = read(metrics, 'agentry_model_requests_total').value;
    await agentry.shutdown();
    open.length = 0;
    await expect(metrics.close()).resolves.toBeUndefined();
    expect(read(metrics, 'agentry_model_requests_total').value).toBe(before);
  });

  it('collects nothing when the section switches metrics off', async () => {
    const made = await scriptedAgentry({ enabled: false });
    open.push(made.agentry);
    await made.play();
    expect(read(made.metrics, 'agentry_model_requests_total').value).toBe(0);
  });

  it('refuses options that do not match the export formats, listing each problem with its path', async () => {
    const attempt = scriptedAgentry(
      { exportFormats: ['json'] },
      { prometheus: { port: 70_000 }, maxSeriesPerMetric: 0 },
    );
    const error = await attempt.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AgentryError);
    const cause = (error as AgentryError).cause as AgentryError;
    expect(cause.code).toBe('config_invalid');
    expect(
      (cause.details as { issues: { path: string }[] }).issues.map((issue) => issue.path),
    ).toEqual(['prometheus', 'prometheus.port', 'json', 'maxSeriesPerMetric']);
  });
});
