import type { InstanceEvent, PluginEvent, PluginHost, SecurityEvent } from '@agentry/core';
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { MetricsConfig } from '../config/index.js';
import { installMetrics, type MetricsHandle } from './install-metrics.js';

const section: MetricsConfig = {
  enabled: true,
  collectionInterval: 60_000,
  retentionPeriod: 1,
  exportFormats: ['prometheus'],
};

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** Metrics over a bare event stream; `emit` publishes a plug-in's event as `host.emit` does. */
async function measured(maxSeriesPerMetric?: number) {
  const events$ = new Subject<InstanceEvent>();
  const host = {
    events$,
    onShutdown: () => undefined,
    config: {},
  } as unknown as Pick<PluginHost, 'events$' | 'onShutdown' | 'config'>;
  const metrics = await installMetrics(
    host,
    section,
    maxSeriesPerMetric === undefined ? {} : { maxSeriesPerMetric },
  );
  closers.push(() => metrics.close());
  const emit = (event: PluginEvent) =>
    events$.next({ source: { kind: 'plugin', plugin: 'test-security' }, event });
  return { metrics, emit };
}

const decision = (patch: Partial<SecurityEvent> = {}): SecurityEvent => ({
  type: 'security',
  category: 'access-decision',
  severity: 'low',
  at: Date.now(),
  outcome: 'allow',
  policyIds: ['orders-owner'],
  subject: 'alice',
  action: 'read',
  resource: 'records:order-alice-7',
  ...patch,
});

const value = (metrics: MetricsHandle, name: string, labels: Record<string, string> = {}) =>
  metrics.query({ name, window: 3_600_000, labels }).value;

describe('security metrics', () => {
  it('count access decisions by outcome, action and resource type, never by subject or resource id', async () => {
    const { metrics, emit } = await measured();
    emit(decision());
    emit(decision({ resource: 'records:order-bob-9' }));
    emit(decision({ outcome: 'deny', severity: 'medium', subject: 'bob' }));
    emit(decision({ outcome: 'deny', action: 'delete', resource: 'tools:delete_order' }));
    emit(decision({ resource: 'config', action: 'update' }));

    const name = 'agentry_security_access_decisions_total';
    expect(
      value(metrics, name, { outcome: 'allow', action: 'read', resource_type: 'records' }),
    ).toBe(2);
    expect(
      value(metrics, name, { outcome: 'deny', action: 'read', resource_type: 'records' }),
    ).toBe(1);
    expect(
      value(metrics, name, { outcome: 'deny', action: 'delete', resource_type: 'tools' }),
    ).toBe(1);
    expect(value(metrics, name, { resource_type: 'config' })).toBe(1);
    const text = metrics.renderPrometheus();
    for (const leaked of ['alice', 'bob', 'order-alice-7', 'delete_order', 'orders-owner'])
      expect(text).not.toContain(leaked);
  });

  it('count a decision without an outcome under an empty outcome, never as allow or deny', async () => {
    const { metrics, emit } = await measured();
    const { outcome: _omitted, ...withoutOutcome } = decision({ severity: 'high' });
    emit(withoutOutcome);
    const name = 'agentry_security_access_decisions_total';
    expect(value(metrics, name, { outcome: '' })).toBe(1);
    expect(value(metrics, name, { outcome: 'allow' })).toBe(0);
    expect(value(metrics, name, { outcome: 'deny' })).toBe(0);
  });

  it('count rate-limit refusals by action and resource type, and every security event by category and severity', async () => {
    const { metrics, emit } = await measured();
    const limited = {
      type: 'security',
      category: 'rate-limited',
      severity: 'medium',
      at: Date.now(),
      subject: 'alice',
      action: 'update',
      resource: 'agents:support',
    } as const;
    emit(limited);
    emit({ ...limited, subject: 'bob' });
    emit({ type: 'security', category: 'rate-limit-store-unavailable', severity: 'high', at: 1 });
    emit(decision());
    emit({ type: 'approval-requested', at: 1 });

    expect(
      value(metrics, 'agentry_security_rate_limited_total', {
        action: 'update',
        resource_type: 'agents',
      }),
    ).toBe(2);
    const events = 'agentry_security_events_total';
    expect(value(metrics, events, { category: 'rate-limited', severity: 'medium' })).toBe(2);
    expect(
      value(metrics, events, { category: 'rate-limit-store-unavailable', severity: 'high' }),
    ).toBe(1);
    expect(value(metrics, events, { category: 'access-decision', severity: 'low' })).toBe(1);
    expect(value(metrics, events)).toBe(4);
    expect(metrics.renderPrometheus()).not.toContain('support');
  });

  it('hold at most maxSeriesPerMetric series however many actions arrive', async () => {
    const { metrics, emit } = await measured(3);
    for (let index = 0; index < 50; index += 1) emit(decision({ action: `custom-${index}` }));
    const family = metrics.registry.family('agentry_security_access_decisions_total');
    // Three label sets and the overflow series.
    expect(family?.size).toBe(4);
    expect(value(metrics, 'agentry_security_access_decisions_total')).toBe(50);
    expect(value(metrics, 'agentry_metrics_series_dropped_total')).toBeGreaterThan(0);
  });
});
