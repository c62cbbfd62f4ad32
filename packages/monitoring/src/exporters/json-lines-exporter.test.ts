import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { AgentryError } from '@agentry/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { scriptedAgentry } from '../metrics/__fixtures__/scripted-agentry.js';
import { createMetricsRegistry } from '../metrics/metrics-registry.js';
import { startJsonLinesExporter, type MetricSample } from './json-lines-exporter.js';

let directory = '';
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'agentry-json-metrics-'));
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(directory, { recursive: true, force: true });
});

const lines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as MetricSample);

function smallRegistry() {
  const registry = createMetricsRegistry({ collectionInterval: 1_000, retentionPeriod: 1 });
  const jobs = registry
    .counter({ name: 'jobs_total', help: 'Jobs.', labelNames: ['queue'] })
    .series(['mail']);
  registry
    .histogram({ name: 'latency_seconds', help: 'Latency.', buckets: [0.1, 1] })
    .series([])
    .observe(0.5);
  return { registry, jobs };
}

describe('startJsonLinesExporter', () => {
  it('writes one JSON line per series every interval, and a last snapshot on close', async () => {
    vi.useFakeTimers();
    const { registry, jobs } = smallRegistry();
    const stream = new PassThrough();
    let written = '';
    stream.on('data', (chunk: Buffer) => (written += chunk.toString('utf8')));
    const exporter = startJsonLinesExporter({
      registry,
      destination: { stream },
      interval: 1_000,
      onError: (error) => {
        throw error;
      },
      now: () => Date.UTC(2026, 11, 7, 10),
    });
    jobs.add(3);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(lines(written)).toEqual([
      {
        at: '2026-12-07T10:00:00.000Z',
        name: 'jobs_total',
        type: 'counter',
        labels: { queue: 'mail' },
        value: 3,
      },
      {
        at: '2026-12-07T10:00:00.000Z',
        name: 'latency_seconds',
        type: 'histogram',
        labels: {},
        count: 1,
        sum: 0.5,
        buckets: [
          { le: 0.1, count: 0 },
          { le: 1, count: 1 },
          { le: null, count: 1 },
        ],
      },
    ]);
    jobs.add(1);
    await exporter.close();
    expect(
      lines(written)
        .filter((sample) => sample.name === 'jobs_total')
        .map((sample) => sample.value),
    ).toEqual([3, 4]);
    expect(stream.writableEnded).toBe(false); // the caller's stream is never ended
  });

  it('appends to a file and closes it on shutdown of the instance', async () => {
    const path = join(directory, 'metrics.jsonl');
    const made = await scriptedAgentry({ exportFormats: ['json'] }, { json: { path } });
    await made.play();
    await made.agentry.shutdown();
    const samples = lines(readFileSync(path, 'utf8'));
    expect(
      samples.find(
        (sample) =>
          sample.name === 'agentry_model_requests_total' &&
          sample.labels['model'] === 'openai:gpt-4o',
      )?.value,
    ).toBe(6);
  });

  it('refuses a file it cannot open, naming it', () => {
    const { registry } = smallRegistry();
    const path = join(directory, 'missing-directory', 'metrics.jsonl');
    expect(() =>
      startJsonLinesExporter({
        registry,
        destination: { path },
        interval: 1_000,
        onError: () => undefined,
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'config_invalid',
        message: expect.stringContaining(`${path} cannot be opened for appending: ENOENT`),
      }),
    );
  });

  it('reports a failing destination and stops instead of losing data silently', async () => {
    const { registry } = smallRegistry();
    const reported: AgentryError[] = [];
    const stream = new Writable({
      write: (_chunk, _encoding, callback) => callback(new Error('disk full')),
    });
    const exporter = startJsonLinesExporter({
      registry,
      destination: { stream },
      interval: 1_000,
      onError: (error) => reported.push(error),
    });
    exporter.flush();
    await new Promise((resolve) => setImmediate(resolve));
    expect(reported.map((error) => error.message)).toEqual([
      'The JSON metrics exporter stopped: its destination failed: disk full.',
    ]);
    await exporter.close();
  });

  it('skips and reports a snapshot while the destination is more than 16 MB behind', () => {
    const { registry } = smallRegistry();
    const reported: AgentryError[] = [];
    const stream = new Writable({ highWaterMark: 1, write: () => undefined }); // never drains
    stream.write(Buffer.alloc(17 * 1024 * 1024));
    const exporter = startJsonLinesExporter({
      registry,
      destination: { stream },
      interval: 1_000,
      onError: (error) => reported.push(error),
    });
    exporter.flush();
    expect(reported.map((error) => error.code)).toEqual(['limit_exceeded']);
    void exporter.close();
  });
});
