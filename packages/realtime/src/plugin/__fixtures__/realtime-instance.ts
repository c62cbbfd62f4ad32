import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  createAgentry,
  defineTool,
  type Agentry,
  type AgentryError,
  type AgentryPlugin,
  type RealtimeLog,
} from '@agentry/core';
import {
  createMockModel,
  createMockProvider,
  mockText,
  mockToolCall,
  providerConfiguration,
  type MockTurn,
} from '@agentry/testing';
import { createMemoryRealtimeLog } from '../../log/index.js';
import { realtime, type RealtimeOptions } from '../realtime-plugin.js';

/** A tool that waits until the test releases it, so a run can be caught while it runs. */
export function createGate() {
  const waiters: (() => void)[] = [];
  const tool = defineTool({
    name: 'wait',
    description: 'Waits until released.',
    input: z.object({}),
    execute: () => new Promise<string>((resolve) => waiters.push(() => resolve('released'))),
  });
  return {
    tool,
    get waiting() {
      return waiters.length;
    },
    release() {
      for (const waiter of waiters.splice(0)) waiter();
    },
  };
}

/** An Agentry instance with realtime() and a scripted model. */
export async function realtimeInstance(
  options: {
    script?: MockTurn[];
    realtime?: RealtimeOptions;
    communication?: unknown;
    /** More plug-ins, installed after realtime (a masker, say). */
    plugins?: AgentryPlugin[];
  } = {},
): Promise<{ agentry: Agentry; log: RealtimeLog; errors: AgentryError[] }> {
  const errors: AgentryError[] = [];
  const model = createMockModel({
    modelId: 'gpt-4o',
    script: options.script ?? [
      mockToolCall('lookup', { query: 'weather' }),
      mockText(['Sun', 'ny.']),
    ],
  });
  const agentry = await createAgentry({
    config: {
      ...providerConfiguration({
        type: 'openai',
        model: 'gpt-4o',
        authentication: { type: 'api_key', configuration: { apiKey: '${env:MOCK_KEY}' } },
      }),
      ...(options.communication === undefined ? {} : { communication: options.communication }),
    },
    env: { MOCK_KEY: ['mock', randomUUID()].join('-') },
    plugins: [
      {
        name: 'mock-openai',
        version: '1.0.0',
        providers: [createMockProvider({ createModel: { 'gpt-4o': model } })],
      },
      realtime({
        sweepIntervalMs: false,
        onError: (error) => errors.push(error),
        ...options.realtime,
        // A log of the test's, so that closing the plug-in leaves it readable.
        log: options.realtime?.log ?? createMemoryRealtimeLog(),
      }),
      ...(options.plugins ?? []),
    ],
    resilience: {
      retry: { maxAttempts: 1, baseDelay: 1, maxDelay: 1, jitter: false, strategy: 'fixed' },
    },
  });
  return { agentry, log: agentry.realtime.log, errors };
}

export const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a query up.',
  input: z.object({ query: z.string() }),
  execute: ({ query }) => ({ query, answer: 'sunny' }),
});

/** Every entry of a channel, parsed. */
export async function readAll(log: RealtimeLog, channel: string, after = '-1') {
  const page = await log.read(channel, after, { limit: 100_000 });
  return page.entries.map((entry) => JSON.parse(entry.data as string) as Record<string, unknown>);
}
