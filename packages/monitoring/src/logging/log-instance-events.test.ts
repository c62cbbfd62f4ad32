import { AgentryError, type AgentEvent, type InstanceEvent } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../__fixtures__/recording-logger.js';
import { createEventLogger } from './log-instance-events.js';

const fromAgent = (event: AgentEvent): InstanceEvent => ({
  source: { kind: 'agent', agentId: 'a-1', sessionId: 's-1' },
  event,
});

describe('createEventLogger', () => {
  it('tells a fallback to another model from a retry on the same one', () => {
    const { logger, lines } = recordingLogger();
    const log = createEventLogger(logger);
    const error = new AgentryError({ code: 'provider_unavailable', message: 'Overloaded.' });
    log(
      fromAgent({
        type: 'model-request',
        runId: 'r-1',
        step: 1,
        model: 'openai:gpt-4o',
        attempt: 1,
      }),
    );
    log(
      fromAgent({
        type: 'model-error',
        runId: 'r-1',
        step: 1,
        model: 'openai:gpt-4o',
        attempt: 1,
        error,
        willRetry: true,
        partialText: '',
      }),
    );
    log(
      fromAgent({
        type: 'model-request',
        runId: 'r-1',
        step: 1,
        model: 'openai:gpt-4o',
        attempt: 2,
      }),
    );
    log(
      fromAgent({
        type: 'model-request',
        runId: 'r-1',
        step: 1,
        model: 'anthropic:claude-sonnet-4-5',
        attempt: 1,
      }),
    );
    expect(lines.map(({ level, msg, fields }) => [level, msg, fields.fallbackFrom])).toEqual([
      ['debug', 'model request', undefined],
      ['warn', 'model call failed', undefined],
      ['info', 'model call retried', undefined],
      ['warn', 'model fallback', 'openai:gpt-4o'],
    ]);
    expect(lines[3]?.fields).toMatchObject({
      agentId: 'a-1',
      runId: 'r-1',
      step: 1,
      model: 'anthropic:claude-sonnet-4-5',
    });
  });

  it('forgets a run’s model when the run ends, so the next run’s first request is no fallback', () => {
    const { logger, lines } = recordingLogger();
    const log = createEventLogger(logger);
    log(
      fromAgent({
        type: 'model-request',
        runId: 'r-1',
        step: 1,
        model: 'openai:gpt-4o',
        attempt: 1,
      }),
    );
    log(
      fromAgent({
        type: 'run-error',
        runId: 'r-1',
        error: new AgentryError({ code: 'timeout', message: 'Too slow.' }),
      }),
    );
    log(
      fromAgent({
        type: 'model-request',
        runId: 'r-1',
        step: 1,
        model: 'anthropic:claude-sonnet-4-5',
        attempt: 1,
      }),
    );
    expect(lines.map(({ msg }) => msg)).toEqual([
      'model request',
      'agent run failed',
      'model request',
    ]);
    expect(lines[1]).toMatchObject({
      level: 'error',
      fields: { error: { code: 'timeout', message: 'Too slow.' } },
    });
  });

  it('writes nothing for text deltas and for sources it does not know', () => {
    const { logger, lines } = recordingLogger();
    const log = createEventLogger(logger);
    log(fromAgent({ type: 'text-delta', runId: 'r-1', step: 1, delta: 'Hel' }));
    log({
      source: { kind: 'plugin', plugin: 'x' },
      event: { type: 'security', at: 0 },
    } as unknown as InstanceEvent);
    expect(lines).toEqual([]);
  });
});
