import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { scriptedModel, textTurn } from '../../test/scripted-model.js';
import {
  AgentryError,
  createAgent,
  createCircuitBreakerRegistry,
  createModelRouter,
  defineTool,
  type AuthorizationRequest,
  type Authorizer,
  type SendAdmission,
  type ToolResultPart,
} from '../index.js';

const toolTurn = (name: string, input: string) => ({
  content: [{ type: 'tool-call' as const, toolCallId: 'c1', toolName: name, input }],
  finishReason: 'tool-calls' as const,
  usage: { inputTokens: 5, outputTokens: 5, totalTokens: 10 },
});

/** An authorizer that records every request and answers with `decide`. */
function recordingAuthorizer(decide: (request: AuthorizationRequest) => boolean) {
  const requests: AuthorizationRequest[] = [];
  const authorizer: Authorizer = {
    authorize: (request) => {
      requests.push(request);
      return Promise.resolve(
        decide(request)
          ? { decision: 'allow', reasons: ['test'], policyIds: ['p1'] }
          : { decision: 'deny', reasons: ['secret-policy-internals'], policyIds: ['p2'] },
      );
    },
  };
  return { authorizer, requests };
}

const toolResultOf = (model: ReturnType<typeof scriptedModel>) => {
  const last = model.requests[1]?.messages.at(-1);
  return last?.role === 'tool' ? last.content[0] : undefined;
};
const errorOf = (result: ToolResultPart | undefined) =>
  (result?.output as { error?: { code: string; message: string } } | undefined)?.error;

describe('authorization of sends', () => {
  it('asks update on agents:<id> for the send principal, before anything reaches the model', async () => {
    const { authorizer, requests } = recordingAuthorizer(() => true);
    const model = scriptedModel([textTurn('hi')]);
    const agent = createAgent({ model, authorizer, context: { sessionId: 's-1' } });
    await agent.send('hello', { principal: { id: 'alice', roles: ['user'] } }).result;
    expect(requests).toEqual([
      {
        principal: { id: 'alice', roles: ['user'] },
        action: 'update',
        resource: { type: 'agents', id: agent.id, attributes: { sessionId: 's-1' } },
        context: { operation: 'agent.send', runId: expect.any(String), sessionId: 's-1' },
      },
    ]);
  });

  it('refuses a denied send without touching the agent: no model call, no message, still idle', async () => {
    const { authorizer } = recordingAuthorizer((request) => request.principal.id !== 'mallory');
    const model = scriptedModel([textTurn('for alice')]);
    const agent = createAgent({ model, authorizer });
    const refused = agent.send('hello', { principal: { id: 'mallory' } }).result;
    await expect(refused).rejects.toMatchObject({
      code: 'permission_denied',
      details: { action: 'update', resource: `agents:${agent.id}`, principal: 'mallory' },
    });
    // The policy's reasons stay out of the error.
    await refused.catch((error: AgentryError) =>
      expect(JSON.stringify(error.toJSON())).not.toContain('secret-policy-internals'),
    );
    expect(model.requests).toHaveLength(0);
    expect(agent.lifecycle).toBe('idle');
    expect(agent.state.messages).toHaveLength(0);
    // The next user's send runs as if nothing happened.
    const { text } = await agent.send('hello', { principal: { id: 'alice' } }).result;
    expect(text).toBe('for alice');
  });

  it('defaults the principal to the context user, else to the agent itself', async () => {
    const { authorizer, requests } = recordingAuthorizer(() => true);
    const withUser = createAgent({
      model: scriptedModel([textTurn('a')]),
      authorizer,
      context: { userId: 'u-9' },
    });
    const alone = createAgent({ model: scriptedModel([textTurn('b')]), authorizer });
    await withUser.send('x').result;
    await alone.send('y').result;
    expect(requests.map((request) => request.principal)).toEqual([
      { id: 'u-9', kind: 'user' },
      { id: alone.id, kind: 'agent' },
    ]);
    expect(requests[0]?.resource.attributes).toMatchObject({ owner: 'u-9' });
  });

  it('refuses a malformed principal at once', async () => {
    const agent = createAgent({ model: scriptedModel([]) });
    for (const principal of [
      { id: '' },
      { id: 5 },
      { id: 'a', roles: [1] },
      { id: 'a', kind: 'root' },
    ])
      await expect(agent.send('x', { principal: principal as never }).result).rejects.toMatchObject(
        { code: 'validation_failed', details: { path: ['principal'] } },
      );
  });

  it('fails closed when the authorizer throws', async () => {
    const authorizer: Authorizer = {
      authorize: () => Promise.reject(new Error('policy store down')),
    };
    const model = scriptedModel([textTurn('never')]);
    const agent = createAgent({ model, authorizer });
    await expect(agent.send('x').result).rejects.toMatchObject({ code: 'permission_denied' });
    expect(model.requests).toHaveLength(0);
  });
});

