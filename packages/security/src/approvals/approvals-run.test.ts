import { randomUUID } from 'node:crypto';
import {
  AgentryError,
  createAgentry,
  definePlugin,
  defineTool,
  services,
  type Agentry,
  type AuthorizationRequest,
  type Authorizer,
  type Masker,
  type ModelRequest,
} from '@agentry/core';
import {
  createMockModel,
  createMockProvider,
  mockText,
  mockToolCall,
  providerConfiguration,
} from '@agentry/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createApprovals, type ApprovalsOptions, type Approvals } from '../index.js';

// The approval step in a real instance: a test plug-in provides a fake policy and installs the
// approvals' middleware, the mock model calls a destructive tool, and a person decides.

const open: Agentry[] = [];
afterEach(async () => {
  for (const agentry of open.splice(0)) await agentry.shutdown();
});

/** Allows every tool call; lets only principals with the `reviewer` role decide approvals. */
function reviewersPolicy() {
  const asked: AuthorizationRequest[] = [];
  const authorizer: Authorizer = {
    authorize: (request) => {
      asked.push(request);
      const allowed =
        request.context?.['operation'] !== 'tool.approve' ||
        request.principal.roles?.includes('reviewer') === true;
      return Promise.resolve(
        allowed
          ? { decision: 'allow', reasons: ['allowed'], policyIds: ['p-1'] }
          : { decision: 'deny', reasons: ['not a reviewer'], policyIds: ['p-1'] },
      );
    },
  };
  return { authorizer, asked };
}

interface Setup {
  masker?: Masker;
  approvals?: Partial<ApprovalsOptions>;
  timeout?: number;
  input?: Record<string, unknown>;
}

async function instance(setup: Setup = {}) {
  const model = createMockModel({
    modelId: 'gpt-4o',
    script: [
      mockToolCall('delete_order', setup.input ?? { orderId: 'o-42' }),
      mockText('Done.'),
      mockToolCall('read_order', { orderId: 'o-42' }),
      mockText('Read.'),
    ],
  });
  const policy = reviewersPolicy();
  let approvals!: Approvals;
  const plugin = definePlugin({
    name: 'approvals-under-test',
    version: '1.0.0',
    setup(host) {
      host.provide(services.authorizer, policy.authorizer);
      if (setup.masker) host.provide(services.masker, setup.masker);
      approvals = createApprovals({
        authorizer: () => host.lookup(services.authorizer),
        masker: () => host.lookup(services.masker),
        emit: (event) => host.emit(event),
        ...setup.approvals,
      });
      host.useToolMiddleware(approvals.middleware);
    },
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
      plugin,
    ],
  });
  open.push(agentry);
  const events: Record<string, unknown>[] = [];
  agentry.events$.subscribe(({ event }) => {
    if (event.type.startsWith('approval-')) events.push(event as Record<string, unknown>);
  });
  const deleted: unknown[] = [];
  const deleteOrder = defineTool({
    name: 'delete_order',
    description: 'Deletes an order.',
    input: z.object({ orderId: z.string(), note: z.string().optional() }),
    destructive: true,
    ...(setup.timeout === undefined ? {} : { timeout: setup.timeout }),
    execute: (input) => {
      deleted.push(input);
      return { deleted: input.orderId };
    },
  });
  const readOrder = defineTool({
    name: 'read_order',
    description: 'Reads an order.',
    input: z.object({ orderId: z.string() }),
    execute: ({ orderId }) => ({ orderId, status: 'open' }),
  });
  const agent = agentry.createAgent({ tools: [deleteOrder, readOrder] });
  /** Resolves with the first approval event of that type. */
  const next = (type: string) =>
    vi.waitFor(
      () => {
        const found = events.find((event) => event['type'] === type);
        if (found === undefined) throw new Error(`no ${type} event yet`);
        return found;
      },
      { timeout: 2_000, interval: 2 },
    );
  return { agentry, agent, model, policy, approvals: () => approvals, events, deleted, next };
}

/** The tool result the model received in its request after the tool call. */
function toolResultOf(request: ModelRequest | undefined) {
  const last = request?.messages.at(-1);
  const [part] = last?.role === 'tool' ? last.content : [];
  return part as { output: unknown; isError?: boolean } | undefined;
}

const alice = { id: 'alice', kind: 'user' as const };
const bob = { id: 'bob', kind: 'user' as const, roles: ['reviewer'] };

