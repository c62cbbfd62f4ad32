import { generateKeyPairSync, randomUUID } from 'node:crypto';
import {
  createAgentry,
  createMemoryStore,
  defineTool,
  services,
  type Agentry,
  type AgentryError,
  type StateStore,
} from '@agentry/core';
import {
  createMockModel,
  createMockProvider,
  mockText,
  mockToolCall,
  providerConfiguration,
  type MockTurn,
} from '@agentry/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compliantSecurityConfig } from '../__fixtures__/compliant-security-config.js';
import { createCheckpointSigner } from '../audit/index.js';
import type { SecurityConfig } from '../config/index.js';
import { memoryKeyProvider, readEnvelopeHeader } from '../crypto/index.js';
import { security, type SecurityOptions } from '../security.js';

const open: Agentry[] = [];
afterEach(async () => {
  for (const agentry of open.splice(0)) await agentry.shutdown().catch(() => undefined);
});

// Built at run time: a made-up address and a key-shaped value the masker must hide.
const canaryEmail = ['ada.canary', 'example.org'].join('@');
const canaryKey = ['sk', 'ant', 'api03', 'Zq7Xw2Vb9Nm4Kp1Lr8Ts3Yu6Hj5Gf0Dc'].join('-');

const policy = (): SecurityConfig['accessControl'] => ({
  rbac: true,
  subjects: { alice: ['member'], ops: ['admin'] },
  permissions: [
    { id: 'talk', roles: ['member'], resource: 'agents:*', actions: ['update'] },
    { id: 'tools', roles: ['member'], resource: 'tools:*', actions: ['read', 'delete'] },
    { id: 'keys', roles: ['admin'], resource: 'keys:*', actions: ['read', 'update', 'delete'] },
    { id: 'key-list', roles: ['admin'], resource: 'keys', actions: ['read'] },
    { id: 'config', roles: ['admin'], resource: 'config', actions: ['update'] },
    { id: 'approve', roles: ['admin'], resource: 'approvals:*', actions: ['update'] },
  ],
  rateLimiting: {
    enabled: false,
    requestsPerMinute: 600,
    burstLimit: 50,
    penaltyStrategy: 'reject',
  },
});

function protection(overrides: Partial<SecurityOptions> = {}): SecurityOptions {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    keys: { provider: memoryKeyProvider(), store: createMemoryStore(), refreshMs: 10 },
    audit: {
      store: createMemoryStore(),
      signer: createCheckpointSigner({ name: 'audit.test.example', privateKey }),
      personalData: { keys: createMemoryStore() },
    },
    ...overrides,
  };
}

async function instance(
  options: {
    readonly script?: MockTurn[];
    readonly section?: SecurityConfig;
    readonly security?: SecurityOptions;
    readonly store?: StateStore;
    readonly endpoint?: string;
  } = {},
) {
  const model = createMockModel({ modelId: 'gpt-4o', script: options.script ?? [], repeat: false });
  const agentry = await createAgentry({
    config: {
      ...providerConfiguration({
        type: 'openai',
        model: 'gpt-4o',
        authentication: { type: 'api_key', configuration: { apiKey: '${env:MOCK_KEY}' } },
        ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      }),
      security: options.section ?? { ...compliantSecurityConfig(), accessControl: policy() },
    },
    env: { MOCK_KEY: ['mock', randomUUID()].join('-') },
    ...(options.store === undefined ? {} : { store: options.store }),
    plugins: [
      { name: 'mock-openai', version: '1.0.0', providers: [createMockProvider({ model })] },
      security(options.security ?? protection()),
    ],
  });
  open.push(agentry);
  return { agentry, model };
}

const causeOf = (error: unknown) => (error as AgentryError).cause as AgentryError;

describe('security() data protection at start-up', () => {
  it('refuses a section whose pieces it was not given, naming every control', async () => {
    const error = await instance({ security: {} }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'plugin_setup_failed' });
    expect(causeOf(error)).toMatchObject({
      code: 'compliance_failed',
      details: { controls: ['soc2.encryption-at-rest', 'soc2.audit-logging'] },
    });
  });

  it('refuses a plain endpoint off loopback while encryption in transit is on', async () => {
    const error = await instance({ endpoint: 'http://api.example.com/v1' }).catch(
      (caught: unknown) => caught,
    );
    expect(causeOf(error)).toMatchObject({ code: 'insecure_transport' });
    expect(causeOf(error).message).toContain('authentication.providers.0.endpoint');
    await expect(instance({ endpoint: 'http://127.0.0.1:8080/v1' })).resolves.toBeDefined();
  });
});

