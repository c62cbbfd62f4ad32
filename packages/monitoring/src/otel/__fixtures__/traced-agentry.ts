import { randomUUID } from 'node:crypto';
import {
  createAgentry,
  definePlugin,
  type Agentry,
  type AgentryPlugin,
  type LanguageModel,
  type ProviderType,
} from '@agentry/core';
import {
  createMockModel,
  createMockProvider,
  providerConfiguration,
  type MockTurn,
} from '@agentry/testing';
import { context, type TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterEach } from 'vitest';
import { installTracing, type InstallTracingOptions } from '../install-tracing.js';

// Context only flows through `context.with` and awaits once a context manager is registered, as
// an SDK set-up does; one for the whole test process.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

/** The parts of `providerConfiguration`'s result a fallback model is added to. */
interface ConfigWithModels extends Record<string, unknown> {
  models: { availableModels: Record<string, { name: string }>; fallbackChain: string[] };
  authentication: { providers: { models: { name: string }[] }[] };
}

/** A metric reader that collects on demand. */
class PullReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** What a traced test instance offers. */
export interface TracedAgentry {
  readonly agentry: Agentry;
  readonly tracerProvider: TracerProvider;
  /** Spans ended so far. */
  spans(): ReadableSpan[];
  /** The one span named `name`; throws when there is none or several. */
  span(name: string): ReadableSpan;
  /** Every metric collected now, by name. */
  metrics(): Promise<Map<string, ResourceMetrics['scopeMetrics'][number]['metrics'][number]>>;
}

/** Options of {@link createTracedAgentry}. */
export interface TracedAgentryOptions extends Omit<InstallTracingOptions, 'tracerProvider'> {
  readonly script?: readonly MockTurn[];
  readonly provider?: ProviderType;
  readonly modelId?: string;
  readonly plugins?: readonly AgentryPlugin[];
  readonly maxAttempts?: number;
  /** A tracer provider of the caller's own (another SDK copy); spans are then not collected here. */
  readonly tracerProvider?: TracerProvider;
  /** A second model of the same provider, in the configuration's fallback chain. */
  readonly fallback?: { readonly modelId: string; readonly script: readonly MockTurn[] };
}

const open: Agentry[] = [];
afterEach(async () => {
  for (const agentry of open.splice(0)) await agentry.shutdown();
});

/** An Agentry instance with tracing installed on an in-memory SDK, closed after the test. */
export async function createTracedAgentry(
  options: TracedAgentryOptions = {},
): Promise<TracedAgentry> {
  const {
    script = [],
    provider = 'openai',
    modelId = 'gpt-4o',
    plugins = [],
    maxAttempts = 1,
  } = options;
  const exporter = new InMemorySpanExporter();
  const tracerProvider =
    options.tracerProvider ??
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new PullReader();
  const meterProvider = options.meterProvider ?? new MeterProvider({ readers: [reader] });
  const model = createMockModel({ provider, modelId, script });
  const tracing = definePlugin({
    name: 'test-tracing',
    version: '1.0.0',
    setup: (host) =>
      void installTracing(host, {
        tracerProvider,
        meterProvider,
        ...(options.captureContent !== undefined ? { captureContent: options.captureContent } : {}),
        ...(options.env !== undefined ? { env: options.env } : {}),
      }),
  });
  const config = providerConfiguration({
    type: provider,
    model: modelId,
    authentication: { type: 'api_key', configuration: { apiKey: '${env:MOCK_KEY}' } },
  }) as ConfigWithModels;
  const models: Record<string, LanguageModel> = { [modelId]: model };
  if (options.fallback !== undefined) {
    const { modelId: fallbackId, script: fallbackScript } = options.fallback;
    models[fallbackId] = createMockModel({ provider, modelId: fallbackId, script: fallbackScript });
    const primary = config.models.availableModels[`${provider}:${modelId}`];
    config.models.availableModels[`${provider}:${fallbackId}`] = { ...primary, name: fallbackId };
    config.authentication.providers[0]?.models.push({ ...primary, name: fallbackId });
    config.models.fallbackChain = [`${provider}:${fallbackId}`];
  }
  const agentry = await createAgentry({
    config,
    env: { MOCK_KEY: ['mock', randomUUID()].join('-') },
    plugins: [
      {
        name: 'mock-provider',
        version: '1.0.0',
        providers: [createMockProvider({ type: provider, createModel: models })],
      },
      ...plugins,
      tracing,
    ],
    resilience: {
      retry: { maxAttempts, baseDelay: 1, maxDelay: 1, jitter: false, strategy: 'fixed' },
    },
  });
  open.push(agentry);
  const spans = () => exporter.getFinishedSpans();
  return {
    agentry,
    tracerProvider,
    spans,
    span(name) {
      const found = spans().filter((span) => span.name === name);
      if (found.length !== 1) {
        throw new Error(
          `Expected one span ${name}, found ${found.length}: ${spans()
            .map((span) => span.name)
            .join(', ')}`,
        );
      }
      return found[0] as ReadableSpan;
    },
    async metrics() {
      const { resourceMetrics } = await reader.collect();
      return new Map(
        resourceMetrics.scopeMetrics.flatMap((scope) =>
          scope.metrics.map((metric) => [metric.descriptor.name, metric] as const),
        ),
      );
    },
  };
}

/** The parent span id of a span (SDK 2 keeps it in `parentSpanContext`). */
export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}
