import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import * as ours from '@opentelemetry/sdk-trace-base';
// A second copy of the SDK, of another 2.x release, as an application that pins its own holds it.
import * as theirs from 'sdk-trace-base-copy';
import copyManifest from 'sdk-trace-base-copy/package.json' with { type: 'json' };
import oursManifest from '@opentelemetry/sdk-trace-base/package.json' with { type: 'json' };
import { afterEach, describe, expect, it } from 'vitest';
import { activeInTool, createTracedInstance, lookupOrder } from './__fixtures__/traced-instance.js';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
afterEach(() => trace.disable());

/** Runs one agent turn under a caller's span and returns the span names by parent. */
async function turnWith(
  provider: ours.BasicTracerProvider | theirs.BasicTracerProvider,
  viaGlobal: boolean,
) {
  const agentry = await createTracedInstance(viaGlobal ? {} : { tracerProvider: provider });
  const agent = agentry.createAgent({ tools: [lookupOrder] });
  await provider.getTracer('app').startActiveSpan('POST /chat', async (span) => {
    await agent.send('What does o-1 total?');
    span.end();
  });
}

const tree = (
  spans: readonly {
    name: string;
    spanContext(): { spanId: string };
    parentSpanContext?: { spanId: string } | undefined;
  }[],
) => {
  const names = new Map(
    spans.map((span) => [span.spanContext().spanId, span.name.replace(/ [0-9a-f-]{36}$/, '')]),
  );
  return spans
    .map(
      (span) =>
        `${names.get(span.parentSpanContext?.spanId ?? '') ?? '(root)'} > ${names.get(span.spanContext().spanId) ?? ''}`,
    )
    .sort();
};

const expected = [
  '(root) > POST /chat',
  'POST /chat > invoke_agent',
  'invoke_agent > chat gpt-4o',
  'invoke_agent > chat gpt-4o',
  'invoke_agent > execute_tool lookup_order',
];

describe('two copies of the OpenTelemetry SDK in one application', () => {
  it('really are two copies of different releases', () => {
    expect(copyManifest.version).not.toBe(oursManifest.version);
    expect(theirs.BasicTracerProvider).not.toBe(ours.BasicTracerProvider);
  });

  it('loses no span when the application’s provider comes from the other copy', async () => {
    const exporter = new theirs.InMemorySpanExporter();
    const provider = new theirs.BasicTracerProvider({
      spanProcessors: [new theirs.SimpleSpanProcessor(exporter)],
    });
    await turnWith(provider, false);
    expect(tree(exporter.getFinishedSpans())).toEqual(expected);
    expect(activeInTool.at(-1)).toBe(
      exporter
        .getFinishedSpans()
        .find((span) => span.name.startsWith('execute_tool'))
        ?.spanContext().spanId,
    );
  });

  it('loses no span when the other copy’s provider is the global one and none is passed', async () => {
    const exporter = new theirs.InMemorySpanExporter();
    const provider = new theirs.BasicTracerProvider({
      spanProcessors: [new theirs.SimpleSpanProcessor(exporter)],
    });
    expect(trace.setGlobalTracerProvider(provider)).toBe(true);
    await turnWith(provider, true);
    expect(tree(exporter.getFinishedSpans())).toEqual(expected);
  });

  it('loses no span when the caller’s span comes from one copy and the spans go to the other', async () => {
    const theirExporter = new theirs.InMemorySpanExporter();
    const caller = new theirs.BasicTracerProvider({
      spanProcessors: [new theirs.SimpleSpanProcessor(theirExporter)],
    });
    const ourExporter = new ours.InMemorySpanExporter();
    const agentryProvider = new ours.BasicTracerProvider({
      spanProcessors: [new ours.SimpleSpanProcessor(ourExporter)],
    });
    const agentry = await createTracedInstance({ tracerProvider: agentryProvider });
    const agent = agentry.createAgent({ tools: [lookupOrder] });
    await caller.getTracer('app').startActiveSpan('POST /chat', async (span) => {
      await agent.send('What does o-1 total?');
      span.end();
    });
    const root = theirExporter.getFinishedSpans()[0];
    const invoke = ourExporter
      .getFinishedSpans()
      .find((span) => span.name.startsWith('invoke_agent'));
    expect(invoke?.parentSpanContext?.spanId).toBe(root?.spanContext().spanId);
    expect(invoke?.spanContext().traceId).toBe(root?.spanContext().traceId);
    expect(ourExporter.getFinishedSpans()).toHaveLength(4);
  });
});