describe('security() encryption at rest', () => {
  it('encrypts the agents’ state, rotates, re-encrypts and retires keys for a permitted principal', async () => {
    const raw = createMemoryStore();
    const { agentry } = await instance({
      store: raw,
      script: [mockText('noted')],
    });
    const agent = agentry.createAgent({ context: { permissions: ['tools:*'] } });
    await agent.send('remember the blue door', { principal: { id: 'alice' } }).result;
    const stored = (await raw.list('')).entries;
    expect(stored.length).toBeGreaterThan(0);
    expect(JSON.stringify(stored)).not.toContain('blue door');
    expect(stored.every((entry) => 'agentry:enc' in (entry.data as object))).toBe(true);

    // Re-encryption rewrites records (their revision goes up): it runs while the agent is down.
    await agent.shutdown();
    // Every audit entry of the turn is written (alice's subject key among them).
    await agentry.security.auditLog!.head();
    const ops = { principal: { id: 'ops' } };
    const [first] = await agentry.security.keys.list(ops);
    await expect(
      agentry.security.keys.rotate({ principal: { id: 'alice' } }),
    ).rejects.toMatchObject({ code: 'permission_denied' });
    const second = await agentry.security.keys.rotate({ ...ops, reason: 'test' });
    expect(second.id).not.toBe(first!.id);
    await expect(agentry.security.keys.retire(first!.id, ops)).rejects.toMatchObject({
      code: 'conflict',
    });
    const report = await agentry.security.keys.reencrypt(ops);
    // A replaced key can be retired once every process sharing the keyring has seen the change.
    await new Promise((resolve) => setTimeout(resolve, 30));
    // The agents' store, and the audit log's per-subject keys (encrypted at rest too).
    expect(report.stores.agents?.reencrypted).toBe(stored.length);
    expect(report.stores['audit-keys']?.reencrypted).toBeGreaterThan(0);
    await agentry.security.keys.retire(first!.id, ops);
    expect((await agentry.security.keys.list(ops)).map((key) => [key.id, key.status])).toEqual([
      [first!.id, 'retired'],
      [second.id, 'active'],
    ]);
    // Every record is now sealed under the new key.
    for (const entry of (await raw.list('')).entries) {
      const envelope = Buffer.from((entry.data as { v: string }).v, 'base64url');
      expect(readEnvelopeHeader(envelope).keyId).toBe(second.id);
    }
    const actions = (await agentry.security.auditLog!.entries()).map(
      (record) => record.entry.action,
    );
    expect(actions.filter((action) => action.startsWith('keys.'))).toEqual([
      'keys.rotate',
      'keys.reencrypt',
      'keys.retire',
    ]);
    expect((await agentry.security.auditLog!.verify()).ok).toBe(true);
  });

  it('says the key operations are off when encryption at rest is off', async () => {
    const section = { ...compliantSecurityConfig(), accessControl: policy() };
    section.encryption = { ...section.encryption, atRest: false };
    const { agentry } = await instance({ section });
    await expect(agentry.security.keys.list()).rejects.toMatchObject({ code: 'config_invalid' });
  });
});

describe('security() masking', () => {
  it('provides a masker with streams that hides secrets and personal data', async () => {
    const { agentry } = await instance();
    const masker = agentry.services.require(services.masker);
    const line = `mail ${canaryEmail} with key ${canaryKey}`;
    const masked = masker.mask(line, { purpose: 'log' });
    expect(masked).not.toContain(canaryEmail);
    expect(masked).not.toContain(canaryKey);
    const stream = masker.stream!({ purpose: 'event' });
    const out = [...line].map((char) => stream.push(char)).join('') + stream.flush();
    expect(out).toBe(masked);
  });
});

