import {
  createAgentry,
  defineTool,
  definePlugin,
  services,
  type Agentry,
  type AuthorizationRequest,
  type Authorizer,
} from '@agentry/core';
import {
  createMockModel,
  createMockProvider,
  mockText,
  mockToolCall,
  providerConfiguration,
} from '@agentry/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { workflows } from '../workflows-plugin.js';
import { createConfiguredWorkflowRunner } from './create-configured-workflow-runner.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

/**
 * An authorizer whose roles change while runs go on: `alice` holds `reader` (which may call
 * `lookup_order`) until `revoke` is called. Everything else (starts, sends) is allowed.
 */
function revocableAuthorizer() {
  const roles = new Map<string, Set<string>>([['alice', new Set(['reader'])]]);
  const requests: AuthorizationRequest[] = [];
  const authorizer: Authorizer = {
    authorize: (request) => {
      requests.push(structuredClone(request));
      const held = roles.get(request.principal.id) ?? new Set<string>();
      const allowed = request.context?.operation !== 'tool.call' || held.has('reader');
      return Promise.resolve({
        decision: allowed ? 'allow' : 'deny',
        reasons: [allowed ? 'holds reader' : 'lacks reader'],
        policyIds: ['readers'],
      });
    },
  };
  return {
    authorizer,
    requests,
    revoke: (subject: string, role: string) => roles.get(subject)?.delete(role),
  };
}

const review = {
  id: 'review',
  name: 'Review',
  triggers: [{ type: 'manual' }],
  errorHandling: { retryAttempts: 0, backoffStrategy: 'fixed', fallbackAction: 'abort' },
  steps: [
    {
      id: 'first',
      name: 'First look',
      type: 'task',
      configuration: { agent: { prompt: 'Look up {{orderId}}.', tools: ['lookup_order'] } },
      inputs: { orderId: { $ref: 'input.orderId' } },
      next: 'revoke',
    },
    {
      id: 'revoke',
      name: 'Revoke',
      type: 'task',
      configuration: { handler: 'revoke' },
      next: 'second',
    },
    {
      id: 'second',
      name: 'Second look',
      type: 'task',
      configuration: { agent: { prompt: 'Look up {{orderId}} again.', tools: ['lookup_order'] } },
      inputs: { orderId: { $ref: 'input.orderId' } },
    },
  ],
};

async function agentryWith(authorizer: Authorizer | undefined): Promise<Agentry> {
  // Calls the tool once per turn, then answers with what the tool said.
  const model = createMockModel({
    modelId: 'gpt-4o',
    respond: (request) => {
      const last = request.messages.at(-1);
      if (last?.role !== 'tool') return mockToolCall('lookup_order', { orderId: 'A-7' });
      const [result] = last.content;
      return mockText(
        result?.type === 'tool-result' && result.isError === true ? 'refused' : 'found',
      );
    },
  });
  const agentry = await createAgentry({
    config: {
      ...providerConfiguration({
        type: 'openai',
        model: 'gpt-4o',
        authentication: { type: 'api_key', configuration: { apiKey: '${env:MOCK_KEY}' } },
      }),
      workflows: { workflows: { review }, defaults: { store: 'memory' } },
    },
    env: { MOCK_KEY: ['mock', 'k'.repeat(16)].join('-') },
    plugins: [
      { name: 'mock-openai', version: '1.0.0', providers: [createMockProvider({ model })] },
      workflows(),
      ...(authorizer === undefined
        ? []
        : [
            definePlugin({
              name: 'test-authorizer',
              version: '1.0.0',
              setup: (host) => host.provide(services.authorizer, authorizer),
            }),
          ]),
    ],
  });
  open.push({ close: () => agentry.shutdown() });
  return agentry;
}

describe('agent steps act for the run’s principal', () => {
  it('authorizes each tool call for the principal when it is made: a role revoked mid-run takes effect at the next tool call', async () => {
    const { authorizer, requests, revoke } = revocableAuthorizer();
    const agentry = await agentryWith(authorizer);
    const executed: string[] = [];
    const lookupOrder = defineTool({
      name: 'lookup_order',
      description: 'Finds an order.',
      input: z.object({ orderId: z.string() }),
      execute: ({ orderId }) => {
        executed.push(orderId);
        return { orderId, status: 'paid' };
      },
    });
    const runner = createConfiguredWorkflowRunner({
      agentry,
      tools: [lookupOrder],
      handlers: {
        revoke: () => {
          revoke('alice', 'reader');
          return null;
        },
      },
    });
    open.push(runner);

    const principal = { id: 'alice', kind: 'user' as const };
    const result = await runner.run('review', { orderId: 'A-7' }, { principal });

    expect(result.status).toBe('completed');
    const outputs = (await runner.journal(result.runId))
      .filter((entry) => entry.type === 'step-end')
      .map((entry) => [entry.stepId, (entry.output as { text?: string } | null)?.text]);
    expect(outputs).toEqual([
      ['first', 'found'],
      ['revoke', undefined],
      ['second', 'refused'],
    ]);
    // The tool ran once: before the revocation, never after it.
    expect(executed).toEqual(['A-7']);
    const toolCalls = requests.filter((request) => request.context?.operation === 'tool.call');
    expect(toolCalls).toHaveLength(2);
    expect(toolCalls.every((request) => request.principal.id === 'alice')).toBe(true);
    expect(toolCalls[0]).toMatchObject({
      action: 'read',
      resource: { type: 'tools', id: 'lookup_order' },
    });
    // The start was asked of the instance's authorizer, for the same principal.
    expect(requests[0]).toMatchObject({
      principal,
      action: 'create',
      resource: { type: 'workflows', id: 'review' },
      context: { operation: 'workflow.start' },
    });
    // Each agent step's send was for the principal too, not for the step's agent itself.
    const sends = requests.filter((request) => request.context?.operation === 'agent.send');
    expect(sends.map((request) => request.principal.id)).toEqual(['alice', 'alice']);
  });

  it('uses no authorizer when the instance has none: steps run as before', async () => {
    const agentry = await agentryWith(undefined);
    let calls = 0;
    const lookupOrder = defineTool({
      name: 'lookup_order',
      description: 'Finds an order.',
      input: z.object({ orderId: z.string() }),
      execute: () => {
        calls += 1;
        return { status: 'paid' };
      },
    });
    const runner = createConfiguredWorkflowRunner({
      agentry,
      tools: [lookupOrder],
      handlers: { revoke: () => null },
    });
    open.push(runner);
    const result = await runner.run('review', { orderId: 'A-7' });
    expect(result.status).toBe('completed');
    expect(result).not.toHaveProperty('principal');
    expect(calls).toBe(2);
  });
});
