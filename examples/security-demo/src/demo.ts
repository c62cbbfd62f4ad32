/**
 * The security demo, as a function the test runs too: two users share one agent whose tools read
 * and delete user-owned records.
 * 1. Alice reads her record; reading Bob's is denied by the ownership condition, and the tool
 *    never sees his data.
 * 2. Bob deletes his record: the destructive tool waits for approval. Alice may not approve it;
 *    Carol, an approver, does.
 * 3. Alice sends a burst of six messages: the throttle spaces them evenly, one a second (60 a
 *    minute), instead of refusing any.
 */
import { createAgentry, definePlugin, type Agentry, type SecurityEvent } from '@agentry/core';
import { isApprovalRequested, security } from '@agentry/security';
import { createMockProvider, providerConfiguration } from '@agentry/testing';
import { demoModel } from './demo-model.js';
import { createRecordTools } from './records.js';

/** What the demo observed, for its test. */
export interface DemoOutcome {
  readonly ownRead: string;
  readonly otherRead: string;
  readonly approverRefused: string;
  readonly deleted: boolean;
  readonly denials: readonly string[];
  readonly burstStartsMs: readonly number[];
}

export const demoConfiguration = {
  ...providerConfiguration({
    type: 'openai',
    model: 'gpt-4o',
    authentication: { type: 'api_key', configuration: { apiKey: '${env:DEMO_KEY}' } },
  }),
  security: {
    encryption: { algorithm: 'AES-256-GCM', keyRotation: false, atRest: false, inTransit: false },
    accessControl: {
      rbac: true,
      subjects: { alice: ['member'], bob: ['member'], carol: ['approver'] },
      permissions: [
        {
          id: 'talk-to-agents',
          roles: ['member'],
          resource: 'agents:*',
          actions: ['update'],
        },
        {
          id: 'use-record-tools',
          roles: ['member'],
          resource: 'tools:*',
          actions: ['read', 'delete'],
        },
        {
          id: 'own-records-only',
          roles: ['member'],
          resource: 'records:*',
          actions: ['read', 'delete'],
          conditions: { ownerOnly: true },
        },
        {
          id: 'approve-deletes',
          roles: ['approver'],
          resource: 'approvals:delete_record',
          actions: ['update'],
        },
      ],
      rateLimiting: {
        enabled: true,
        requestsPerMinute: 60,
        burstLimit: 3,
        penaltyStrategy: 'throttle',
        keyBy: ['user'],
      },
    },
    auditLogging: false,
    dataMasking: false,
  },
};

export async function runDemo(say: (line: string) => void = () => undefined): Promise<DemoOutcome> {
  const { tools } = createRecordTools([
    { id: 'r-1', owner: 'alice', body: 'Alice’s shopping list' },
    { id: 'r-2', owner: 'bob', body: 'Bob’s travel plans' },
  ]);
  const denials: string[] = [];
  const agentry: Agentry = await createAgentry({
    config: demoConfiguration,
    // A throwaway key of the mock provider's format, made at run time.
    env: { DEMO_KEY: ['mock', 'k'.repeat(24)].join('-') },
    plugins: [
      definePlugin({
        name: 'demo-model',
        version: '1.0.0',
        providers: [createMockProvider({ model: demoModel })],
      }),
      security(),
    ],
  });
  agentry.events$.subscribe(({ event }) => {
    const decision = event as SecurityEvent;
    if (decision.type === 'security' && decision.outcome === 'deny')
      denials.push(`${decision.subject} ✗ ${decision.action} ${decision.resource}`);
    if (isApprovalRequested(event))
      say(`   … ${event.toolName} for ${event.principal.id} waits for an approver (${event.id})`);
  });
  const assistant = agentry.createAgent({
    tools,
    // The agent's scope: what it may do for any user, on top of what the user may do.
    context: { permissions: ['tools:read_record', 'tools:delete_record', 'records:*'] },
  });

  try {
    say('1. Alice reads her own record, then Bob’s');
    const ownRead = (await assistant.send('read r-1', { principal: { id: 'alice' } }).result).text;
    say(`   ${ownRead}`);
    const otherRead = (await assistant.send('read r-2', { principal: { id: 'alice' } }).result)
      .text;
    say(`   ${otherRead}`);

    say('2. Bob deletes his record: it waits for an approver');
    const deletion = assistant.send('delete r-2', { principal: { id: 'bob' } });
    const request = await waitForApproval(agentry);
    let approverRefused = '';
    try {
      await agentry.security.approvals.approve(request.id, { id: 'alice' });
    } catch (error) {
      approverRefused = (error as Error).message;
      say(`   Alice may not approve: ${approverRefused}`);
    }
    await agentry.security.approvals.approve(request.id, { id: 'carol' });
    const deleted = (await deletion.result).text;
    say(`   Carol approved. ${deleted}`);

    say('3. Alice sends six messages at once: the throttle spaces them one a second');
    const started = performance.now();
    const burstStartsMs: number[] = [];
    assistant.events$.subscribe((event) => {
      if (event.type === 'run-start') burstStartsMs.push(Math.round(performance.now() - started));
    });
    await Promise.all(
      Array.from(
        { length: 6 },
        (_, index) => assistant.send(`note ${index + 1}`, { principal: { id: 'alice' } }).result,
      ),
    );
    say(`   turns started at ${burstStartsMs.map((ms) => `${ms} ms`).join(', ')}`);
    say(`Denied along the way:\n${denials.map((line) => `   ${line}`).join('\n')}`);
    return {
      ownRead,
      otherRead,
      approverRefused,
      deleted: deleted.includes('"deleted":true'),
      denials,
      burstStartsMs,
    };
  } finally {
    await agentry.shutdown();
  }
}

async function waitForApproval(agentry: Agentry) {
  for (;;) {
    const [request] = agentry.security.approvals.pending();
    if (request) return request;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
