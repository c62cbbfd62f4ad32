import { randomUUID } from 'node:crypto';
import { createAgentry, defineTool, definePlugin, type Agentry } from '@agentry/core';
import { installTracing, type InstallTracingOptions } from '@agentry/monitoring/otel';
import {
  createMockModel,
  createMockProvider,
  mockText,
  mockToolCall,
  providerConfiguration,
} from '@agentry/testing';
import { trace } from '@opentelemetry/api';
import { afterEach } from 'vitest';
import { z } from 'zod';

const open: Agentry[] = [];
afterEach(async () => {
  for (const agentry of open.splice(0)) await agentry.shutdown();
});

/** The spans active inside the tool, as the tool itself saw them. */
export const activeInTool: (string | undefined)[] = [];

/** A tool that records the span active while it runs. */
export const lookupOrder = defineTool({
  name: 'lookup_order',
  description: 'Looks an order up.',
  input: z.object({ orderId: z.string() }),
  execute: async ({ orderId }) => {
    await Promise.resolve();
    activeInTool.push(trace.getActiveSpan()?.spanContext().spanId);
    return { orderId, total: 120 };
  },
});

/** An instance on a mock model (a tool call, then text) with tracing installed; closed after the test. */
export async function createTracedInstance(tracing: InstallTracingOptions): Promise<Agentry> {
  const model = createMockModel({
    modelId: 'gpt-4o',
    script: [mockToolCall('lookup_order', { orderId: 'o-1' }), mockText('It totals 120.')],
  });
  const agentry = await createAgentry({
    config: providerConfiguration({
      type: 'openai',
      model: 'gpt-4o',
      authentication: { type: 'api_key', configuration: { apiKey: '${env:MOCK_KEY}' } },
    }),
    env: { MOCK_KEY: ['mock', randomUUID()].join('-') },
    plugins: [
      { name: 'mock-openai', version: '1.0.0', providers: [createMockProvider({ model })] },
      definePlugin({
        name: 'test-tracing',
        version: '1.0.0',
        setup: (host) => void installTracing(host, tracing),
      }),
    ],
  });
  open.push(agentry);
  return agentry;
}
