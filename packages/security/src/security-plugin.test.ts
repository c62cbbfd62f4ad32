import { randomUUID } from 'node:crypto';
import {
  createAgentry,
  defineTool,
  services,
  type Agentry,
  type SecurityEvent,
} from '@agentry/core';
import {
  createMockModel,
  createMockProvider,
  mockText,
  mockToolCall,
  providerConfiguration,
  type MockTurn,
} from '@agentry/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { compliantSecurityConfig } from './__fixtures__/compliant-security-config.js';
import { testSecurityOptions } from './__fixtures__/security-options.js';
import { isApprovalRequested, security, type SecurityConfig } from './index.js';

const open: Agentry[] = [];
afterEach(async () => {
  for (const agentry of open.splice(0)) await agentry.shutdown();
});

type AccessControl = SecurityConfig['accessControl'];

const memberPolicy = (overrides: Partial<AccessControl> = {}): AccessControl => ({
  rbac: true,
  subjects: { alice: ['member'], bob: ['member'], carol: ['approver'] },
  permissions: [
    { id: 'talk', roles: ['member'], resource: 'agents:*', actions: ['update'] },
    { id: 'tools', roles: ['member'], resource: 'tools:*', actions: ['read', 'delete'] },
    {
      id: 'own-records',
      roles: ['member'],
      resource: 'records:*',
      actions: ['read'],
      conditions: { ownerOnly: true },
    },
    { id: 'approve', roles: ['approver'], resource: 'approvals:*', actions: ['update'] },
  ],
  rateLimiting: {
    enabled: false,
    requestsPerMinute: 600,
    burstLimit: 50,
    penaltyStrategy: 'reject',
  },
  ...overrides,
});

async function instance(
  accessControl: AccessControl | undefined,
  script: MockTurn[] = [],
  { listen = true } = {},
) {
  const model = createMockModel({ modelId: 'gpt-4o', script, repeat: false });
  const section = accessControl && { ...compliantSecurityConfig(), accessControl };
  const agentry = await createAgentry({
    config: {
      ...providerConfiguration({
        type: 'openai',
        model: 'gpt-4o',
        authentication: { type: 'api_key', configuration: { apiKey: '${env:MOCK_KEY}' } },
      }),
      ...(section ? { security: section } : {}),
    },
    env: { MOCK_KEY: ['mock', randomUUID()].join('-') },
    plugins: [
      { name: 'mock-openai', version: '1.0.0', providers: [createMockProvider({ model })] },
      security(testSecurityOptions()),
    ],
  });
  open.push(agentry);
  const decisions: SecurityEvent[] = [];
  if (listen)
    agentry.events$.subscribe(({ event }) => {
      if (event.type === 'security') decisions.push(event as SecurityEvent);
    });
  return { agentry, model, decisions };
}

const records = new Map([
  ['r-1', { owner: 'alice', body: 'alice’s' }],
  ['r-2', { owner: 'bob', body: 'bob’s' }],
]);
const readRecord = defineTool({
  name: 'read_record',
  description: 'Reads a record.',
  input: z.object({ id: z.string() }),
  execute: async ({ id }, context) => {
    const record = records.get(id);
    // The stored owner, never anything the model wrote.
    await context.authorize('read', { type: 'records', id, attributes: { owner: record?.owner } });
    return { body: record?.body };
  },
});

const toolError = (agentryModel: ReturnType<typeof createMockModel>, call: number) => {
  const last = agentryModel.calls[call]?.request.messages.at(-1);
  const result = last?.role === 'tool' ? last.content[0] : undefined;
  return (result?.output as { error?: { code: string } } | undefined)?.error;
};

