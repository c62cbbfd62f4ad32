/**
 * Metrics benchmarks (`@agentry/monitoring`), against the targets of the monitoring work:
 * 1. an agent turn with metrics on and the Prometheus exporter registered adds at most 3 µs
 *    (median) over the same turn on the same instance set-up without them;
 * 2. a Prometheus scrape of 10,000 series renders in at most 50 ms (median of repeated scrapes;
 *    the first scrape, which builds each series' line prefixes, is reported beside it);
 * 3. retention of 24 hours at a 10 s interval for 100 agents x 5 models stays under 50 MB of heap.
 *
 * Method: the compiled benchmark runs on the built packages under plain `node --expose-gc`.
 * (1) Three Agentry instances on the same instant in-process model (it streams one text part and
 * ends): one with `monitoring()` installed as a user would (metrics on, the Prometheus exporter
 * serving on a port, logging at warn, no alerts), one without, and as the
 * floor one whose plug-in subscribes a no-op to `events$` (what any subscriber makes agents pay
 * core for delivering their events); batches of 200 turns (20 on each of 10 agents made before
 * the clock starts) rotate between them, each batch records the mean per turn, and the figures
 * are medians over batches of the differences. What an agent's life adds beyond its turns (its
 * series are made on its first events) is measured apart, on agents each made, sent one turn and
 * shut down, and reported per agent. (2) A registry holding 5,000 counter series and 5,000 histogram series (14 buckets each) is rendered 30 times.
 * (3) The collector is fed a simulated day: 100 agents, each taking one turn per minute on one of
 * its 5 models in turn (every (agent, model) pair is used), the clock advanced through 8,640
 * intervals, the events exactly those of an agent turn; the figure is the growth of the heap plus
 * array buffers (closed buckets are typed arrays) after GC, with the handle alive. Memory is proportional to the (series, interval) pairs written, so the
 * packed bytes are reported too, for other loads; so is the collector's own time per replayed turn
 * (the events made, delivered and recorded, without an agent), a steadier figure than (1) on a
 * loaded machine.
 */
import {
  createAgentry,
  definePlugin,
  type Agentry,
  type InstanceEvent,
  type PluginHost,
} from '@agentry/core';
import {
  createMetricsRegistry,
  installMetrics,
  monitoring,
  renderPrometheusText,
  type MonitoringConfig,
} from '@agentry/monitoring';
import { createMockProvider, providerConfiguration } from '@agentry/testing';
import { heapAfterGc, instantModel, median } from './instant-model.js';

async function instance(side: 'bare' | 'listener' | 'metrics'): Promise<Agentry> {
  // The floor: a plug-in whose events$ subscriber does nothing, so that agents deliver events.
  const listener = definePlugin({
    name: 'bench-listener',
    version: '1.0.0',
    setup: (host) => void host.events$.subscribe(() => undefined),
  });
  // The whole plug-in as a user installs it: metrics on with the Prometheus exporter serving,
  // logging (at warn: nothing per turn), alerts evaluated on their timer, no audit trail.
  const section: MonitoringConfig = {
    metrics: {
      enabled: true,
      collectionInterval: 10_000,
      retentionPeriod: 24,
      exportFormats: ['prometheus'],
    },
    logging: {
      level: 'warn',
      format: 'json',
      structured: true,
      compliance: { soc2: false, gdpr: false, auditTrail: false, dataRetention: 30 },
    },
    alerts: [],
    performanceThresholds: {
      maxResponseTime: 5_000,
      maxErrorRate: 5,
      minThroughput: 0,
      maxMemoryUsage: 90,
    },
  };
  const config = providerConfiguration({
    type: 'openai',
    model: 'instant',
    authentication: { type: 'api_key', configuration: { apiKey: '${env:BENCH_KEY}' } },
  });
  return createAgentry({
    config: side === 'metrics' ? { ...config, monitoring: section } : config,
    env: { BENCH_KEY: ['mock', 'bench', 'key', String(process.pid)].join('-') },
    plugins: [
      {
        name: 'bench-provider',
        version: '1.0.0',
        providers: [createMockProvider({ model: instantModel })],
      },
      ...(side === 'metrics'
        ? [monitoring({ metrics: { prometheus: { port: 0 } }, retention: false })]
        : side === 'listener'
          ? [listener]
          : []),
    ],
  });
}