describe('security() audit log', () => {
  const lookup = defineTool({
    name: 'lookup',
    description: 'Looks up.',
    input: z.object({ q: z.string() }),
    execute: ({ q }) => ({ found: q }),
  });

  it('records each decision and tool execution once, masked, and verifies', async () => {
    const { agentry } = await instance({
      script: [mockToolCall('lookup', { q: canaryEmail }), mockText('done')],
    });
    const agent = agentry.createAgent({ tools: [lookup], context: { permissions: ['tools:*'] } });
    await agent.send(`find ${canaryEmail}`, { principal: { id: 'alice' } }).result;
    const log = agentry.security.auditLog!;
    await log.checkpoint();
    const entries = (await log.entries()).map((record) => record.entry);
    const decisions = entries.filter((entry) => entry.action === 'security.access-decision');
    expect(decisions.map((entry) => [entry.subject, entry.outcome])).toEqual([
      [`agents:${agent.id}`, 'allowed'],
      ['tools:lookup', 'allowed'],
    ]);
    const executions = entries.filter((entry) => entry.action === 'tool.execute');
    expect(executions).toHaveLength(1);
    expect(executions[0]).toMatchObject({ actor: 'alice', outcome: 'succeeded' });
    expect(JSON.stringify(entries)).not.toContain(canaryEmail);
    expect(await log.verify()).toMatchObject({ ok: true });
  });

  it('refuses a destructive call it cannot record, and never runs it', async () => {
    let ran = 0;
    const wipe = defineTool({
      name: 'wipe',
      description: 'Wipes.',
      destructive: true,
      input: z.object({}),
      execute: () => {
        ran += 1;
        return 'wiped';
      },
    });
    const failing = createMemoryStore();
    const options = protection();
    let broken = false;
    const store: StateStore = {
      get: (key) => failing.get(key),
      put: (key, value, putOptions) =>
        broken ? Promise.reject(new Error('disk full')) : failing.put(key, value, putOptions),
      delete: (key, deleteOptions) => failing.delete(key, deleteOptions),
      list: (prefix, listOptions) => failing.list(prefix, listOptions),
      close: () => failing.close(),
    };
    const { agentry, model } = await instance({
      script: [mockToolCall('wipe', {}), mockText('ok')],
      security: { ...options, audit: { ...options.audit!, store } },
    });
    const agent = agentry.createAgent({ tools: [wipe], context: { permissions: ['tools:*'] } });
    const run = agent.send('wipe it', { principal: { id: 'alice' } });
    // The call waits for an approver (destructive); the log fails before it would run.
    await expect.poll(() => agentry.security.approvals.pending().length).toBe(1);
    broken = true;
    const [request] = agentry.security.approvals.pending();
    await agentry.security.approvals
      .approve(request!.id, { id: 'ops', roles: ['member'] })
      .catch(() => undefined);
    await run.result.catch(() => undefined);
    expect(ran).toBe(0);
    const toolResult = model.calls[1]?.request.messages.at(-1);
    expect(JSON.stringify(toolResult)).toContain('audit_unavailable');
  });

  it('shreds a user’s personal data in the log when their data is erased, and still verifies', async () => {
    const { agentry } = await instance({ script: [mockText('hi')] });
    const agent = agentry.createAgent({ context: { permissions: ['tools:*'], userId: 'alice' } });
    await agent.send('hello', { principal: { id: 'alice' } }).result;
    const log = agentry.security.auditLog!;
    const before = (await log.entries()).filter((record) => record.entry.actor === 'alice');
    expect(before.length).toBeGreaterThan(0);
    await agentry.erase({ userId: 'alice' });
    const after = await log.entries({ from: before[0]!.index, to: before[0]!.index + 1 });
    expect(after[0]).toMatchObject({ erased: true });
    expect(JSON.stringify(after[0]!.entry)).not.toContain('alice');
    expect((await log.verify()).ok).toBe(true);
  });
});

describe('security().reload', () => {
  it('applies a new policy at the next decision, keeps the running one when refused, and audits both', async () => {
    const { agentry } = await instance();
    const request = {
      principal: { id: 'bob' },
      action: 'update' as const,
      resource: { type: 'agents', id: 'a-1' },
    };
    expect((await agentry.security.authorize(request)).decision).toBe('deny');
    const next = { ...compliantSecurityConfig(), accessControl: policy() };
    next.accessControl = {
      ...next.accessControl,
      subjects: { ...next.accessControl.subjects, bob: ['member'] },
    };
    const admin = { principal: { id: 'ops' } };
    expect(await agentry.security.reload(next, admin)).toEqual({
      changed: ['security.accessControl.subjects'],
    });
    expect((await agentry.security.authorize(request)).decision).toBe('allow');

    await expect(
      agentry.security.reload({ ...next, auditLogging: 'yes' }, admin),
    ).rejects.toMatchObject({
      code: 'config_invalid',
    });
    const weaker = { ...next, encryption: { ...next.encryption, atRest: false } };
    await expect(agentry.security.reload(weaker, admin)).rejects.toMatchObject({
      code: 'config_invalid',
      message: expect.stringContaining('security.encryption'),
    });
    await expect(
      agentry.security.reload(next, { principal: { id: 'alice' } }),
    ).rejects.toMatchObject({
      code: 'permission_denied',
    });
    expect((await agentry.security.authorize(request)).decision).toBe('allow');
    const reloads = (await agentry.security.auditLog!.entries())
      .map((record) => record.entry)
      .filter((entry) => entry.action === 'configuration.reload')
      .map((entry) => entry.outcome);
    expect(reloads).toEqual(['succeeded', 'failed', 'failed']);
  });
});
