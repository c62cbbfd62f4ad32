import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { z } from 'zod';
import {
  AgentryError,
  createAgentry,
  defineTool,
  verifyWebhook,
  type Agentry,
} from '@agentry/core';
import {
  createMockModel,
  createMockProvider,
  mockError,
  mockText,
  mockToolCall,
  providerConfiguration,
} from '@agentry/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  startLoopbackReceiver,
  type LoopbackReceiver,
} from './alerts/__fixtures__/loopback-receiver.js';
import type { MonitoringConfig } from './config/index.js';
import { monitoring, type MonitoringOptions } from './index.js';

// monitoring() in a real instance, with no code but the configuration and the plug-in's options:
// every part runs (logs, metrics, Prometheus, JSON lines, OpenTelemetry, alerts, audit trail) and
// a secret that reaches a tool argument leaves the process through none of them.

const open: Agentry[] = [];
let directory: string;
let webhook: LoopbackReceiver;
const webhookSecret = randomUUID();
beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), 'agentry-monitoring-'));
  webhook = await startLoopbackReceiver();
});
afterEach(async () => {
  for (const agentry of open.splice(0)) await agentry.shutdown();
  await webhook.close();
  rmSync(directory, { recursive: true, force: true });
});

function section(patch: Partial<MonitoringConfig> = {}): MonitoringConfig {
  return {
    metrics: {
      enabled: true,
      collectionInterval: 1_000,
      retentionPeriod: 1,
      exportFormats: ['prometheus', 'otlp', 'json'],
    },
    logging: {
      level: 'debug',
      format: 'json',
      structured: true,
      // The audit trail on its own: SOC 2 and GDPR would also want @agentry/security installed.
      compliance: { soc2: false, gdpr: false, auditTrail: true, dataRetention: 30 },
    },
    alerts: [
      {
        type: 'error',
        threshold: 10,
        severity: 'high',
        channels: [
          {
            type: 'webhook',
            configuration: { url: `${webhook.url}/hooks`, secret: webhookSecret },
          },
        ],
      },
    ],
    performanceThresholds: {
      maxResponseTime: 60_000,
      maxErrorRate: 100,
      minThroughput: 0,
      maxMemoryUsage: 100,
    },
    ...patch,
  };
}

const mockConfiguration = () =>
  providerConfiguration({
    type: 'openai',
    model: 'gpt-4o',
    authentication: { type: 'api_key', configuration: { apiKey: '${env:MOCK_KEY}' } },
  });
const mockProvider = (model = createMockModel({ modelId: 'gpt-4o' })) => ({
  name: 'mock-openai',
  version: '1.0.0',
  providers: [createMockProvider({ createModel: { 'gpt-4o': model } })],
});

async function monitored(patch: Partial<MonitoringConfig> = {}, extra: MonitoringOptions = {}) {
  // A key of a provider's shape, made at run time, that the model puts into a tool argument.
  const leaked = ['sk', 'proj', randomUUID().replaceAll('-', '')].join('-');
  const logs = new PassThrough();
  const lines: string[] = [];
  logs.on('data', (chunk: Buffer) =>
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)),
  );
  const json = new PassThrough();
  const samples: string[] = [];
  json.on('data', (chunk: Buffer) => samples.push(chunk.toString('utf8')));
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const model = createMockModel({
    modelId: 'gpt-4o',
    script: [
      mockToolCall('lookup', { query: 'weather', apiKey: leaked }),
      mockText('Sunny.'),
      { error: mockError('provider_unavailable', 'Down.') },
    ],
  });
  const auditFile = join(directory, 'audit.jsonl');
  const plugin = monitoring({
    metrics: { prometheus: { port: 0 }, json: { stream: json } },
    logging: { destination: logs },
    // Content on: tool arguments reach the spans, where the key must arrive masked.
    tracing: { tracerProvider, captureContent: true },
    auditTrail: { file: auditFile },
    retention: false,
    alerts: { minRequests: 1, intervalMs: 3_600_000, delivery: { maxAttempts: 1 } },
    ...extra,
  });
  const agentry = await createAgentry({
    config: { ...mockConfiguration(), monitoring: section(patch) },
    env: { MOCK_KEY: ['mock', randomUUID()].join('-') },
    plugins: [mockProvider(model), plugin],
    resilience: {
      retry: { maxAttempts: 1, baseDelay: 1, maxDelay: 1, jitter: false, strategy: 'fixed' },
    },
  });
  open.push(agentry);
  const lookup = defineTool({
    name: 'lookup',
    description: 'Looks a query up.',
    input: z.object({ query: z.string(), apiKey: z.string() }),
    execute: ({ query }) => ({ query, answer: 'sunny' }),
  });
  return {
    agentry,
    plugin,
    leaked,
    lines,
    samples,
    spans: () => exporter.getFinishedSpans(),
    auditFile,
    lookup,
  };
}

