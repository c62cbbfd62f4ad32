/**
 * The monitoring demo: an agent on OpenAI (the local emulator unless OPENAI_API_KEY is set) under
 * the monitoring plug-in: a turn with a tool, a failing turn, then a Prometheus scrape, the span
 * tree, a signed error alert to a local webhook, and the audit trail.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { AgentryError, createAgentry, defineTool, type Agentry } from '@agentry/core';
import { monitoring, type MonitoringConfig } from '@agentry/monitoring';
import { startOtel } from '@agentry/monitoring-otel';
import { openaiModels, openaiPlugin } from '@agentry/openai';
import { providerConfiguration, startEmulator, type Emulator } from '@agentry/testing';
import { AggregationTemporality, InMemoryMetricExporter } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { spanTree } from './span-tree.js';
import { startWebhookReceiver } from './webhook-receiver.js';

const dim = (text: string) => `\x1b[2m${text}\x1b[0m`;
const bold = (text: string) => `\x1b[1m${text}\x1b[0m`;
const say = (line: string) => console.log(line);

const model = openaiModels.find((info) => info.name === 'gpt-5.4-mini');
if (!model) throw new Error('gpt-5.4-mini is not in the OpenAI catalogue.');
const realKey = process.env.OPENAI_API_KEY;
// The script: a tool call, the answer; then every later request fails with a 503.
const emulator: Emulator | undefined = realKey
  ? undefined
  : await startEmulator({
      turns: [
        { toolCalls: [{ name: 'get_weather', arguments: '{"city":"Lisbon"}' }] },
        { text: 'It is 21 °C and sunny in Lisbon.' },
      ],
      defaultTurn: { kind: 'error', status: 503, message: 'The server is overloaded.' },
    });
// Throwaway values of the right shapes, made at run time: the emulator's key, the webhook secret.
const apiKey = realKey ?? `sk-proj-${randomBytes(48).toString('hex').slice(0, 64)}`;
const webhookSecret = randomBytes(32).toString('base64url');
const directory = mkdtempSync(join(tmpdir(), 'agentry-monitoring-demo-'));
const auditFile = join(directory, 'audit.jsonl');
const logFile = join(directory, 'agentry.log');

const getWeather = defineTool({
  name: 'get_weather',
  description: 'The current weather in a city: temperature in °C and the sky.',
  input: z.object({ city: z.string().describe('The city, such as Lisbon.') }),
  execute: ({ city }) => ({ city, celsius: 21, sky: 'sunny', source: 'demo data' }),
});

const monitoringSection = (url: string): MonitoringConfig => ({
  metrics: {
    enabled: true,
    collectionInterval: 1_000,
    retentionPeriod: 1,
    exportFormats: ['prometheus', 'otlp'],
  },
  logging: {
    level: 'info',
    format: 'json',
    structured: true,
    compliance: { soc2: false, gdpr: false, auditTrail: true, dataRetention: 30 },
  },
  alerts: [
    {
      type: 'error',
      threshold: 10,
      severity: 'high',
      // The secret is a reference, resolved from createAgentry's env: never in the configuration.
      channels: [
        { type: 'webhook', configuration: { url, secret: '${env:ALERT_WEBHOOK_SECRET}' } },
      ],
    },
  ],
  performanceThresholds: {
    maxResponseTime: 60_000,
    maxErrorRate: 100,
    minThroughput: 0,
    maxMemoryUsage: 100,
  },
});

const spans = new InMemorySpanExporter();
const otel = startOtel({
  serviceName: 'monitoring-demo',
  traceExporter: spans,
  metricExporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
});
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>> | undefined;
let agentry: Agentry | undefined;
try {
  receiver = await startWebhookReceiver(webhookSecret, (alert, deliveryId) => {
    say(`  webhook received ${dim(deliveryId)}: ${bold(alert.title)} ✓ signature valid`);
    say(dim(`  ${alert.status}, ${alert.severity}, ${alert.condition}, over ${alert.windowMs} ms`));
  });
  const plugin = monitoring({
    metrics: { prometheus: { port: 0 } },
    tracing: { tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider },
    logging: { destination: logFile },
    auditTrail: { file: auditFile },
    retention: false,
    // Judged when evaluate() is called below; one request is enough; one delivery attempt.
    alerts: { minRequests: 1, intervalMs: 3_600_000, delivery: { maxAttempts: 1 } },
  });
  agentry = await createAgentry({
    config: {
      ...providerConfiguration({
        type: 'openai',
        model: model.name,
        capabilities: model.capabilities,
        ...(emulator ? { endpoint: emulator.baseURL('openai-responses') } : {}),
        authentication: { type: 'api_key', configuration: { apiKey: '${env:OPENAI_API_KEY}' } },
      }),
      monitoring: monitoringSection(receiver.url),
    },
    env: { OPENAI_API_KEY: apiKey, ALERT_WEBHOOK_SECRET: webhookSecret },
    plugins: [openaiPlugin(), plugin],
    resilience: {
      retry: { maxAttempts: 2, baseDelay: 100, maxDelay: 200, jitter: false, strategy: 'fixed' },
    },
  });
  const agent = agentry.createAgent({
    instructions: 'You answer briefly. Use the tool for the weather; never guess it.',
    tools: [getWeather],
  });

  const where = emulator ? 'the local emulator' : 'the real API';
  say(`${bold('Turn 1')} ${dim(`openai:${model.name} on ${where}, with a tool`)}`);
  say(`  ${(await agent.send('What is the weather in Lisbon?')).text}`);
  say(`${bold('Turn 2')} ${dim(emulator ? 'the emulator answers 503 to every attempt' : '')}`);
  try {
    say(`  ${(await agent.send('And tomorrow?')).text}`);
  } catch (error) {
    if (!AgentryError.isInstance(error)) throw error;
    say(`  ✗ ${error.code}: ${error.message}`);
  }

  const { metrics, alerts } = plugin.handle;
  say(`\n${bold('Prometheus scrape')} ${dim(metrics.prometheusUrl ?? '')}`);
  const scrape = await (await fetch(metrics.prometheusUrl!)).text();
  const shown =
    /^agentry_(model_requests|model_errors|model_tokens|tool_calls)_total\{|^agentry_model_request_duration_seconds_count\{/;
  for (const line of scrape.split('\n').filter((entry) => shown.test(entry))) say(dim(`  ${line}`));

  await otel.forceFlush();
  say(`\n${bold('Span tree')} ${dim('(OpenTelemetry, from startOtel)')}`);
  for (const line of spanTree(spans.getFinishedSpans())) say(dim(`  ${line}`));

  say(`\n${bold('Alerts')} ${dim('evaluate() now; deliveries go to the local webhook')}`);
  const evaluation = await alerts.evaluate();
  if (evaluation.notifications.length === 0) say('  no alert: every condition is within bounds');
  for (const failure of evaluation.failures) {
    say(`  ✗ delivery to ${failure.channel} failed: ${failure.message}`);
    process.exitCode = 1;
  }

  await agentry.shutdown();
  agentry = undefined;
  say(`\n${bold('Audit trail')} ${dim('the actions in audit.jsonl, after shutdown')}`);
  for (const line of readFileSync(auditFile, 'utf8').trim().split('\n')) {
    const entry = JSON.parse(line) as { action: string; subject?: string };
    say(dim(`  ${entry.action}${entry.subject ? ` ${entry.subject}` : ''}`));
  }
  const logLines = readFileSync(logFile, 'utf8').trim().split('\n').length;
  say(`\n${dim(`${logLines} JSON log lines in agentry.log (a temporary directory)`)}`);
} catch (error) {
  if (!AgentryError.isInstance(error)) throw error;
  console.error(`\n${error.code}: ${error.message}`);
  for (const suggestion of error.suggestions) console.error(`  - ${suggestion}`);
  process.exitCode = 1;
} finally {
  await agentry?.shutdown();
  await otel.shutdown();
  await receiver?.close();
  await emulator?.close();
  rmSync(directory, { recursive: true, force: true });
}
