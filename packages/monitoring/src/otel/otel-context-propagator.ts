import { AgentryError, type ContextPropagator } from '@agentry/core';
import {
  context,
  createTraceState,
  isSpanContextValid,
  trace,
  TraceFlags,
  type SpanContext,
} from '@opentelemetry/api';

// W3C Trace Context, version 00: `00-{32 hex trace id}-{16 hex span id}-{2 hex flags}`.
const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * Creates the `ContextPropagator` (of `@agentry/core`) that workflows use to carry a trace across
 * steps and resumes, in the W3C Trace Context format (`traceparent`, `tracestate`) read and
 * written through `@opentelemetry/api`'s span context, so a carrier stored in a journal means the
 * same thing in any process, whichever propagator the application registered globally.
 * `installTracing` provides it as `services.contextPropagator`.
 *
 * @throws AgentryError `validation_failed` from `run` when a carrier's `traceparent` is not a W3C
 *   trace context (the carrier is named in `details`)
 * @example
 * ```ts
 * import { createOtelContextPropagator } from '@agentry/monitoring/otel';
 * import { trace } from '@opentelemetry/api';
 *
 * const propagator = createOtelContextPropagator();
 * // Stored with a workflow step, then used when the step runs, perhaps in another process.
 * const carrier = propagator.capture();
 * propagator.run(carrier, () => {
 *   trace.getTracer('app').startActiveSpan('step', (span) => span.end());
 * });
 * ```
 */
export function createOtelContextPropagator(): ContextPropagator {
  return {
    capture() {
      const spanContext = trace.getSpanContext(context.active());
      if (spanContext === undefined || !isSpanContextValid(spanContext)) return undefined;
      const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
      const traceparent = `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
      const carrier: Record<string, string> = { traceparent };
      const tracestate = spanContext.traceState?.serialize();
      if (tracestate) carrier['tracestate'] = tracestate;
      return carrier;
    },
    run(carrier, fn) {
      if (carrier === undefined) return fn();
      const spanContext = toSpanContext(carrier);
      return context.with(trace.setSpanContext(context.active(), spanContext), fn);
    },
  };
}

function toSpanContext(carrier: Readonly<Record<string, string>>): SpanContext {
  const traceparent = carrier['traceparent'];
  const match = typeof traceparent === 'string' ? traceparentPattern.exec(traceparent) : null;
  const [, traceId = '', spanId = '', flags = '00'] = match ?? [];
  const spanContext: SpanContext = {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
    ...(carrier['tracestate'] ? { traceState: createTraceState(carrier['tracestate']) } : {}),
  };
  if (match === null || !isSpanContextValid(spanContext)) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `The trace carrier's traceparent ${JSON.stringify(traceparent)} is not a W3C trace context (00-<32 hex>-<16 hex>-<2 hex>, ids not all zero).`,
      details: { path: 'traceparent', value: String(traceparent) },
      suggestions: [
        'Pass the carrier exactly as capture() returned it, or undefined to run in the active context.',
      ],
    });
  }
  return spanContext;
}
