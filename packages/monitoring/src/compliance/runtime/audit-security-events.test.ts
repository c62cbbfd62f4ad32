import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  createAgentry,
  definePlugin,
  type Agentry,
  type AuditEntry,
  type InstanceEvent,
  type PluginEvent,
  type PluginHost,
} from '@agentry/core';
import { createMockProvider, providerConfiguration } from '@agentry/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MonitoringConfig } from '../../config/index.js';
import { monitoring } from '../../monitoring.js';
import { auditSecurityEvents } from './audit-security-events.js';

const decision = {
  type: 'security',
  category: 'access-decision',
  severity: 'medium',
  at: Date.parse('2026-12-07T10:00:00.000Z'),
  outcome: 'deny',
  policyIds: ['orders-owner'],
  subject: 'alice',
  action: 'read',
  resource: 'records:order-bob-9',
  reason: 'alice does not own records:order-bob-9',
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
} as const;

describe('auditSecurityEvents', () => {
  it('appends each plug-in security event as a security entry, while its trail is the instance’s sink', async () => {
    const listeners = new Set<(tagged: InstanceEvent) => void>();
    const entries: AuditEntry[] = [];
    let current = true;
    const audited = auditSecurityEvents({
      events$: {
        subscribe(next) {
          listeners.add(next);
          return { unsubscribe: () => listeners.delete(next) };
        },
      },
      trail: { append: (entry) => Promise.resolve(void entries.push(entry)) },
      isCurrentSink: () => current,
      onError: () => undefined,
    });
    const emit = (event: PluginEvent) => {
      for (const next of listeners)
        next({ source: { kind: 'plugin', plugin: '@agentry/security' }, event });
    };
    emit({ ...decision, runId: 'run-1', toolCallId: 'call-2' });
    emit({ type: 'approval-requested', at: 1 });
    emit({ type: 'security', category: 'rate-limit-store-unavailable', severity: 'high', at: 2 });
    current = false; // another plug-in's sink took over: it records what it wants
    emit({ ...decision, outcome: 'allow' });
    await audited.close();
    emit({ ...decision, outcome: 'allow' });

    expect(entries).toEqual([
      {
        at: '2026-12-07T10:00:00.000Z',
        category: 'security',
        action: 'security.access-decision',
        actor: 'alice',
        subject: 'records:order-bob-9',
        details: {
          plugin: '@agentry/security',
          severity: 'medium',
          outcome: 'deny',
          policyIds: ['orders-owner'],
          action: 'read',
          reason: 'alice does not own records:order-bob-9',
          traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
          runId: 'run-1',
          toolCallId: 'call-2',
        },
      },
      {
        at: new Date(2).toISOString(),
        category: 'security',
        action: 'security.rate-limit-store-unavailable',
        details: { plugin: '@agentry/security', severity: 'high' },
      },
    ]);
  });

  it('reports a failed append and goes on with the next event', async () => {
    const listeners = new Set<(tagged: InstanceEvent) => void>();
    const errors: unknown[] = [];
    const entries: AuditEntry[] = [];
    let fail = true;
    const audited = auditSecurityEvents({
      events$: {
        subscribe(next) {
          listeners.add(next);
          return { unsubscribe: () => listeners.delete(next) };
        },
      },
      trail: {
        append: (entry) =>
          fail ? Promise.reject(new Error('disk full')) : Promise.resolve(void entries.push(entry)),
      },
      isCurrentSink: () => true,
      onError: (error) => errors.push(error),
    });
    const emit = () => {
      for (const next of listeners)
        next({ source: { kind: 'plugin', plugin: '@agentry/security' }, event: decision });
    };
    emit();
    fail = false;
    emit();
    await audited.close();
    expect(errors).toHaveLength(1);
    expect(entries).toHaveLength(1);
  });
});

describe('the audit trail of monitoring()', () => {
  const open: Agentry[] = [];
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'agentry-audit-security-'));
  });
  afterEach(async () => {
    for (const agentry of open.splice(0)) await agentry.shutdown();
    rmSync(directory, { recursive: true, force: true });
  });

  const section = (auditTrail: boolean): MonitoringConfig => ({
    metrics: { enabled: true, collectionInterval: 1_000, retentionPeriod: 1, exportFormats: [] },
    logging: {
      level: 'error',
      format: 'json',
      structured: true,
      compliance: { soc2: false, gdpr: false, auditTrail, dataRetention: 30 },
    },
    alerts: [],
    performanceThresholds: {
      maxResponseTime: 60_000,
      maxErrorRate: 100,
      minThroughput: 0,
      maxMemoryUsage: 100,
    },
  });

  async function instance(auditTrail: boolean) {
    let host: PluginHost | undefined;
    // A stand-in for security: it only emits what the test tells it to.
    const emitter = definePlugin({
      name: 'test-security',
      version: '1.0.0',
      setup: (pluginHost) => void (host = pluginHost),
    });
    const plugin = monitoring({
      auditTrail: { file: join(directory, 'audit.jsonl') },
      logging: { destination: new PassThrough() },
      retention: false,
    });
    const agentry = await createAgentry({
      config: {
        ...providerConfiguration({
          type: 'openai',
          model: 'gpt-4o',
          authentication: { type: 'api_key', configuration: { apiKey: '${env:MOCK_KEY}' } },
        }),
        monitoring: section(auditTrail),
      },
      env: { MOCK_KEY: ['mock', randomUUID()].join('-') },
      plugins: [
        { name: 'mock-openai', version: '1.0.0', providers: [createMockProvider({})] },
        emitter,
        plugin,
      ],
    });
    open.push(agentry);
    return { agentry, plugin, emit: (event: PluginEvent) => host?.emit(event) };
  }

  it('receives access decisions, allowed and denied, when the audit trail is on', async () => {
    const { agentry, plugin, emit } = await instance(true);
    emit({ ...decision, outcome: 'allow', severity: 'low', resource: 'records:order-alice-7' });
    emit(decision);
    await agentry.shutdown();
    const trail = plugin.handle.compliance.auditTrail;
    const security = (await trail?.readAuditTrail())?.filter(
      (entry) => entry.category === 'security',
    );
    expect(security).toMatchObject([
      {
        action: 'security.access-decision',
        actor: 'alice',
        subject: 'records:order-alice-7',
        details: { plugin: 'test-security', outcome: 'allow', policyIds: ['orders-owner'] },
      },
      {
        action: 'security.access-decision',
        subject: 'records:order-bob-9',
        details: { outcome: 'deny' },
      },
    ]);
  });

  it('records nothing when the audit trail is off', async () => {
    const { plugin, emit } = await instance(false);
    expect(() => emit(decision)).not.toThrow();
    expect(plugin.handle.compliance.auditTrail).toBeUndefined();
  });
});
