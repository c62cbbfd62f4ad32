import { randomUUID } from 'node:crypto';
import { createAgentry, definePlugin } from '@agentry/core';
import { installTracing } from '@agentry/monitoring/otel';
import {
  createMockModel,
  createMockProvider,
  mockText,
  providerConfiguration,
} from '@agentry/testing';
import { createConfiguredWorkflowRunner, workflows } from '@agentry/workflows';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

const greet = {
  id: 'greet',
  name: 'Greet',
  triggers: [{ type: 'manual' }],
  errorHandling: { retryAttempts: 1, backoffStrategy: 'fixed', fallbackAction: 'abort' },
  steps: [
    {
      id: 'write',
      name: 'Write',
      type: 'task',
      configuration: { agent: { prompt: 'Greet {{name}}.' } },
      inputs: { name: { $ref: 'input.name' } },
      next: 'shout',
    },
    {
      id: 'shout',
      name: 'Shout',
      type: 'task',
      configuration: { handler: 'shout' },
      inputs: { text: { $ref: 'steps.write.output.text' } },
    },
  ],
};

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

describe('a workflow run traced through services.contextPropagator', () => {
  it('puts the run, its steps and the agent of a step in the trace of the caller that started it', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const model = createMockModel({
      modelId: 'gpt-4o',
      script: [mockText('Hello, Ada.')],
      repeat: true,
    });
    const agentry = await createAgentry({
      config: {
        ...providerConfiguration({
          type: 'openai',
          model: 'gpt-4o',
          authentication: { type: 'api_key', configuration: { apiKey: '${env:MOCK_KEY}' } },
        }),
        workflows: { workflows: { greet }, defaults: { store: 'memory', stepTimeout: 5_000 } },
      },
      env: { MOCK_KEY: ['mock', randomUUID()].join('-') },
      plugins: [
        { name: 'mock-openai', version: '1.0.0', providers: [createMockProvider({ model })] },
        workflows(),
        definePlugin({
          name: 'tracing',
          version: '1.0.0',
          setup: (host) => void installTracing(host, { tracerProvider: provider }),
        }),
      ],
    });
    open.push({ close: () => agentry.shutdown() });
    const runner = createConfiguredWorkflowRunner({
      agentry,
      handlers: { shout: ({ text }) => String(text).toUpperCase() },
    });
    open.push(runner);

    const runId = await provider
      .getTracer('app')
      .startActiveSpan('POST /greetings', async (span) => {
        const started = await runner.start('greet', { name: 'Ada' });
        span.end();
        return started.runId;
      });
    // Waited for outside the caller's span: the steps still run in the trace it started.
    await runner.wait(runId);

    const spans = exporter.getFinishedSpans();
    const named = (prefix: string): ReadableSpan[] =>
      spans.filter((span) => span.name.startsWith(prefix));
    const caller = named('POST /greetings')[0];
    const [run] = named('agentry.workflow.run greet');
    const steps = named('agentry.workflow.step ');
    const [invoke] = named('invoke_agent ');
    expect(steps.map((span) => span.name).sort()).toEqual([
      'agentry.workflow.step shout',
      'agentry.workflow.step write',
    ]);
    for (const step of steps)
      expect(step.parentSpanContext?.spanId).toBe(run?.spanContext().spanId);
    expect(run?.attributes).toMatchObject({
      'agentry.workflow.run.id': runId,
      'agentry.workflow.status': 'completed',
    });
    const traceId = caller?.spanContext().traceId;
    expect(run?.spanContext().traceId).toBe(traceId);
    expect(invoke?.spanContext().traceId).toBe(traceId);
    expect(named('chat gpt-4o')[0]?.parentSpanContext?.spanId).toBe(invoke?.spanContext().spanId);
  });
});
