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

  it('at warn, still tells a fallback, and builds no line for the info and debug events', () => {
    const { logger, lines } = recordingLogger();
    const calls: string[] = [];
    const counting = {
      ...logger,
      info: (...args: Parameters<typeof logger.info>) => {
        calls.push('info');
        logger.info(...args);
      },
      debug: (...args: Parameters<typeof logger.debug>) => {
        calls.push('debug');
        logger.debug(...args);
      },
    };
    const log = createEventLogger(counting, (level) => level === 'warn' || level === 'error');
    const request = (model: string, attempt: number) =>
      log(fromAgent({ type: 'model-request', runId: 'r-1', step: 1, model, attempt }));
    log(fromAgent({ type: 'run-start', runId: 'r-1', message: undefined }));
    request('openai:gpt-4o', 1);
    request('openai:gpt-4o', 2);
    request('openai:gpt-4o-mini', 3);
    log(fromAgent({ type: 'text-delta', runId: 'r-1', step: 1, delta: 'Hi' }));
    log(
      fromAgent({
        type: 'run-end',
        runId: 'r-1',
        text: 'Hi',
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
        stepCount: 1,
        steps: 1,
      }),
    );
    expect(lines.map((line) => [line.level, line.msg])).toEqual([['warn', 'model fallback']]);
    expect(calls).toEqual([]);
  });

  it('writes nothing for text deltas and for sources it does not know', () => {
    const { logger, lines } = recordingLogger();
    const log = createEventLogger(logger);
    log(fromAgent({ type: 'text-delta', runId: 'r-1', step: 1, delta: 'Hel' }));
    log({
      source: { kind: 'device', id: 'x' },
      event: { type: 'security', at: 0 },
    } as unknown as InstanceEvent);
    expect(lines).toEqual([]);
  });

  it('logs a security event at warn with its category and severity, never its subject or reason', () => {
    const { logger, lines } = recordingLogger();
    const log = createEventLogger(logger);
    log({
      source: { kind: 'plugin', plugin: 'agentry-plugin-guard' },
      event: {
        type: 'security',
        category: 'access-denied',
        severity: 'high',
        at: 1,
        subject: 'user-42',
        reason: 'role revoked for jane@example.com',
        action: 'read',
        resource: 'tools:search',
      },
    });
    log({
      source: { kind: 'plugin', plugin: 'agentry-plugin-guard' },
      event: { type: 'heartbeat', at: 2 },
    });
    expect(lines).toEqual([
      {
        level: 'warn',
        fields: {
          plugin: 'agentry-plugin-guard',
          category: 'access-denied',
          severity: 'high',
          action: 'read',
          resource: 'tools:search',
        },
        msg: 'security event: access-denied',
      },
      {
        level: 'debug',
        fields: { plugin: 'agentry-plugin-guard', type: 'heartbeat' },
        msg: 'plug-in event: heartbeat',
      },
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/user-42|jane@/);
  });

  it('logs an access decision with its outcome and policy ids: a denial at warn, an allow at debug', () => {
    const { logger, lines } = recordingLogger();
    const log = createEventLogger(logger);
    const decision = (outcome: 'allow' | 'deny' | undefined) =>
      ({
        source: { kind: 'plugin', plugin: '@agentry/security' },
        event: {
          type: 'security',
          category: 'access-decision',
          severity: outcome === 'deny' ? 'medium' : 'low',
          at: 1,
          ...(outcome === undefined ? {} : { outcome }),
          policyIds: ['orders-owner'],
          subject: 'user-42',
          reason: 'user-42 owns no such order',
          action: 'read',
          resource: 'records:order-7',
          traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        },
      }) as InstanceEvent;
    log(decision('allow'));
    log(decision('deny'));
    log(decision(undefined));
    const fields = {
      plugin: '@agentry/security',
      category: 'access-decision',
      policyIds: ['orders-owner'],
      action: 'read',
      resource: 'records:order-7',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    };
    expect(lines).toEqual([
      {
        level: 'debug',
        fields: { ...fields, severity: 'low', outcome: 'allow' },
        msg: 'security event: access-decision',
      },
      {
        level: 'warn',
        fields: { ...fields, severity: 'medium', outcome: 'deny' },
        msg: 'security event: access-decision',
      },
      // No outcome: none is written, and the line is not taken for a routine allow.
      {
        level: 'warn',
        fields: { ...fields, severity: 'low' },
        msg: 'security event: access-decision',
      },
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/user-42 owns|"subject"/);
  });
});