describe('admission checks', () => {
  it('admits one principal’s turns in order while another principal’s turn goes ahead', async () => {
    const gates = new Map<string, () => void>();
    const held: SendAdmission = (context) =>
      context.principal.id === 'slow'
        ? new Promise<void>((resolve) => gates.set(context.runId, resolve))
        : undefined;
    const model = scriptedModel([textTurn('fast'), textTurn('slow 1'), textTurn('slow 2')]);
    const agent = createAgent({ model, admission: [held] });
    const first = agent.send('one', { principal: { id: 'slow' } });
    const second = agent.send('two', { principal: { id: 'slow' } });
    const other = await agent.send('three', { principal: { id: 'quick' } }).result;
    expect(other.text).toBe('fast');
    // The second is held behind the first, whose check is still waiting.
    await Promise.resolve();
    expect(gates.size).toBe(1);
    gates.get(first.id)?.();
    expect((await first.result).text).toBe('slow 1');
    await vi.waitFor(() => expect(gates.size).toBe(2));
    gates.get(second.id)?.();
    expect((await second.result).text).toBe('slow 2');
  });

  it('refuses a turn a check throws for, and gives up a turn aborted while it is held', async () => {
    const model = scriptedModel([textTurn('after')]);
    let hold: Promise<void> | undefined;
    const check: SendAdmission = (context) => {
      if (context.principal.id === 'limited')
        throw new AgentryError({
          code: 'rate_limited',
          message: 'slow down',
          details: { retryAfterMs: 500 },
        });
      if (context.principal.id === 'waiting')
        return (hold = new Promise<void>((_, reject) =>
          context.signal.addEventListener('abort', () => reject(new Error('left the queue'))),
        ));
      return undefined;
    };
    const agent = createAgent({ model, admission: [check] });
    await expect(agent.send('x', { principal: { id: 'limited' } }).result).rejects.toMatchObject({
      code: 'rate_limited',
      details: { retryAfterMs: 500 },
    });
    const waiting = agent.send('y', { principal: { id: 'waiting' } });
    await vi.waitFor(() => expect(hold).toBeDefined());
    waiting.abort('changed my mind');
    await expect(waiting.result).rejects.toBeInstanceOf(AgentryError);
    expect(agent.lifecycle).toBe('idle');
    expect((await agent.send('z').result).text).toBe('after');
    expect(model.requests).toHaveLength(1);
  });
});

