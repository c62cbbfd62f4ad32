import {
  agentTransitions,
  allowedEvents,
  createAgent,
  nextAgentState,
  type AgentLifecycleEvent,
  type AgentLifecycleState,
} from '@agentry/core';
import { createMockModel, mockText } from '@agentry/testing';
import { describe, expect, it } from 'vitest';

const states = Object.keys(agentTransitions) as AgentLifecycleState[];
const events: AgentLifecycleEvent[] = [
  'start',
  'receiveMessage',
  'completeTask',
  'exception',
  'retry',
  'abort',
  'pause',
  'resume',
  'shutdown',
];

describe('agent state machine', () => {
  it('has exactly the arrows of the specification', () => {
    expect(agentTransitions).toEqual({
      created: { start: 'idle' },
      idle: { receiveMessage: 'processing', shutdown: 'shut-down' },
      processing: { completeTask: 'idle', exception: 'error', pause: 'paused' },
      error: { retry: 'processing', abort: 'idle' },
      paused: { resume: 'processing' },
      'shut-down': {},
    });
  });

  const illegal = states.flatMap((state) =>
    events
      .filter((event) => !(event in agentTransitions[state]))
      .map((event) => [state, event] as const),
  );

  it.each(illegal)(
    'refuses %s -> %s with invalid_transition naming the allowed events',
    (state, event) => {
      try {
        nextAgentState(state, event);
        expect.unreachable();
      } catch (error) {
        expect(error).toMatchObject({
          code: 'invalid_transition',
          details: { state, event, allowed: allowedEvents(state) },
        });
      }
    },
  );

  it('refuses illegal calls on a live agent and leaves its state alone', async () => {
    const agent = createAgent({
      model: createMockModel({ script: [mockText('hi')] }),
      autoStart: false,
    });
    expect(agent.lifecycle).toBe('created');
    expect(() => agent.pause()).toThrow(
      expect.objectContaining({ code: 'invalid_transition' }) as Error,
    );
    agent.start();
    expect(() => agent.start()).toThrow(
      expect.objectContaining({ code: 'invalid_transition' }) as Error,
    );
    expect(() => agent.resume()).toThrow(
      expect.objectContaining({ code: 'invalid_transition' }) as Error,
    );
    expect(() => agent.retry()).toThrow(
      expect.objectContaining({ code: 'invalid_transition' }) as Error,
    );
    expect(() => agent.abort()).toThrow(
      expect.objectContaining({ code: 'invalid_transition' }) as Error,
    );
    expect(agent.lifecycle).toBe('idle');
    await agent.send('x');
    await agent.shutdown();
    expect(agent.lifecycle).toBe('shut-down');
    await expect(agent.send('after')).rejects.toMatchObject({ code: 'invalid_transition' });
  });
});
