/**
 * Tracing benchmark, against the target of the monitoring work: one agent turn with OpenTelemetry
 * tracing on (through the real SDK, `startOtel` of `@agentry/monitoring-otel`, with a no-op span
 * exporter and a no-op metric exporter) adds at most 15 µs (median) over the same turn without
 * tracing, on an instant model. A bare span start and end on the same SDK is measured in the same
 * run as the floor: a traced turn makes two spans (`invoke_agent`, `chat`), so about twice the
 * floor is the SDK's own share. The same turn with the GenAI client metrics also recorded on the
 * SDK's meter provider (three histogram points a turn) is reported beside it, for information.
 *
 * Method: as agent-overhead.bench.ts, on the built packages under plain `node`: two Agentry
 * instances on the same instant model, one with `installTracing`, one without, called in
 * interleaved batches of 200 turns; each batch records the mean per turn; the figure is the median
 * over batches. Agents are renewed every 20 turns so the conversation stays short.
 */
import { randomUUID } from 'node:crypto';
import { createAgentry, definePlugin, type Agentry, type AgentryPlugin } from '@agentry/core';
import { installTracing } from '@agentry/monitoring/otel';
import { startOtel, type StartOtelOptions } from '@agentry/monitoring-otel';
import { createMockProvider, providerConfiguration } from '@agentry/testing';
import { instantModel, median } from './instant-model.js';

const noopSpans: NonNullable<StartOtelOptions['traceExporter']> = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: () => Promise.resolve(),
};
const noopMetrics: NonNullable<StartOtelOptions['metricExporter']> = {
  export: (_metrics, done) => done({ code: 0 }),
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

const otel = startOtel({
  serviceName: 'bench',
  traceExporter: noopSpans,
  metricExporter: noopMetrics,
  registerGlobal: false,
});

function instance(plugins: AgentryPlugin[]): Promise<Agentry> {
  return createAgentry({
    config: providerConfiguration({
      type: 'openai',
      model: 'instant',
      authentication: { type: 'api_key', configuration: { apiKey: '${env:BENCH_KEY}' } },
    }),
    env: { BENCH_KEY: ['mock', randomUUID()].join('-') },
    plugins: [
      {
        name: 'bench-model',
        version: '1.0.0',
        providers: [createMockProvider({ model: instantModel })],
      },
      ...plugins,
    ],
  });
}

const plain = await instance([]);
const tracing = (withMetrics: boolean) =>
  definePlugin({
    name: 'bench-tracing',
    version: '1.0.0',
    setup: (host) =>
      void installTracing(host, {
        tracerProvider: otel.tracerProvider,
        // Without one, the global meter provider: no global is registered, so the API's no-op.
        ...(withMetrics ? { meterProvider: otel.meterProvider } : {}),
      }),
  });
// Spans only (the target), and spans with the GenAI client metrics on the SDK's meter provider.
const traced = await instance([tracing(false)]);
const tracedWithMetrics = await instance([tracing(true)]);

/** Wall-clock and CPU microseconds per turn (CPU time is the steadier on a shared machine). */
async function turns(agentry: Agentry, calls: number): Promise<{ wall: number; cpu: number }> {
  let agent = agentry.createAgent();
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let index = 0; index < calls; index += 1) {
    if (index % 20 === 19) agent = agentry.createAgent();
    const result = await agent.send('hi');
    if (result.text !== 'ok') throw new Error('unexpected answer');
  }
  const used = process.cpuUsage(cpu);
  return {
    wall: Number(process.hrtime.bigint() - started) / 1000 / calls,
    cpu: (used.user + used.system) / calls,
  };
}

const tracer = otel.tracerProvider.getTracer('bench');
function bareSpans(count: number): number {
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) tracer.startSpan('bare').end();
  return Number(process.hrtime.bigint() - started) / 1000 / count;
}

const batches = Number(process.env['BENCH_BATCHES'] ?? 40);
for (let warm = 0; warm < Math.ceil(batches * 1.5); warm += 1) {
  await turns(plain, 200);
  await turns(traced, 200);
  await turns(tracedWithMetrics, 200);
  bareSpans(200);
}
const plainTimes: number[] = [];
const tracedTimes: number[] = [];
const plainCpu: number[] = [];
const tracedCpu: number[] = [];
const spanTimes: number[] = [];
const withMetricsTimes: number[] = [];
for (let batch = 0; batch < batches; batch += 1) {
  const without = await turns(plain, 200);
  const withTracing = await turns(traced, 200);
  withMetricsTimes.push((await turns(tracedWithMetrics, 200)).wall);
  plainTimes.push(without.wall);
  tracedTimes.push(withTracing.wall);
  plainCpu.push(without.cpu);
  tracedCpu.push(withTracing.cpu);
  spanTimes.push(bareSpans(200));
}
await Promise.all([plain.shutdown(), traced.shutdown(), tracedWithMetrics.shutdown()]);
await otel.shutdown();

const overhead = median(tracedTimes) - median(plainTimes);
const floor = median(spanTimes);
const rows = [
  ['traced turn overhead (median, µs)', overhead.toFixed(2), '<= 15', overhead <= 15],
  ['  turn without tracing (median, µs)', median(plainTimes).toFixed(2), '', true],
  ['  turn with tracing (median, µs)', median(tracedTimes).toFixed(2), '', true],
  [
    '  CPU overhead per turn (median, µs)',
    (median(tracedCpu) - median(plainCpu)).toFixed(2),
    '',
    true,
  ],
  [
    '  with GenAI metrics too (median, µs)',
    (median(withMetricsTimes) - median(plainTimes)).toFixed(2),
    'information',
    true,
  ],
  ['  bare span start+end (floor, µs)', floor.toFixed(2), '', true],
  ['  SDK share: 2 spans (µs)', (2 * floor).toFixed(2), '', true],
] as const;
for (const [name, value, target, ok] of rows)
  console.log(`${ok ? 'ok  ' : 'MISS'} ${name.padEnd(36)} ${value.padStart(10)}  ${target}`);
if (rows.some(([, , , ok]) => !ok)) process.exitCode = 1;
