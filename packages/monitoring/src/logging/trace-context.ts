import type * as OpenTelemetryApi from '@opentelemetry/api';

/** @internal The ids of the active OpenTelemetry span, as log fields. */
export interface TraceIds {
  readonly trace_id: string;
  readonly span_id: string;
}

/** @internal Reads the active span's ids; `undefined` when no span is active. */
export type ReadTraceIds = () => TraceIds | undefined;

// An all-zero trace id is the API's "invalid" span context (a non-recording span with no parent).
const invalidTraceId = /^0+$/;

/**
 * Loads `@opentelemetry/api` when it is installed (an optional peer dependency) and returns a
 * reader of the active span's ids; without it, a reader that always answers `undefined`. Loaded
 * once, at install time, by a dynamic import, so an app without OpenTelemetry pays nothing and
 * needs nothing (`importApi` is replaced only by tests). The API keeps its state in a global, so the copy loaded here sees the spans of
 * the app's own copy.
 *
 * @internal
 */
export async function loadTraceIdsReader(
  importApi: () => Promise<typeof OpenTelemetryApi> = () => import('@opentelemetry/api'),
): Promise<ReadTraceIds> {
  let api: typeof OpenTelemetryApi;
  try {
    api = await importApi();
  } catch (error) {
    if (isModuleNotFound(error)) return () => undefined;
    throw error;
  }
  return () => {
    const context = api.trace.getActiveSpan()?.spanContext();
    if (context === undefined || invalidTraceId.test(context.traceId)) return undefined;
    return { trace_id: context.traceId, span_id: context.spanId };
  };
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}