/**
 * Microseconds per turn over `count` turns, 20 on each agent (so histories stay short). The agents
 * are made before the clock starts and shut down after it stops, so the figure is the turns' cost
 * alone; what an agent's set-up costs is measured by `setUps`.
 */
async function turns(agentry: Agentry, count: number): Promise<number> {
  const agents = Array.from({ length: Math.ceil(count / 20) }, () => agentry.createAgent({}));
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) {
    const result = await agents[Math.floor(index / 20)]!.send('hi');
    if (result.text !== 'ok') throw new Error('unexpected answer');
  }
  const perTurn = Number(process.hrtime.bigint() - started) / 1000 / count;
  await Promise.all(agents.map((agent) => agent.shutdown()));
  return perTurn;
}

/**
 * Microseconds per agent for `count` agents each made, sent one turn and shut down: what an
 * agent's life costs beyond its turns (monitoring makes the agent's series on its first events).
 */
async function setUps(agentry: Agentry, count: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) {
    const agent = agentry.createAgent({});
    const result = await agent.send('hi');
    if (result.text !== 'ok') throw new Error('unexpected answer');
    await agent.shutdown();
  }
  return Number(process.hrtime.bigint() - started) / 1000 / count;
}

async function turnOverhead() {
  const sides = [await instance('bare'), await instance('listener'), await instance('metrics')];
  for (let warm = 0; warm < 40; warm += 1) for (const side of sides) await turns(side, 200);
  const times: number[][] = [[], [], []];
  const lives: number[][] = [[], [], []];
  for (let batch = 0; batch < 40; batch += 1) {
    // Which side goes first rotates, so none always runs on a warmer machine.
    for (let offset = 0; offset < 3; offset += 1) {
      const index = (batch + offset) % 3;
      times[index]!.push(await turns(sides[index]!, 200));
      lives[index]!.push(await setUps(sides[index]!, 20));
    }
  }
  for (const side of sides) await side.shutdown();
  const [bare, listener, measured] = times as [number[], number[], number[]];
  const [bareLife, , measuredLife] = lives as [number[], number[], number[]];
  return {
    bare: median(bare),
    measured: median(measured),
    overhead: median(measured.map((time, index) => time - bare[index]!)),
    listenerOverhead: median(listener.map((time, index) => time - bare[index]!)),
    collector: median(measured.map((time, index) => time - listener[index]!)),
    // An agent's life (made, one turn, shut down) with metrics, less the same without and less
    // one turn's overhead: what monitoring adds per agent, mostly the agent's series.
    perAgent:
      median(measuredLife.map((time, index) => time - bareLife[index]!)) -
      median(measured.map((time, index) => time - bare[index]!)),
  };
}