describe('security() with access control on', () => {
  it('provides the authorizer, denies by default and emits every decision', async () => {
    const { agentry, decisions } = await instance(memberPolicy(), [mockText('hi')]);
    expect(agentry.services.lookup(services.authorizer)).toBeDefined();
    const agent = agentry.createAgent({ context: { permissions: ['tools:*'] } });
    await expect(
      agent.send('hello', { principal: { id: 'mallory' } }).result,
    ).rejects.toMatchObject({ code: 'permission_denied' });
    expect((await agent.send('hello', { principal: { id: 'alice' } }).result).text).toBe('hi');
    expect(decisions.map((event) => [event.subject, event.outcome, event.policyIds])).toEqual([
      ['mallory', 'deny', []],
      ['alice', 'allow', ['talk']],
    ]);
    expect(decisions[1]).toMatchObject({
      category: 'access-decision',
      action: 'update',
      resource: `agents:${agent.id}`,
      runId: expect.any(String),
    });
  });

  it('emits the decisions made while events$ has a subscriber, from the first one on', async () => {
    const { agentry } = await instance(memberPolicy(), [], { listen: false });
    const request = {
      principal: { id: 'alice' },
      action: 'update' as const,
      resource: { type: 'agents', id: 'a-1' },
    };
    const seen: SecurityEvent[] = [];
    expect((await agentry.security.authorize(request)).decision).toBe('allow');
    const subscription = agentry.events$.subscribe(({ event }) => {
      if (event.type === 'security') seen.push(event as SecurityEvent);
    });
    await agentry.security.authorize({ ...request, principal: { id: 'mallory' } });
    await agentry.security.authorize(request);
    subscription.unsubscribe();
    expect((await agentry.security.authorize(request)).decision).toBe('allow');
    expect(seen.map((event) => [event.subject, event.outcome, event.resource])).toEqual([
      ['mallory', 'deny', 'agents:a-1'],
      ['alice', 'allow', 'agents:a-1'],
    ]);
  });

  it('checks conditions on stored attributes and keeps tools outside the agent’s scope unrun', async () => {
    const deleteAll = vi.fn(() => ({ gone: true }));
    const { agentry, model } = await instance(memberPolicy(), [
      mockToolCall('read_record', { id: 'r-2' }),
      mockText('no'),
      mockToolCall('read_record', { id: 'r-1' }),
      mockText('yes'),
      mockToolCall('delete_all', {}),
      mockText('refused'),
    ]);
    const agent = agentry.createAgent({
      tools: [
        readRecord,
        defineTool({
          name: 'delete_all',
          description: 'Deletes.',
          input: z.object({}),
          execute: deleteAll,
        }),
      ],
      // The agent may read records and call read_record only.
      context: { permissions: ['tools:read_record', 'records:*'] },
    });
    await agent.send('read r-2', { principal: { id: 'alice' } }).result;
    expect(toolError(model, 1)).toMatchObject({ code: 'permission_denied' });
    await agent.send('read r-1', { principal: { id: 'alice' } }).result;
    expect(toolError(model, 3)).toBeUndefined();
    await agent.send('delete everything', { principal: { id: 'alice' } }).result;
    expect(toolError(model, 5)).toMatchObject({ code: 'permission_denied' });
    expect(deleteAll).not.toHaveBeenCalled();
  });

  it('takes a revoked role away at the next action', async () => {
    const { agentry } = await instance(memberPolicy(), [mockText('one'), mockText('two')]);
    const agent = agentry.createAgent();
    await agent.send('x', { principal: { id: 'bob' } }).result;
    await agentry.security.roles.revoke('bob', 'member');
    expect(await agentry.security.roles.list('bob')).toEqual([]);
    await expect(agent.send('y', { principal: { id: 'bob' } }).result).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await agentry.security.roles.assign('bob', 'member');
    expect((await agent.send('z', { principal: { id: 'bob' } }).result).text).toBe('two');
  });

  it('holds a destructive call until an approver the policy allows approves it', async () => {
    const drop = vi.fn(() => ({ dropped: true }));
    const { agentry } = await instance(memberPolicy(), [
      mockToolCall('drop_table', { table: 't' }),
      mockText('dropped'),
    ]);
    const agent = agentry.createAgent({
      tools: [
        defineTool({
          name: 'drop_table',
          description: 'Drops a table.',
          input: z.object({ table: z.string() }),
          destructive: true,
          execute: drop,
        }),
      ],
      context: { permissions: ['tools:*'] },
    });
    const requested = new Promise<string>((resolve) =>
      agentry.events$.subscribe(({ event }) => {
        if (isApprovalRequested(event)) resolve(event.id);
      }),
    );
    const run = agent.send('drop t', { principal: { id: 'alice' } });
    const id = await requested;
    expect(drop).not.toHaveBeenCalled();
    await expect(agentry.security.approvals.approve(id, { id: 'bob' })).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await agentry.security.approvals.approve(id, { id: 'carol' });
    expect((await run.result).text).toBe('dropped');
    expect(drop).toHaveBeenCalledOnce();
  });

  it('refuses a burst over the limit without touching the agent', async () => {
    const { agentry, decisions } = await instance(
      memberPolicy({
        rateLimiting: {
          enabled: true,
          requestsPerMinute: 60,
          burstLimit: 2,
          penaltyStrategy: 'reject',
        },
      }),
      [mockText('1'), mockText('2'), mockText('3')],
    );
    const agent = agentry.createAgent();
    const outcomes = await Promise.allSettled(
      [1, 2, 3].map((index) => agent.send(`m${index}`, { principal: { id: 'alice' } }).result),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
    ]);
    expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({
      code: 'rate_limited',
      details: { retryAfterMs: expect.any(Number) },
    });
    expect(agent.lifecycle).toBe('idle');
    expect(decisions.some((event) => event.category === 'rate-limited')).toBe(true);
  });
});

describe('security() with access control off', () => {
  it('provides no authorizer, refuses nothing, and says so when asked to decide', async () => {
    const { agentry } = await instance(memberPolicy({ rbac: false }), [mockText('open')]);
    expect(agentry.services.lookup(services.authorizer)).toBeUndefined();
    const agent = agentry.createAgent();
    expect((await agent.send('x', { principal: { id: 'anyone' } }).result).text).toBe('open');
    await expect(
      agentry.security.authorize({
        principal: { id: 'a' },
        action: 'read',
        resource: { type: 'config' },
      }),
    ).rejects.toMatchObject({ code: 'config_invalid' });
  });

  it('runs nothing without a security section', async () => {
    const { agentry } = await instance(undefined, [mockText('open')]);
    expect(agentry.services.lookup(services.authorizer)).toBeUndefined();
    expect(agentry.security.approvals.pending()).toEqual([]);
  });
});

describe('bad policies', () => {
  it('refuse to start, naming the path', async () => {
    for (const accessControl of [
      memberPolicy({
        subjects: JSON.parse('{"__proto__": ["admin"]}') as Record<string, string[]>,
      }),
      memberPolicy({ permissions: [{ resource: 'tools:..', actions: ['read'] }] }),
      memberPolicy({
        permissions: [{ resource: 'tools:*', actions: ['read'], roles: ['constructor'] }],
      }),
    ])
      await expect(instance(accessControl)).rejects.toMatchObject({ code: 'config_invalid' });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});
