import { AgentryError } from '@agentry/core';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from './__fixtures__/otlp-receiver.js';
import { startOtel, type OtelSdk, type StartOtelOptions } from './start-otel.js';

// The receiver answers 503 with `Retry-After: 0` while it is unavailable, so the exporter's own
// retries (six attempts in all) run at once and a batch fails for good without waiting on timers.

const started: OtelSdk[] = [];
afterEach(async () => {
  for (const otel of started.splice(0)) await otel.shutdown().catch(() => undefined);
  vi.unstubAllEnvs();
  diag.disable();
});

function start(receiver: OtlpReceiver, options: Partial<StartOtelOptions> = {}): OtelSdk {
  for (const name of [
    'OTEL_EXPORTER_OTLP_PROTOCOL',
    'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
    'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL',
  ]) {
    vi.stubEnv(name, '');
  }
  const otel = startOtel({
    serviceName: 'retry-test',
    endpoint: receiver.url,
    registerGlobal: false,
    ...options,
  });
  started.push(otel);
  return otel;
}

/** Ends one span per name; returns their span ids in order. */
function endSpans(otel: OtelSdk, ...names: string[]): string[] {
  return names.map((name) => {
    const span = otel.tracerProvider.getTracer('app').startSpan(name);
    span.end();
    return span.spanContext().spanId;
  });
}

async function flushError(otel: OtelSdk): Promise<AgentryError> {
  const error: unknown = await otel.forceFlush().then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!AgentryError.isInstance(error)) throw new Error(`forceFlush did not fail: ${String(error)}`);
  return error;
}

const tracesRequests = (receiver: OtlpReceiver) =>
  receiver.requests.filter((request) => request.path === '/v1/traces');

/** Routes OpenTelemetry's diag logger into an array, from `info` up. */
function captureDiag(): string[] {
  const logged: string[] = [];
  const record = (message: string) => void logged.push(message);
  const logger: DiagLogger = {
    error: record,
    warn: record,
    info: record,
    debug: () => undefined,
    verbose: () => undefined,
  };
  diag.setLogger(logger, { logLevel: DiagLogLevel.INFO, suppressOverrideMessage: true });
  return logged;
}

