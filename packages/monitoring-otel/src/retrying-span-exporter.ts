import { context, diag } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** @internal How many spans the retry buffer keeps by default. */
export const defaultRetryBufferSpans = 8192;

/** The most spans sent in one request while the buffer drains (the batch processor's default). */
const chunkSpans = 512;

/**
 * How long one call of the wrapped exporter may take: the batch processor's own export timeout.
 * The OTLP exporters answer within their 10 s deadline, retries included.
 */
const exportTimeoutMillis = 30_000;

const success: ExportResult = { code: ExportResultCode.SUCCESS };

/**
 * @internal A span exporter that keeps the spans of a failed export, up to `maxSpans`, and sends
 * them again, oldest first, ahead of the next export. Past the bound the oldest spans are dropped,
 * counted in `droppedSpans` and reported once per outage through `diag`; spans the receiver refuses
 * with a status OTLP does not retry (400, 401, 413 …) are dropped and counted at once. One export is in flight at
 * a time: spans handed over while one runs join the buffer, and every caller waiting when an export
 * fails is answered with that failure (its spans stay buffered). The wrapped exporter keeps its own
 * retries; this adds none of its own, it only keeps what they could not deliver.
 */
export class RetryingSpanExporter implements SpanExporter {
  readonly #inner: SpanExporter;
  readonly #maxSpans: number;
  /** Spans waiting to be sent, oldest first, not counting those in flight. */
  #buffer: ReadableSpan[] = [];
  #inFlight: ReadableSpan[] = [];
  #waiting: ((result: ExportResult) => void)[] = [];
  #run: Promise<ExportResult> | undefined;
  #dropped = 0;
  /** Set while exports fail: from the first failure until the buffer is empty again. */
  #outage: { dropped: number } | undefined;
  #closed = false;
  #stopped: Promise<void> | undefined;

  constructor(inner: SpanExporter, maxSpans: number) {
    this.#inner = inner;
    this.#maxSpans = maxSpans;
  }

  /**
   * Spans given up on since start: dropped because the buffer was full, refused by the receiver
   * with a status that must not be retried, or handed over after shutdown.
   */
  get droppedSpans(): number {
    return this.#dropped;
  }

  /** Spans held now: buffered after a failed export, or in flight. */
  get unsentSpans(): number {
    return this.#buffer.length + this.#inFlight.length;
  }