describe('approvals in a running instance', () => {
  it('does hold a destructive call until a reviewer approves it, then runs the tool once', async () => {
    const run = await instance();
    const turn = run.agent.send('Delete order o-42', { principal: alice });
    const requested = await run.next('approval-requested');

    expect(requested).toEqual({
      type: 'approval-requested',
      at: expect.any(Number),
      id: expect.any(String),
      agentId: run.agent.id,
      runId: turn.id,
      toolCallId: expect.any(String),
      toolName: 'delete_order',
      action: 'delete',
      resource: 'tools:delete_order',
      principal: alice,
      input: { orderId: 'o-42' },
      requestedAt: requested['at'],
    });
    expect(run.deleted).toEqual([]);
    expect(run.approvals().pending()).toEqual([expect.objectContaining({ id: requested['id'] })]);

    await run.approvals().approve(requested['id'] as string, bob);
    const result = await turn.result;

    expect(result.text).toBe('Done.');
    expect(run.deleted).toEqual([{ orderId: 'o-42' }]);
    expect(toolResultOf(run.model.calls[1]?.request)).toMatchObject({
      output: { deleted: 'o-42' },
    });
    expect(run.approvals().pending()).toEqual([]);
    // The approver was checked by the same policy, for deciding approvals of the tool.
    expect(run.policy.asked.at(-1)).toEqual({
      principal: bob,
      action: 'update',
      resource: {
        type: 'approvals',
        id: 'delete_order',
        attributes: { action: 'delete', requestedBy: 'alice' },
      },
      context: expect.objectContaining({
        operation: 'tool.approve',
        runId: turn.id,
        toolCallId: requested['toolCallId'],
        requestedBy: 'alice',
      }),
    });
    expect(run.events.at(-1)).toMatchObject({
      type: 'approval-resolved',
      id: requested['id'],
      outcome: 'approved',
      approver: { id: 'bob', kind: 'user', roles: ['reviewer'] },
      toolName: 'delete_order',
    });
    // Approved is approved once: a second decision finds nothing waiting.
    await expect(run.approvals().approve(requested['id'] as string, bob)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('does let calls of tools that are not destructive through without a request', async () => {
    const run = await instance();
    const first = run.agent.send('Delete order o-42', { principal: alice });
    await run.approvals().approve((await run.next('approval-requested'))['id'] as string, bob);
    await first.result;
    const before = run.events.length;
    const second = await run.agent.send('Read order o-42', { principal: alice }).result;
    expect(second.text).toBe('Read.');
    expect(run.events.length).toBe(before);
  });

  it('does refuse a denied call: the tool never runs and the model gets the refusal', async () => {
    const run = await instance();
    const turn = run.agent.send('Delete order o-42', { principal: alice });
    const requested = await run.next('approval-requested');
    await run.approvals().deny(requested['id'] as string, bob, 'Orders are kept for audits.');
    const result = await turn.result;

    expect(result.text).toBe('Done.');
    expect(run.deleted).toEqual([]);
    const refusal = toolResultOf(run.model.calls[1]?.request);
    expect(refusal?.isError).toBe(true);
    expect(refusal?.output).toEqual({
      error: {
        code: 'permission_denied',
        message:
          'bob denied the call of delete_order (delete on tools:delete_order): Orders are kept for audits. The tool was not run.',
      },
    });
    expect(run.events.at(-1)).toMatchObject({
      type: 'approval-resolved',
      outcome: 'denied',
      approver: { id: 'bob' },
      reason: 'Orders are kept for audits.',
    });
    expect(run.approvals().pending()).toEqual([]);
  });

  it('does not let an approver the policy denies decide, and the call still waits', async () => {
    const run = await instance();
    const turn = run.agent.send('Delete order o-42', { principal: alice });
    const id = (await run.next('approval-requested'))['id'] as string;
    const carol = { id: 'carol', roles: ['support'] };

    const refused = await run
      .approvals()
      .approve(id, carol)
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AgentryError);
    expect(refused).toMatchObject({
      code: 'permission_denied',
      message: `carol may not approve delete on tools:delete_order (approval request ${id}: carol is not allowed update on approvals:delete_order); the call still waits.`,
    });
    // The policy's own reasons stay inside it.
    expect((refused as AgentryError).message).not.toContain('not a reviewer');
    await expect(run.approvals().deny(id, carol)).rejects.toMatchObject({
      code: 'permission_denied',
    });
    expect(
      run
        .approvals()
        .pending()
        .map((request) => request.id),
    ).toEqual([id]);
    expect(run.deleted).toEqual([]);

    await run.approvals().approve(id, bob);
    await turn.result;
    expect(run.deleted).toHaveLength(1);
  });

  it('does not let the requester approve their own call, even as a reviewer', async () => {
    const run = await instance();
    const turn = run.agent.send('Delete order o-42', { principal: { id: 'bob' } });
    const id = (await run.next('approval-requested'))['id'] as string;
    await expect(run.approvals().approve(id, bob)).rejects.toMatchObject({
      code: 'permission_denied',
      message: expect.stringMatching(
        /^bob asked for the call of delete_order .* may not approve it themself/,
      ),
    });
    expect(run.approvals().pending()).toHaveLength(1);
    await run.approvals().approve(id, { id: 'dana', roles: ['reviewer'] });
    await turn.result;
    expect(run.deleted).toHaveLength(1);
  });

  it('does treat NFC-equivalent ids as the same requester', async () => {
    const run = await instance();
    const composed = 'jos\u00e9';
    const decomposed = 'jose\u0301';
    const turn = run.agent.send('Delete order o-42', { principal: { id: composed } });
    const id = (await run.next('approval-requested'))['id'] as string;
    await expect(
      run.approvals().approve(id, { id: decomposed, roles: ['reviewer'] }),
    ).rejects.toMatchObject({ code: 'permission_denied' });
    await run.approvals().deny(id, bob);
    await turn.result;
  });

  it('does let a requester approve their own call with allowSelfApproval', async () => {
    const run = await instance({ approvals: { allowSelfApproval: true } });
    const turn = run.agent.send('Delete order o-42', { principal: bob });
    const id = (await run.next('approval-requested'))['id'] as string;
    await run.approvals().approve(id, bob);
    await turn.result;
    expect(run.deleted).toHaveLength(1);
  });

  it("does refuse the call with approval_required when no approval arrives within the tool's timeout", async () => {
    const run = await instance({ timeout: 60 });
    const turn = run.agent.send('Delete order o-42', { principal: alice });
    const id = (await run.next('approval-requested'))['id'] as string;
    const result = await turn.result;

    expect(result.text).toBe('Done.');
    expect(run.deleted).toEqual([]);
    const refusal = toolResultOf(run.model.calls[1]?.request);
    expect(refusal?.isError).toBe(true);
    expect(refusal?.output).toEqual({
      error: {
        code: 'approval_required',
        message: expect.stringContaining(
          `No approval arrived for the call of delete_order (approval request ${id}) within the tool's timeout of 60 ms; the tool was not run.`,
        ),
      },
    });
    expect((refusal?.output as { error: { message: string } }).error.message).toMatch(
      /raise it \(defineTool\(\{ timeout \}\) or the agent's toolTimeout\)/,
    );
    expect(run.approvals().pending()).toEqual([]);
    expect(run.events.at(-1)).toMatchObject({ type: 'approval-resolved', id, outcome: 'expired' });
    // Too late now.
    await expect(run.approvals().approve(id, bob)).rejects.toMatchObject({ code: 'not_found' });
    expect(run.deleted).toEqual([]);
  });

  it('does stop waiting when the turn is aborted, and the request leaves pending()', async () => {
    const run = await instance();
    const turn = run.agent.send('Delete order o-42', { principal: alice });
    const id = (await run.next('approval-requested'))['id'] as string;
    turn.abort('the user left');
    await expect(turn.result).rejects.toMatchObject({ code: 'aborted' });

    expect(run.approvals().pending()).toEqual([]);
    expect(run.events.at(-1)).toMatchObject({
      type: 'approval-resolved',
      id,
      outcome: 'cancelled',
    });
    await expect(run.approvals().approve(id, bob)).rejects.toMatchObject({ code: 'not_found' });
    expect(run.deleted).toEqual([]);
  });

  it('does show the input masked in the event and pending(), and runs the tool with the real one', async () => {
    const secret = ['sk', randomUUID().replaceAll('-', '')].join('-');
    const contexts: unknown[] = [];
    const masker: Masker = {
      mask: <T>(value: T, context: unknown): T => {
        contexts.push(context);
        return JSON.parse(JSON.stringify(value).replaceAll(secret, '[secret]')) as T;
      },
    };
    const run = await instance({ masker, input: { orderId: 'o-42', note: `key ${secret}` } });
    const turn = run.agent.send('Delete order o-42', { principal: alice });
    const requested = await run.next('approval-requested');

    expect(requested['input']).toEqual({ orderId: 'o-42', note: 'key [secret]' });
    expect(JSON.stringify(run.approvals().pending())).not.toContain(secret);
    expect(contexts).toContainEqual({
      purpose: 'event',
      agentId: run.agent.id,
      runId: turn.id,
      field: 'tool.input',
    });
    await run.approvals().approve(requested['id'] as string, bob);
    await turn.result;
    expect(run.deleted).toEqual([{ orderId: 'o-42', note: `key ${secret}` }]);
    expect(JSON.stringify(run.events)).not.toContain(secret);
  });

  it('does refuse every waiting call with approval_required on close()', async () => {
    const run = await instance();
    const turn = run.agent.send('Delete order o-42', { principal: alice });
    const id = (await run.next('approval-requested'))['id'] as string;
    run.approvals().close();
    await turn.result;

    expect(run.deleted).toEqual([]);
    expect(toolResultOf(run.model.calls[1]?.request)?.output).toMatchObject({
      error: {
        code: 'approval_required',
        message: expect.stringContaining('Approvals are closed'),
      },
    });
    expect(run.events.at(-1)).toMatchObject({ id, outcome: 'cancelled' });
    expect(run.approvals().pending()).toEqual([]);
  });
});
