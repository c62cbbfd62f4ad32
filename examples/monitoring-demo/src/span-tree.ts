import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

const ms = ([seconds, nanoseconds]: readonly [number, number]) => seconds * 1e3 + nanoseconds / 1e6;

/**
 * The finished spans as an indented tree, one line per span with its duration (✗ when it
 * failed): children under their parent, in the order they started. A span whose parent was not
 * recorded here starts a tree of its own.
 */
export function spanTree(spans: readonly ReadableSpan[]): string[] {
  const ids = new Set(spans.map((span) => span.spanContext().spanId));
  const parentOf = ({ parentSpanContext }: ReadableSpan) =>
    parentSpanContext && ids.has(parentSpanContext.spanId) ? parentSpanContext.spanId : undefined;
  const started = [...spans].sort((a, b) => ms(a.startTime) - ms(b.startTime));
  const walk = (parentId: string | undefined, depth: number): string[] =>
    started
      .filter((span) => parentOf(span) === parentId)
      .flatMap((span) => [
        `${'  '.repeat(depth)}${span.name}${span.status.code === SpanStatusCode.ERROR ? ' ✗' : ''} (${ms(span.duration).toFixed(1)} ms)`,
        ...walk(span.spanContext().spanId, depth + 1),
      ]);
  return walk(undefined, 0);
}
