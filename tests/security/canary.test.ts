import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgentry, createMemoryStore, defineTool } from '@agentry/core';
import { monitoring } from '@agentry/monitoring';
import { createMemoryRealtimeLog, realtime } from '@agentry/realtime';
import { createCheckpointSigner, memoryKeyProvider, security } from '@agentry/security';
import {
  createMockModel,
  createMockProvider,
  mockText,
  mockToolCall,
  providerConfiguration,
} from '@agentry/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

// Planted at run time: a key-shaped secret and an address, which must never leave unmasked.
const secret = ['sk', 'proj', 'Qz8Wx3Vc7Bn2Mk5Lj9Hg4Fd1Sa6Pq0Rt'].join('-');
const email = ['grace.canary', 'example.net'].join('@');
const dir = mkdtempSync(join(tmpdir(), 'agentry-canary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const monitoringSection = {
  metrics: { enabled: false, collectionInterval: 10000, retentionPeriod: 24, exportFormats: [] },
  logging: {
    level: 'debug',
    format: 'json',
    structured: true,
    compliance: { soc2: false, gdpr: false, auditTrail: false, dataRetention: 30 },
  },
  alerts: [],
  performanceThresholds: {
    maxResponseTime: 2000,
    maxErrorRate: 5,
    minThroughput: 1,
    maxMemoryUsage: 80,
  },
};

describe('a canary secret and address planted in input, tool arguments and an error', () => {
  it('appear in no log line, realtime frame, audit entry or stored record', async () => {
    const stored = createMemoryStore();
    const auditStore = createMemoryStore();
    const frames = createMemoryRealtimeLog();
    const logFile = join(dir, 'agentry.log');
    const { privateKey } = generateKeyPairSync('ed25519');
    const model = createMockModel({
      modelId: 'gpt-4o',
      script: [
        mockToolCall('send_mail', { to: email, apiKey: secret }),
        mockText([`Sent to ${email.slice(0, 6)}`, `${email.slice(6)} using ${secret}.`]),
      ],
    });
    const sendMail = defineTool({
      name: 'send_mail',
      description: 'Sends mail.',
      input: z.object({ to: z.string(), apiKey: z.string() }),
      execute: ({ to }) => {
        throw new Error(`mail server refused ${to} with key ${secret}`);
      },
    });
    const agentry = await createAgentry({
      config: {
        ...providerConfiguration({
          type: 'openai',
          model: 'gpt-4o',
          authentication: { type: 'api_key', configuration: { apiKey: '${env:MOCK_KEY}' } },
        }),
        security: {
          encryption: {
            algorithm: 'AES-256-GCM',
            keyRotation: true,
            atRest: true,
            inTransit: true,
          },
          accessControl: {
            rbac: false,
            permissions: [],
            rateLimiting: {
              enabled: false,
              requestsPerMinute: 600,
              burstLimit: 50,
              penaltyStrategy: 'reject',
            },
          },
          auditLogging: true,
          dataMasking: true,
        },
        monitoring: monitoringSection,
      },
      env: { MOCK_KEY: ['mock', randomUUID()].join('-') },
      store: stored,
      plugins: [
        { name: 'mock-openai', version: '1.0.0', providers: [createMockProvider({ model })] },
        security({
          keys: { provider: memoryKeyProvider(), store: createMemoryStore() },
          audit: {
            store: auditStore,
            signer: createCheckpointSigner({ name: 'audit.canary.example', privateKey }),
          },
        }),
        monitoring({ logging: { destination: logFile } }),
        realtime({ log: frames, sweepIntervalMs: false }),
      ],
    });
    const agent = agentry.createAgent({ tools: [sendMail], context: { userId: 'grace' } });
    const run = agent.send(`Mail ${email} the report; my key is ${secret}`);
    const answer = await run.result;
    expect(answer.text).toContain('Sent to');
    await agentry.realtime.close();
    const auditEntries = await agentry.security.auditLog!.entries();
    await agentry.shutdown();

    const page = await frames.read(`run/${run.id}`, '-1', { limit: 10_000 });
    const places = {
      log: readFileSync(logFile, 'utf8'),
      realtime: JSON.stringify(page.entries),
      audit: JSON.stringify(auditEntries) + JSON.stringify((await auditStore.list('')).entries),
      stored: JSON.stringify((await stored.list('')).entries),
    };
    expect(places.realtime.length).toBeGreaterThan(100);
    expect(places.log.length).toBeGreaterThan(100);
    for (const [place, text] of Object.entries(places)) {
      expect({ place, secret: text.includes(secret) }).toEqual({ place, secret: false });
      expect({ place, email: text.includes(email) }).toEqual({ place, email: false });
    }
    // The frames say where the values were.
    expect(places.realtime).toContain('[EMAIL]');
  });
});
