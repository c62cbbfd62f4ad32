import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  AgentryError,
  createAgentry,
  defineTool,
  type Agentry,
  type InstanceEvent,
} from '@agentry/core';
import {
  createMockModel,
  createMockProvider,
  mockError,
  mockText,
  mockToolCall,
  providerConfiguration,
} from '@agentry/testing';
import { afterEach, expect } from 'vitest';
import type { AgUiEvent } from '../ag-ui-types.js';

const open: Agentry[] = [];
afterEach(async () => {
  for (const agentry of open.splice(0)) await agentry.shutdown();
});

/** A real instance with a scripted model: a tool call, a failed attempt retried, an answer, an error. */
export async function scriptedRun(): Promise<{
  events: InstanceEvent[];
  agentId: string;
  sessionId: string;
}> {
  const model = createMockModel({
    modelId: 'gpt-4o',
    script: [
      mockToolCall(
        'lookup',
        { query: 'weather' },
        { reasoning: 'I should look it up.', chunks: 3 },
      ),
      {
        text: 'Partial answer that',
        textChunks: 3,
        errorAfterParts: { parts: 2, error: mockError('provider_unavailable', 'Down.') },
      },
      mockText(['Sun', 'ny.']),
      { error: mockError('invalid_request', 'Refused.') },
    ],
  });
  const agentry = await createAgentry({
    config: providerConfiguration({
      type: 'openai',
      model: 'gpt-4o',
      authentication: { type: 'api_key', configuration: { apiKey: '${env:MOCK_KEY}' } },
    }),
    env: { MOCK_KEY: ['mock', randomUUID()].join('-') },
    plugins: [
      {
        name: 'mock-openai',
        version: '1.0.0',
        providers: [createMockProvider({ createModel: { 'gpt-4o': model } })],
      },
    ],
    resilience: {
      retry: { maxAttempts: 2, baseDelay: 1, maxDelay: 1, jitter: false, strategy: 'fixed' },
    },
  });
  open.push(agentry);
  const events: InstanceEvent[] = [];
  const subscription = agentry.events$.subscribe((event) => events.push(event));
  const lookup = defineTool({
    name: 'lookup',
    description: 'Looks a query up.',
    input: z.object({ query: z.string() }),
    execute: ({ query }) => ({ query, answer: 'sunny' }),
  });
  const agent = agentry.createAgent({ tools: [lookup], context: { userId: 'user-1' } });
  expect((await agent.send('Weather?')).text).toBe('Sunny.');
  await expect(agent.send('Again?')).rejects.toThrow(AgentryError);
  subscription.unsubscribe();
  return { events, agentId: agent.id, sessionId: agent.context.sessionId };
}

/** Agent-level events (status, metrics, warnings) belong to no run. */
export const agentLevel = new Set([
  'agentry.status',
  'agentry.metrics',
  'agentry.model-warning',
  'agentry.realtime-error',
]);

/** The mapped events split by run (from each RUN_STARTED), agent-level events left out. */
export const byRun = (events: readonly AgUiEvent[]): AgUiEvent[][] => {
  const runs: AgUiEvent[][] = [];
  let current: AgUiEvent[] | undefined;
  for (const event of events) {
    if (event.type === 'CUSTOM' && agentLevel.has(event.name)) continue;
    if (event.type === 'RUN_STARTED') runs.push((current = []));
    current?.push(event);
  }
  return runs;
};