function scrape() {
  const registry = createMetricsRegistry({
    collectionInterval: 10_000,
    retentionPeriod: 24,
    maxSeriesPerMetric: 10_000,
  });
  const requests = registry.counter({
    name: 'bench_requests_total',
    help: 'Requests.',
    labelNames: ['agent', 'model'],
  });
  const latency = registry.histogram({
    name: 'bench_request_duration_seconds',
    help: 'Latency.',
    labelNames: ['agent', 'model'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  });
  for (let agent = 0; agent < 1_000; agent += 1) {
    for (let model = 0; model < 5; model += 1) {
      const labels = [`agent-${agent}`, `openai:model-${model}`];
      requests.series(labels).add(agent + model);
      latency.series(labels).observe((agent % 100) / 10);
    }
  }
  const time = () => {
    const started = process.hrtime.bigint();
    const text = renderPrometheusText(registry);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (!text.includes('bench_requests_total{agent="agent-999",model="openai:model-4"} 1003\n'))
      throw new Error('scrape is missing a series');
    return { ms, bytes: text.length };
  };
  const first = time();
  const times: number[] = [];
  for (let round = 0; round < 30; round += 1) times.push(time().ms);
  return {
    series: requests.size + latency.size,
    first: first.ms,
    median: median(times),
    bytes: first.bytes,
  };
}

async function retention() {
  const INTERVAL = 10_000;
  const INTERVALS = 8_640; // 24 h
  const AGENTS = 100;
  const MODELS = 5;
  const start = 1_800_000_000_000;
  const clock = { now: start };
  let deliver: (tagged: InstanceEvent) => void = () => undefined;
  const host = {
    config: {},
    onShutdown: () => undefined,
    events$: {
      subscribe: (next: (tagged: InstanceEvent) => void) => {
        deliver = next;
        return { unsubscribe: () => undefined };
      },
    } as unknown as PluginHost['events$'],
  };
  // Closed buckets are typed arrays, whose bytes are outside the JS heap: both are counted.
  const used = () => heapAfterGc() + process.memoryUsage().arrayBuffers;
  const before = used();
  const metrics = await installMetrics(
    host,
    { enabled: true, collectionInterval: INTERVAL, retentionPeriod: 24, exportFormats: [] },
    { now: () => clock.now },
  );
  let turn = 0;
  const started = process.hrtime.bigint();
  for (let interval = 0; interval < INTERVALS; interval += 1) {
    // Inside the interval's bucket whatever the turns' own durations (a few milliseconds here).
    clock.now = start + (interval + 1) * INTERVAL;
    // One turn per agent per minute: a sixth of the agents in each 10 s interval.
    for (let agent = interval % 6; agent < AGENTS; agent += 6) {
      turn += 1;
      const source = { kind: 'agent', agentId: `agent-${agent}`, sessionId: 's' } as const;
      const model = `openai:model-${Math.floor(interval / 6) % MODELS}`;
      const runId = `run-${turn}`;
      const usage = { inputTokens: 120, outputTokens: 40, totalTokens: 160, cachedInputTokens: 20 };
      deliver({ source, event: { type: 'run-start', runId, message: undefined } });
      deliver({ source, event: { type: 'step-start', runId, step: 1 } });
      deliver({ source, event: { type: 'model-request', runId, step: 1, model, attempt: 1 } });
      clock.now += 1;
      deliver({ source, event: { type: 'text-delta', runId, step: 1, delta: 'ok' } });
      clock.now += 1;
      deliver({
        source,
        event: { type: 'step-end', runId, step: 1, model, finishReason: 'stop', usage },
      });
      deliver({
        source,
        event: { type: 'run-end', runId, text: 'ok', usage, stepCount: 1, steps: 1 },
      });
    }
  }
  const replayUs = Number(process.hrtime.bigint() - started) / 1000 / turn;
  metrics.sample();
  const after = used();
  const ring = metrics.registry.ring.footprint();
  const day = metrics.query({ name: 'agentry_model_requests_total', window: 24 * 3_600_000 });
  if (day.value !== turn)
    throw new Error(`expected ${turn} requests in the window, got ${day.value}`);
  await metrics.close();
  return { mb: (after - before) / 1024 / 1024, turns: turn, ring, replayUs };
}

if (!globalThis.gc) throw new Error('Run with node --expose-gc (the bench script does).');
const memory = await retention();
const scraped = scrape();
const turn = await turnOverhead();

const rows = [
  ['turn overhead with metrics (median, µs)', turn.overhead.toFixed(2), '<= 3', turn.overhead <= 3],
  ['  of which events$ delivery (core, µs)', turn.listenerOverhead.toFixed(2), '', true],
  ['  of which the metrics collector (µs)', turn.collector.toFixed(2), '', true],
  ['  turn without metrics (median, µs)', turn.bare.toFixed(2), '', true],
  ['  turn with metrics (median, µs)', turn.measured.toFixed(2), '', true],
  ['  per agent made, beyond its turns (µs)', turn.perAgent.toFixed(1), '', true],
  [
    `scrape of ${scraped.series} series (median, ms)`,
    scraped.median.toFixed(2),
    '<= 50',
    scraped.median <= 50,
  ],
  ['  first scrape (ms)', scraped.first.toFixed(2), '', true],
  ['  scrape size (KB)', (scraped.bytes / 1024).toFixed(0), '', true],
  ['24 h at 10 s, 100 agents x 5 models (MB)', memory.mb.toFixed(1), '< 50', memory.mb < 50],
  ['  turns replayed', String(memory.turns), '', true],
  ['  collector alone, per replayed turn (µs)', memory.replayUs.toFixed(2), '', true],
  ['  ring: closed buckets held', String(memory.ring.buckets), '', true],
  ['  ring: packed bytes (MB)', (memory.ring.bytes / 1024 / 1024).toFixed(1), '', true],
] as const;
for (const [name, value, target, ok] of rows)
  console.log(`${ok ? 'ok  ' : 'MISS'} ${name.padEnd(42)} ${value.padStart(10)}  ${target}`);
if (rows.some(([, , , ok]) => !ok)) process.exitCode = 1;