describe('startOtel’s span retry buffer', () => {
  describe('export', () => {
    it('keeps the spans of exports that failed after the exporter’s retries and delivers each once, oldest first, when the endpoint is back', async () => {
      const receiver = await startOtlpReceiver();
      const logged = captureDiag();
      receiver.unavailable = true;
      // A short schedule, so the batch processor exports on its own, as in production.
      vi.stubEnv('OTEL_BSP_SCHEDULE_DELAY', '20');
      const otel = start(receiver);

      const scheduled = endSpans(otel, 'scheduled 1', 'scheduled 2');
      await vi.waitFor(
        () => expect(logged).toContainEqual(expect.stringContaining('2 spans are kept')),
        { timeout: 10_000 },
      );
      expect(otel.unsentSpans).toBe(2);
      // The exporter made its own six attempts; none delivered anything.
      expect(tracesRequests(receiver).map((request) => request.status)).toEqual(
        Array<number>(6).fill(503),
      );

      const flushed = endSpans(otel, 'flushed 1', 'flushed 2', 'flushed 3');
      const error = await flushError(otel);
      expect(error.code).toBe('network');
      expect(error.message).toContain('5 spans are kept (at most 8192)');
      expect(error.details).toMatchObject({ unsentSpans: 5, droppedSpans: 0 });
      expect(receiver.spans).toEqual([]);

      receiver.unavailable = false;
      const last = endSpans(otel, 'after recovery');
      await otel.forceFlush();

      // Every span exactly once (no span id twice), the kept ones first in the order they ended.
      expect(receiver.spans.map((span) => span.spanId)).toEqual([
        ...scheduled,
        ...flushed,
        ...last,
      ]);
      expect(otel.unsentSpans).toBe(0);
      expect(otel.droppedSpans).toBe(0);
      expect(logged.filter((line) => line.includes('spans are kept'))).toEqual([
        expect.stringContaining('a span export failed (') as string,
      ]);
      expect(logged).toContainEqual(
        expect.stringContaining('accepts exports again; the kept spans were delivered, none was'),
      );
    });

    it('sends one export at a time when the batch processor hands over batches at once', async () => {
      const receiver = await startOtlpReceiver();
      // Batches of two: a flush of six spans hands the exporter three batches together.
      vi.stubEnv('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', '2');
      receiver.unavailable = true;
      const otel = start(receiver);
      const down = endSpans(otel, 'a', 'b', 'c', 'd', 'e', 'f');

      const error = await flushError(otel);
      expect(error.details).toMatchObject({ unsentSpans: 6 });
      // One failed attempt for all three batches (1 request + 5 retries), not one per batch.
      expect(tracesRequests(receiver)).toHaveLength(6);

      receiver.unavailable = false;
      const up = endSpans(otel, 'g', 'h', 'i', 'j');
      await otel.forceFlush();
      // In order: the six kept, then the four new ones, each once.
      expect(receiver.spans.map((span) => span.spanId)).toEqual([...down, ...up]);
    });

    it('drops the oldest spans past the bound, counts them, reports once per outage, and delivers the newest', async () => {
      const receiver = await startOtlpReceiver();
      const logged = captureDiag();
      const full = () => logged.filter((line) => line.includes('retry buffer is full (4 spans)'));
      receiver.unavailable = true;
      const otel = start(receiver, { retryBuffer: { maxSpans: 4 } });

      endSpans(otel, 'a1', 'a2', 'a3');
      expect((await flushError(otel)).details).toMatchObject({ unsentSpans: 3, droppedSpans: 0 });
      const [, , b3] = endSpans(otel, 'b1', 'b2', 'b3');
      const b = await flushError(otel);
      expect(b.details).toMatchObject({ unsentSpans: 4, droppedSpans: 2 });
      expect(b.message).toContain('2 spans were given up on so far (the retry buffer was full');
      const c = endSpans(otel, 'c1', 'c2', 'c3');
      expect((await flushError(otel)).details).toMatchObject({ unsentSpans: 4, droppedSpans: 5 });
      expect(otel.droppedSpans).toBe(5);
      expect(full()).toHaveLength(1);

      receiver.unavailable = false;
      await otel.forceFlush();
      expect(receiver.spans.map((span) => span.name)).toEqual(['b3', 'c1', 'c2', 'c3']);
      expect(receiver.spans.map((span) => span.spanId)).toEqual([b3, ...c]);
      expect(logged).toContainEqual(expect.stringContaining('5 were dropped while it did not'));

      // A second outage is a new episode: its first drop is reported again.
      receiver.unavailable = true;
      endSpans(otel, 'd1', 'd2', 'd3', 'd4', 'd5');
      expect((await flushError(otel)).details).toMatchObject({ unsentSpans: 4, droppedSpans: 6 });
      expect(full()).toHaveLength(2);
    });

    it('does not keep spans the receiver refused with a status OTLP does not retry, and counts them', async () => {
      const receiver = await startOtlpReceiver();
      const logged = captureDiag();
      receiver.unavailable = true;
      const otel = start(receiver);
      endSpans(otel, 'kept during the outage');
      await flushError(otel);

      // The receiver is back but refuses what it gets (a wrong key, say): both the kept span and
      // the new one are given up on, each request once, and the flush says so.
      receiver.unavailable = false;
      receiver.refuseWith = 401;
      endSpans(otel, 'refused');
      const before = tracesRequests(receiver).length;
      const error = await flushError(otel);
      expect(
        tracesRequests(receiver)
          .slice(before)
          .map((request) => request.status),
      ).toEqual([401]);
      expect(error.message).toContain('Unauthorized');
      expect(error.details).toMatchObject({ unsentSpans: 0, droppedSpans: 2 });
      expect(logged).toContainEqual(
        expect.stringContaining('refused 2 spans with HTTP 401 (Unauthorized); they are dropped'),
      );

      receiver.refuseWith = undefined;
      endSpans(otel, 'accepted');
      await otel.forceFlush();
      expect(receiver.spans.map((span) => span.name)).toEqual(['accepted']);
      expect(otel.droppedSpans).toBe(2);
    });

    it('drops a failed batch when the retry buffer is off', async () => {
      const receiver = await startOtlpReceiver();
      receiver.unavailable = true;
      const otel = start(receiver, { retryBuffer: false });
      endSpans(otel, 'lost');
      const error = await flushError(otel);
      expect(error.message).toContain('The data of that export is dropped.');
      expect(error.details).not.toHaveProperty('unsentSpans');

      receiver.unavailable = false;
      endSpans(otel, 'kept');
      await otel.forceFlush();
      expect(receiver.spans.map((span) => span.name)).toEqual(['kept']);
      expect(otel.unsentSpans).toBe(0);
    });
  });

  describe('shutdown', () => {
    it('delivers the kept spans when the endpoint is back by then', async () => {
      const receiver = await startOtlpReceiver();
      receiver.unavailable = true;
      const otel = start(receiver);
      const kept = endSpans(otel, 'kept 1', 'kept 2');
      await flushError(otel);

      receiver.unavailable = false;
      await otel.shutdown();
      expect(receiver.spans.map((span) => span.spanId)).toEqual(kept);
      expect(otel.unsentSpans).toBe(0);
    });

    it('rejects with network and the number of spans left unsent when the endpoint is still down', async () => {
      const receiver = await startOtlpReceiver();
      receiver.unavailable = true;
      const otel = start(receiver);
      endSpans(otel, 'kept 1', 'kept 2', 'kept 3');
      await flushError(otel);
      endSpans(otel, 'at shutdown 1', 'at shutdown 2');

      const error: unknown = await otel.shutdown().then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(AgentryError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        code: 'network',
        details: { endpoint: receiver.url, unsentSpans: 5, droppedSpans: 0 },
      });
      expect((error as AgentryError).message).toContain('5 spans were left unsent and are lost');
      expect(receiver.spans).toEqual([]);
      // The same promise again; nothing more is sent.
      const requests = tracesRequests(receiver).length;
      await expect(otel.shutdown()).rejects.toBe(error);
      expect(tracesRequests(receiver)).toHaveLength(requests);
    });
  });
});
