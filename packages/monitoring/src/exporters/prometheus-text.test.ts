import { execFileSync, spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { AgentryError } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptedAgentry } from '../metrics/__fixtures__/scripted-agentry.js';
import { createMetricsRegistry } from '../metrics/metrics-registry.js';
import { createPrometheusHandler, startPrometheusServer } from './prometheus-server.js';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheusText } from './prometheus-text.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

function hasPromtool(): boolean {
  return spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
}
// promtool is required wherever apt-get could install it (.ci/run does): there a missing promtool
// fails the checks; only a machine without apt-get skips them, loudly.
const promtool = hasPromtool();
const apt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
const skipPromtool = !promtool && !apt;
if (skipPromtool) {
  console.warn(
    '\n!!! promtool is not installed and apt-get is unavailable: the promtool check of the Prometheus output is SKIPPED. Install the Debian package prometheus to run it.\n',
  );
}

/** Runs the real `promtool check metrics` on a scrape: its lint findings, or '' when clean. */
function checkMetrics(text: string): string {
  if (!promtool)
    throw new Error(
      'promtool is not installed, and apt-get is: run `apt-get install -y prometheus` (.ci/run does).',
    );
  try {
    return execFileSync('promtool', ['check', 'metrics'], {
      input: text,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return `${failed.stdout ?? ''}${failed.stderr ?? ''}` || String(error);
  }
}

async function get(
  url: string,
  method = 'GET',
): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const call = request(url, { method }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, type: response.headers['content-type'], body }),
      );
    });
    call.on('error', reject);
    call.end();
  });
}

async function scripted(
  options: Parameters<typeof scriptedAgentry>[1] = {},
): Promise<Awaited<ReturnType<typeof scriptedAgentry>> & { agent: string }> {
  const made = await scriptedAgentry({}, options);
  open.push({ close: () => made.agentry.shutdown() });
  const agent = (await made.play()).split(':')[0]!;
  return { ...made, agent };
}

describe('renderPrometheusText', () => {
  it('renders HELP and TYPE, labels, cumulative histogram buckets, _sum and _count', () => {
    const registry = createMetricsRegistry({
      collectionInterval: 1_000,
      retentionPeriod: 1,
      now: () => 0,
    });
    registry
      .counter({ name: 'jobs_total', help: 'Jobs run.', labelNames: ['queue'] })
      .series(['mail'])
      .add(2);
    const latency = registry
      .histogram({ name: 'latency_seconds', help: 'Latency.', buckets: [0.1, 1] })
      .series([]);
    latency.observe(0.05);
    latency.observe(0.5);
    latency.observe(7);
    registry.gauge({ name: 'unused_bytes', help: 'Never set.' });
    expect(renderPrometheusText(registry)).toBe(
      [
        '# HELP jobs_total Jobs run.',
        '# TYPE jobs_total counter',
        'jobs_total{queue="mail"} 2',
        '# HELP latency_seconds Latency.',
        '# TYPE latency_seconds histogram',
        'latency_seconds_bucket{le="0.1"} 1',
        'latency_seconds_bucket{le="1"} 2',
        'latency_seconds_bucket{le="+Inf"} 3',
        'latency_seconds_sum 7.55',
        'latency_seconds_count 3',
        '',
      ].join('\n'),
    );
  });

  it('escapes backslashes, quotes and line feeds in label values and help', () => {
    const registry = createMetricsRegistry({ collectionInterval: 1_000, retentionPeriod: 1 });
    registry
      .counter({
        name: 'calls_total',
        help: 'Calls\\n of a "tool"\nsecond line.',
        labelNames: ['tool'],
      })
      .series(['a\\b "c"\nd'])
      .add(1);
    const text = renderPrometheusText(registry);
    expect(text).toContain('# HELP calls_total Calls\\\\n of a "tool"\\nsecond line.\n');
    expect(text).toContain('calls_total{tool="a\\\\b \\"c\\"\\nd"} 1\n');
    if (!skipPromtool) expect(checkMetrics(text)).toBe('');
  });

  it.skipIf(skipPromtool)('passes the real promtool check metrics on a scripted run', async () => {
    const { metrics, agent } = await scripted();
    const text = metrics.renderPrometheus();
    expect(text).toContain(
      `agentry_model_requests_total{agent="${agent}",model="openai:gpt-4o"} 6\n`,
    );
    expect(text).toContain(
      `agentry_model_request_duration_seconds_bucket{agent="${agent}",model="openai:gpt-4o",le="+Inf"} 2\n`,
    );
    expect(checkMetrics(text)).toBe('');
  });

  it.skipIf(skipPromtool)(
    'is caught by promtool when a name breaks the conventions (the check can fail)',
    () => {
      const registry = createMetricsRegistry({ collectionInterval: 1_000, retentionPeriod: 1 });
      registry
        .counter({ name: 'latency_milliseconds', help: 'Wrong unit, no _total.' })
        .series([])
        .add(1);
      expect(checkMetrics(renderPrometheusText(registry))).toMatch(
        /counter metrics should have "_total" suffix|non-base units/,
      );
    },
  );
});

describe('prometheus handler and server', () => {
  it('answers a scrape over real HTTP, HEAD without a body, other methods with 405, other paths with 404', async () => {
    const { metrics, agent } = await scripted({ prometheus: { port: 0 } });
    const url = metrics.prometheusUrl;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const scrape = await get(url!);
    expect(scrape.status).toBe(200);
    expect(scrape.type).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(scrape.body).toContain(`agentry_tool_errors_total{agent="${agent}",tool="explode"} 1\n`);
    expect(await get(`${url!}?x=1`)).toMatchObject({ status: 200 });
    expect(await get(url!, 'HEAD')).toMatchObject({ status: 200, body: '' });
    expect(await get(url!, 'POST')).toMatchObject({ status: 405 });
    expect(await get(url!.replace('/metrics', '/other'))).toMatchObject({ status: 404 });
  });

  it('answers 500 when rendering fails', async () => {
    const server = await startPrometheusServer(
      { port: 0 },
      createPrometheusHandler(() => {
        throw new Error('registry broken');
      }),
    );
    open.push(server);
    expect(await get(server.url)).toMatchObject({
      status: 500,
      body: 'Metrics could not be rendered: registry broken\n',
    });
  });

  it('fails createAgentry with config_invalid naming the port when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    open.push({ close: () => new Promise((resolve) => blocker.close(() => resolve())) });
    const port = (blocker.address() as { port: number }).port;
    const error = await scriptedAgentry({}, { prometheus: { port } }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AgentryError);
    expect((error as AgentryError).code).toBe('plugin_setup_failed');
    const cause = (error as AgentryError).cause as AgentryError;
    expect(cause).toMatchObject({
      code: 'config_invalid',
      details: { path: 'prometheus.port', port, reason: 'EADDRINUSE' },
    });
    expect(cause.message).toContain(`cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
  });
});