describe('authorization of tool calls', () => {
  const drop = (execute = vi.fn(() => ({ dropped: true }))) => ({
    execute,
    tool: defineTool({
      name: 'drop_table',
      description: 'Drops a table.',
      input: z.object({ table: z.string() }),
      destructive: true,
      execute,
    }),
  });

  it('refuses a denied call before its arguments are read, and never runs it', async () => {
    const { authorizer, requests } = recordingAuthorizer(
      (request) => request.context?.operation === 'agent.send',
    );
    const { tool, execute } = drop();
    // Malformed arguments: a parse would have answered invalid_request instead.
    const model = scriptedModel([toolTurn('drop_table', '{"table": '), textTurn('ok')]);
    const agent = createAgent({
      model,
      tools: [tool],
      authorizer,
      context: { permissions: ['tools:*'], sessionId: 's-2' },
    });
    await agent.send('drop it', { principal: { id: 'bob' } }).result;
    expect(execute).not.toHaveBeenCalled();
    expect(errorOf(toolResultOf(model))).toMatchObject({ code: 'permission_denied' });
    expect(errorOf(toolResultOf(model))?.message).toContain('bob may not delete tools:drop_table');
    expect(requests[1]).toEqual({
      principal: { id: 'bob' },
      action: 'delete',
      resource: { type: 'tools', id: 'drop_table', attributes: { destructive: true } },
      agent: { id: agent.id, permissions: ['tools:*'] },
      context: {
        operation: 'tool.call',
        runId: expect.any(String),
        toolCallId: 'c1',
        sessionId: 's-2',
      },
    });
  });

  it('gives an allowed tool its principal and an authorize that asks for stored resources', async () => {
    const { authorizer, requests } = recordingAuthorizer(
      (request) =>
        request.resource.type !== 'records' ||
        request.resource.attributes?.owner === request.principal.id,
    );
    const records = new Map([
      ['r1', { owner: 'alice', body: 'alice’s' }],
      ['r2', { owner: 'bob', body: 'bob’s' }],
    ]);
    const read = defineTool({
      name: 'read_record',
      description: 'Reads a record.',
      input: z.object({ id: z.string() }),
      execute: async ({ id }, context) => {
        const record = records.get(id);
        await context.authorize('read', {
          type: 'records',
          id,
          attributes: { owner: record?.owner },
        });
        return { body: record?.body, for: context.principal.id };
      },
    });
    const model = scriptedModel([toolTurn('read_record', '{"id":"r2"}'), textTurn('done')]);
    const agent = createAgent({ model, tools: [read], authorizer });
    await agent.send('read r2', { principal: { id: 'alice' } }).result;
    expect(errorOf(toolResultOf(model))).toMatchObject({
      code: 'permission_denied',
      message: expect.stringContaining('alice may not read records:r2'),
    });
    expect(requests.at(-1)).toMatchObject({
      action: 'read',
      resource: { type: 'records', id: 'r2', attributes: { owner: 'bob' } },
      context: { operation: 'tool.resource', tool: 'read_record' },
    });
  });

  it('asks nothing and refuses nothing without an authorizer', async () => {
    const { tool, execute } = drop();
    const model = scriptedModel([toolTurn('drop_table', '{"table":"t"}'), textTurn('ok')]);
    const agent = createAgent({ model, tools: [tool] });
    await agent.send('drop it').result;
    expect(execute).toHaveBeenCalledOnce();
  });
});

describe('a model middleware’s refusal', () => {
  it('is surfaced at once: no retry, no fallback, no breaker failure', async () => {
    const primary = scriptedModel([textTurn('primary')], 'gpt-4o');
    const backup = scriptedModel([textTurn('backup')], 'claude', 'anthropic');
    const breakers = createCircuitBreakerRegistry({
      failureThreshold: 1,
      recoveryTimeout: 60_000,
      halfOpenMaxCalls: 1,
    });
    const router = createModelRouter({ models: [primary, backup], breakers });
    let refuse = true;
    const agent = createAgent({
      model: router,
      middleware: {
        model: [
          async (_context, next) => {
            if (refuse)
              throw new AgentryError({
                code: 'rate_limited',
                message: 'over budget',
                details: { retryAfterMs: 10 },
              });
            await next();
          },
        ],
      },
    });
    await expect(agent.send('x').result).rejects.toMatchObject({ code: 'rate_limited' });
    expect(primary.requests).toHaveLength(0);
    expect(backup.requests).toHaveLength(0);
    expect(breakers.entries().map(([, breaker]) => breaker.state)).not.toContain('open');
    refuse = false;
    agent.retry();
    await vi.waitFor(() => expect(primary.requests).toHaveLength(1));
  });
});