describe('monitoring() in a running instance', () => {
  it('measures, exports, logs, traces, alerts and audits a run, and leaks a secret through none of them', async () => {
    const run = await monitored();
    const { agentry, plugin, leaked } = run;
    const agent = agentry.createAgent({ tools: [run.lookup], context: { userId: 'user-1' } });
    expect((await agent.send('Weather?')).text).toBe('Sunny.');
    await expect(agent.send('Again?')).rejects.toThrow(AgentryError);

    // Metrics, scraped over HTTP from the exporter's own server.
    const { metrics, alerts } = plugin.handle;
    const url = metrics.prometheusUrl;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const scrape = await (await fetch(url!)).text();
    expect(scrape).toMatch(
      /^agentry_model_requests_total\{agent="[^"]+",model="openai:gpt-4o"\} 3$/m,
    );
    expect(scrape).toMatch(/^agentry_tool_calls_total\{agent="[^"]+",tool="lookup"\} 1$/m);
    expect(scrape).toMatch(
      /^agentry_model_errors_total\{[^}]*code="provider_unavailable"[^}]*\} 1$/m,
    );

    // Spans: one agent invocation per turn, with its chat and tool spans under it.
    const names = run.spans().map((span) => span.name);
    expect(names.filter((name) => name.startsWith('invoke_agent'))).toHaveLength(2);
    expect(names.filter((name) => name === 'chat gpt-4o')).toHaveLength(3);
    expect(names).toContain('execute_tool lookup');

    // Logs: JSON lines from pino, carrying the agent and run.
    const parsed = run.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(
      parsed.some((line) => line['agentId'] === agent.id && typeof line['runId'] === 'string'),
    ).toBe(true);

    // One error in three requests is 33%: above the threshold of 10%, so the alert fires once.
    const evaluation = await alerts.evaluate();
    expect(evaluation.notifications.map((notice) => notice.status)).toEqual(['fired']);
    expect(webhook.requests).toHaveLength(1);
    const delivered = webhook.requests[0]!;
    expect(
      verifyWebhook({
        body: delivered.body,
        header: String(delivered.headers['x-agentry-signature']),
        secret: webhookSecret,
      }).format,
    ).toBe('v1');
    expect((await alerts.evaluate()).notifications).toEqual([]);

    // GDPR erasure of the user is audited; the audit trail holds set-up, configuration and alert.
    const erased = await agentry.erase({ userId: 'user-1' });
    expect(erased.userId).toBe('user-1');
    await agentry.shutdown();
    const audit = readFileSync(run.auditFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { action: string });
    const actions = audit.map((entry) => entry.action);
    expect(actions).toEqual(
      expect.arrayContaining(['configuration.change', 'plugin.setup', 'data.erase']),
    );
    expect(actions.some((action) => action.startsWith('alert.'))).toBe(true);

    // The secret in the tool argument: in no log line, span, sample, alert or audit entry.
    const everything = [
      ...run.lines,
      JSON.stringify(run.spans().map((span) => [span.name, span.attributes, span.events])),
      ...run.samples,
      scrape,
      ...webhook.requests.map((request) => request.body),
      readFileSync(run.auditFile, 'utf8'),
    ].join('\n');
    expect(everything).toContain('weather'); // the argument beside it did get through
    expect(everything).not.toContain(leaked);
  });

  it('runs the first retention purge once the instance is whole, and audits it', async () => {
    const run = await monitored({}, { retention: {} });
    await vi.waitFor(() =>
      expect(readFileSync(run.auditFile, 'utf8')).toContain('"action":"data.purge"'),
    );
    expect(run.plugin.handle.compliance.failedPurges()).toBe(0);
    expect(run.lines.join('\n')).not.toContain('retention purge failed');
  });

  it('does nothing at run time without a monitoring section, and says so when the handle is read', async () => {
    const plugin = monitoring();
    const agentry = await createAgentry({
      config: mockConfiguration(),
      env: { MOCK_KEY: ['mock', randomUUID()].join('-') },
      plugins: [mockProvider(), plugin],
    });
    open.push(agentry);
    expect(() => plugin.handle).toThrow(expect.objectContaining({ code: 'invalid_transition' }));
  });

  it('fails createAgentry when an alert judges metrics that are switched off, naming the alert', async () => {
    await expect(
      monitored({
        metrics: {
          enabled: false,
          collectionInterval: 1_000,
          retentionPeriod: 1,
          exportFormats: [],
        },
      }),
    ).rejects.toThrow(
      /monitoring\.alerts\[0\] judge metrics, but monitoring\.metrics\.enabled is false/,
    );
  });

  it('fails createAgentry when the Prometheus port is taken, and starts nothing else', async () => {
    const first = await monitored();
    const port = Number(new URL(first.plugin.handle.metrics.prometheusUrl!).port);
    const attempt = monitored({}, { metrics: { prometheus: { port } } });
    await expect(attempt).rejects.toThrow(AgentryError);
    await expect(attempt).rejects.toMatchObject({ code: 'plugin_setup_failed' });
  });

  it('refuses a second instance for the same plug-in object', async () => {
    const run = await monitored();
    await expect(
      createAgentry({
        config: { ...mockConfiguration(), monitoring: section() },
        env: { MOCK_KEY: ['mock', randomUUID()].join('-') },
        plugins: [mockProvider(), run.plugin],
      }),
    ).rejects.toThrow(/already set up in another Agentry instance/);
  });
});