  get maxSpans(): number {
    return this.#maxSpans;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.#closed) {
      this.#dropped += spans.length;
      resultCallback({
        code: ExportResultCode.FAILED,
        error: new Error(`the span exporter is shut down; ${spans.length} spans were dropped`),
      });
      return;
    }
    this.#buffer.push(...spans);
    this.#trim();
    this.#waiting.push(resultCallback);
    void this.#drain();
  }

  /** Sends everything buffered; rejects with the exporter's error when that fails. */
  async forceFlush(): Promise<void> {
    if (this.unsentSpans > 0 || this.#run !== undefined) {
      const result = await this.#drain();
      if (result.code !== ExportResultCode.SUCCESS) throw failure(result);
    }
    await this.#inner.forceFlush?.();
  }

  /** Sends what is buffered, then shuts the wrapped exporter down; rejects when spans remain. */
  shutdown(): Promise<void> {
    return (this.#stopped ??= this.#stop(true));
  }

  /** Shuts down without another attempt (the last one just failed); spans left stay counted. */
  close(): Promise<void> {
    return (this.#stopped ??= this.#stop(false));
  }

  async #stop(drain: boolean): Promise<void> {
    const result = drain && this.unsentSpans > 0 ? await this.#drain() : await this.#settled();
    this.#closed = true;
    await this.#inner.shutdown();
    if (result.code !== ExportResultCode.SUCCESS) throw failure(result);
  }

  #settled(): Promise<ExportResult> {
    return this.#run ?? Promise.resolve(success);
  }

  #drain(): Promise<ExportResult> {
    if (this.#run === undefined && this.#buffer.length === 0) {
      // Nothing to send (an empty batch): answer at once; #send always awaits an export.
      for (const callback of this.#waiting.splice(0)) callback(success);
      return Promise.resolve(success);
    }
    // Exports started here must not be traced themselves (the batch processor does the same).
    this.#run ??= context.with(suppressTracing(context.active()), () => this.#send());
    return this.#run;
  }

  async #send(): Promise<ExportResult> {
    let result = success;
    let rejected: ExportResult | undefined;
    while (this.#buffer.length > 0) {
      this.#inFlight = this.#buffer.splice(0, Math.min(chunkSpans, this.#maxSpans));
      result = await exportOnce(this.#inner, this.#inFlight);
      const sent = this.#inFlight;
      this.#inFlight = [];
      if (result.code === ExportResultCode.SUCCESS) continue;
      const status = rejectionStatus(result.error);
      if (status !== undefined) {
        // The receiver answered and refused these spans: OTLP forbids sending them again.
        this.#reject(sent.length, status, result.error);
        rejected = result;
        continue;
      }
      this.#buffer.unshift(...sent);
      this.#fail(result);
      this.#trim();
      break;
    }
    // Settled in the same synchronous step that saw the buffer empty (or the failure), so no span
    // handed over in between is answered without having been sent.
    if (result.code === ExportResultCode.SUCCESS) this.#recover();
    this.#run = undefined;
    const answer = result.code === ExportResultCode.SUCCESS && rejected ? rejected : result;
    for (const callback of this.#waiting.splice(0)) callback(answer);
    return answer;
  }

  #reject(count: number, status: number, error: Error | undefined): void {
    this.#dropped += count;
    diag.warn(
      `@agentry/monitoring-otel: the span endpoint refused ${count} spans with HTTP ${status} (${describe(error)}); they are dropped, not sent again (counted in droppedSpans, ${this.#dropped} so far).`,
    );
  }

  /** Drops the oldest buffered spans past the bound. Spans in flight are not dropped. */
  #trim(): void {
    const excess = Math.min(this.unsentSpans - this.#maxSpans, this.#buffer.length);
    if (excess <= 0) return;
    this.#buffer.splice(0, excess);
    this.#drop(excess);
  }

  #drop(count: number): void {
    this.#dropped += count;
    this.#outage ??= { dropped: 0 };
    if (this.#outage.dropped === 0) {
      diag.warn(
        `@agentry/monitoring-otel: the span retry buffer is full (${this.#maxSpans} spans); the oldest spans are dropped until the endpoint accepts exports again (counted in droppedSpans, ${this.#dropped} so far).`,
      );
    }
    this.#outage.dropped += count;
  }

  #fail(result: ExportResult): void {
    if (this.#outage !== undefined) return;
    this.#outage = { dropped: 0 };
    diag.warn(
      `@agentry/monitoring-otel: a span export failed (${describe(result.error)}); ${Math.min(this.unsentSpans, this.#maxSpans)} spans are kept (at most ${this.#maxSpans}) and sent again with the next export.`,
    );
  }

  #recover(): void {
    if (this.#outage === undefined) return;
    const { dropped } = this.#outage;
    this.#outage = undefined;
    const lost = dropped === 0 ? 'none was dropped' : `${dropped} were dropped while it did not`;
    const message = `@agentry/monitoring-otel: the span endpoint accepts exports again; the kept spans were delivered, ${lost}.`;
    if (dropped === 0) diag.info(message);
    else diag.warn(message);
  }
}

/**
 * One call of the wrapped exporter. An exporter that never calls back would hold every later
 * export behind it, so past `exportTimeoutMillis` the call counts as failed (its spans are kept;
 * should it deliver them after all, they arrive twice).
 */
function exportOnce(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      resolve({
        code: ExportResultCode.FAILED,
        error: new Error(`the span exporter did not answer within ${exportTimeoutMillis} ms`),
      });
    }, exportTimeoutMillis);
    timer.unref();
    const done = (result: ExportResult) => {
      clearTimeout(timer);
      resolve(result);
    };
    try {
      exporter.export(spans, done);
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: toError(error) });
    }
  });
}

/**
 * The HTTP status of an answer that must not be retried (OTLP retries only 429, 502, 503 and 504),
 * as the OTLP exporters report it (`OTLPExporterError.code`); `undefined` for anything else: a
 * network error, a timeout, retryable answers the exporter gave up on.
 */
function rejectionStatus(error: Error | undefined): number | undefined {
  const code: unknown = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 400 || code > 599) {
    return undefined;
  }
  return [429, 502, 503, 504].includes(code) ? undefined : code;
}

function failure(result: ExportResult): Error {
  return result.error ?? new Error('the span export failed');
}

function describe(error: Error | undefined): string {
  return error === undefined ? 'no reason given' : error.message;
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
