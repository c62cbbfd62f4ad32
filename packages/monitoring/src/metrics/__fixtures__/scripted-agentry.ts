import { Subject } from 'rxjs';
import { z } from 'zod';
import {
  createAgentry,
  definePlugin,
  defineTool,
  type Agentry,
  type AgentryPlugin,
  type WorkflowRunEvent,
} from '@agentry/core';
import {
  createMockModel,
  createMockProvider,
  mockError,
  mockText,
  mockToolCall,
  providerConfiguration,
  type MockTurn,
} from '@agentry/testing';
import type { MetricsConfig } from '../../config/metrics-config.js';
import { installMetrics, type MetricsHandle } from '../install-metrics.js';
import type { MetricsOptions } from '../metrics-options.js';

/** The scripted run's clock: aligned on a minute, so the run stays in one bucket. */
export const START = 29_000_000 * 60_000;

/**
 * An Agentry instance with the metrics installed by a tiny plug-in, on a mock OpenAI provider
 * whose `gpt-4o` falls back to `gpt-4o-mini`, both priced in USD. `play()` runs the script:
 *
 * - run 1: a rate-limited attempt retried; a `lookup` tool call; an `explode` tool call that
 *   fails; two `provider_unavailable` attempts, then the fallback answers;
 * - run 2: `auth_failed` (not retried): the run fails;
 * - a workflow run with two steps, one failing once and retried.
 *
 * Each model call moves the clock 200 ms before its first output, and 300 ms more before the
 * step ends, so time to first chunk is 0.2 s and request duration 0.5 s.
 */
export async function scriptedAgentry(
  section: Partial<MetricsConfig> = {},
  options: MetricsOptions = {},
): Promise<{
  agentry: Agentry;
  metrics: MetricsHandle;
  clock: { now: number };
  play: () => Promise<string>;
}> {
  const clock = { now: START };
  const primaryTurns: MockTurn[] = [
    { error: mockError('rate_limited', 'Slow down.') },
    mockToolCall(
      'lookup',
      { q: 'weather' },
      { usage: { inputTokens: 100, outputTokens: 20, cachedInputTokens: 40 } },
    ),
    mockToolCall(
      'explode',
      {},
      { usage: { inputTokens: 100, outputTokens: 20, cachedInputTokens: 40 } },
    ),
    { error: mockError('provider_unavailable', 'Down.') },
    { error: mockError('provider_unavailable', 'Still down.') },
    { error: mockError('auth_failed', 'Key refused.') },
  ];
  const timed = (turns: MockTurn[]) => (_request: unknown, index: number) => {
    clock.now += 200;
    const turn = turns[index];
    if (turn === undefined) throw new Error(`unscripted call ${index}`);
    return turn;
  };
  const primary = createMockModel({ modelId: 'gpt-4o', respond: timed(primaryTurns) });
  const mini = createMockModel({
    modelId: 'gpt-4o-mini',
    respond: timed([
      mockText('done', { usage: { inputTokens: 50, outputTokens: 10, reasoningTokens: 4 } }),
    ]),
  });
  const base = providerConfiguration({
    type: 'openai',
    model: 'gpt-4o',
    authentication: { type: 'api_key', configuration: { apiKey: '${env:MOCK_KEY}' } },
  });
  const capabilities = {
    maxTokens: 8192,
    supportsStreaming: true,
    supportsFunctions: true,
    supportsVision: false,
    maxConcurrency: 8,
  };
  const config = {
    ...base,
    models: {
      ...(base['models'] as Record<string, unknown>),
      availableModels: {
        'openai:gpt-4o': {
          name: 'gpt-4o',
          capabilities,
          pricing: {
            inputPerMillionTokens: 2.5,
            outputPerMillionTokens: 10,
            cachedInputPerMillionTokens: 1.25,
            currency: 'USD',
          },
        },
        'openai:gpt-4o-mini': {
          name: 'gpt-4o-mini',
          capabilities,
          pricing: { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6, currency: 'USD' },
        },
      },
      fallbackChain: ['openai:gpt-4o-mini'],
    },
  };
  const metricsSection: MetricsConfig = {
    enabled: true,
    collectionInterval: 60_000,
    retentionPeriod: 1,
    exportFormats: ['prometheus'],
    ...section,
  };
  let metrics: MetricsHandle | undefined;
  const metricsPlugin: AgentryPlugin = definePlugin({
    name: 'metrics-under-test',
    version: '1.0.0',
    setup: async (host) => {
      metrics = await installMetrics(host, metricsSection, { now: () => clock.now, ...options });
    },
  });
  // Subscribed after the metrics: moves the clock once a request's first output was measured.
  let awaitingFirst = false;
  const clockPlugin = definePlugin({
    name: 'clock-under-test',
    version: '1.0.0',
    setup: (host) => {
      host.events$.subscribe(({ event }) => {
        if (event.type === 'model-request') awaitingFirst = true;
        else if (
          awaitingFirst &&
          (event.type === 'text-delta' || event.type === 'tool-call-start')
        ) {
          awaitingFirst = false;
          clock.now += 300;
        }
      });
    },
  });
  const agentry = await createAgentry({
    config,
    env: { MOCK_KEY: ['mock', 'k'.repeat(16)].join('-') },
    plugins: [
      {
        name: 'mock-openai',
        version: '1.0.0',
        providers: [
          createMockProvider({ createModel: { 'gpt-4o': primary, 'gpt-4o-mini': mini } }),
        ],
      },
      metricsPlugin,
      clockPlugin,
    ],
    resilience: {
      retry: { maxAttempts: 2, baseDelay: 1, maxDelay: 1, jitter: false, strategy: 'fixed' },
    },
  });
  if (metrics === undefined) throw new Error('metrics were not installed');
  const lookup = defineTool({
    name: 'lookup',
    description: 'Looks up.',
    input: z.object({ q: z.string() }),
    execute: () => ({ found: true }),
  });
  const explode = defineTool({
    name: 'explode',
    description: 'Fails.',
    input: z.object({}),
    execute: () => {
      throw new Error('tool failed');
    },
  });
  const play = async () => {
    const agent = agentry.createAgent({ tools: [lookup, explode] });
    const result = await agent.send('one');
    try {
      await agent.send('two');
    } catch {
      // The scripted auth_failed: the run fails, which is what is measured.
    }
    const runs = new Subject<WorkflowRunEvent>();
    const detach = agentry.attachRunEvents(runs);
    const event = (type: string, at: number, stepId?: string, extra: object = {}) =>
      runs.next({
        type,
        runId: 'run-1',
        workflowId: 'order-review',
        at,
        ...(stepId ? { stepId } : {}),
        ...extra,
      });
    event('run-start', 0);
    event('step-start', 10, 'fetch');
    event('step-end', 2_010, 'fetch');
    event('step-start', 2_020, 'charge');
    event('step-error', 2_500, 'charge', {
      attempt: 1,
      error: { code: 'timeout', message: 'Too slow.' },
    });
    event('step-retry', 2_600, 'charge');
    event('step-end', 4_020, 'charge');
    event('run-end', 4_100);
    detach();
    return `${agent.id}:${result.text}`;
  };
  return { agentry, metrics, clock, play };
}
