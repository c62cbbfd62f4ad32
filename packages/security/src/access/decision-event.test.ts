import { describe, expect, it } from 'vitest';
import { decisionEvent } from './decision-event.js';

describe('decisionEvent', () => {
  it('describes an allow with its policy ids, at low severity', () => {
    const event = decisionEvent(
      { principal: { id: 'alice' }, action: 'read', resource: { type: 'tools', id: 'search' } },
      { decision: 'allow', reasons: ['tools grants read on tools:search'], policyIds: ['tools'] },
      { at: 5, traceId: 'abc' },
    );
    expect(event).toEqual({
      type: 'security',
      category: 'access-decision',
      severity: 'low',
      at: 5,
      outcome: 'allow',
      policyIds: ['tools'],
      subject: 'alice',
      action: 'read',
      resource: 'tools:search',
      reason: 'tools grants read on tools:search',
      traceId: 'abc',
    });
  });

  it('describes a deny at medium severity, without a trace when none is given', () => {
    const event = decisionEvent(
      { principal: { id: 'bob' }, action: 'delete', resource: { type: 'config' } },
      { decision: 'deny', reasons: ['no grant of delete on config for bob'], policyIds: [] },
      { at: 6 },
    );
    expect(event).toMatchObject({
      outcome: 'deny',
      severity: 'medium',
      resource: 'config',
      policyIds: [],
    });
    expect(event).not.toHaveProperty('traceId');
  });

  it('names the run and the tool call the request was asked in', () => {
    const event = decisionEvent(
      {
        principal: { id: 'alice' },
        action: 'delete',
        resource: { type: 'tools', id: 'drop_table' },
        context: { operation: 'tool.call', runId: 'run-1', toolCallId: 'call-1' },
      },
      { decision: 'deny', reasons: ['no grant'], policyIds: [] },
      { at: 7 },
    );
    expect(event).toMatchObject({ runId: 'run-1', toolCallId: 'call-1' });
  });

  it('leaves out fields the request holds in the wrong type', () => {
    const event = decisionEvent(
      { principal: { id: 42 }, action: 7, resource: { type: 'tools', id: 3 } } as never,
      { decision: 'deny', reasons: ['the principal id is number, not a string'], policyIds: [] },
      { at: 1 },
    );
    expect(event).not.toHaveProperty('subject');
    expect(event).not.toHaveProperty('action');
    expect(event).not.toHaveProperty('resource');
  });
});
