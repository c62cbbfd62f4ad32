import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AgentryError, createAgentry } from '@agentry/core';
import { createMockModel, createMockProvider, providerConfiguration } from '@agentry/testing';
import { realtime } from '../plugin/realtime-plugin.js';
import type { CommunicationConfig } from './communication-config.js';
import {
  communicationConfigSchema,
  defaultCommunicationConfig,
} from './communication-config-schema.js';

const valid = (): CommunicationConfig => ({
  realtime: { protocol: 'sse', maxLatency: 100, bufferSize: 5_000, heartbeatInterval: 15_000 },
  batching: { enabled: true, maxBatchSize: 32, maxWaitTime: 20, flushInterval: 50 },
  connectionPool: { maxConnections: 100, idleTimeout: 60_000, maxReuseCount: 50 },
  protocols: [
    { name: 'websocket', version: '13', encryption: true, compression: true },
    { name: 'http', version: '1.1', encryption: true, compression: false },
  ],
});

/** The section with one value replaced at a path. */
function withValue(path: (string | number)[], value: unknown): unknown {
  const section = valid() as unknown as Record<string | number, unknown>;
  let target = section;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  target[path.at(-1)!] = value;
  return section;
}

describe('communicationConfigSchema', () => {
  describe('safeParse', () => {
    it('accepts a complete section and returns it unchanged', () => {
      expect(communicationConfigSchema.safeParse(valid())).toEqual({
        success: true,
        data: valid(),
      });
    });

    it('accepts the defaults, no protocols, and a long wait while batching is off', () => {
      expect(communicationConfigSchema.safeParse(defaultCommunicationConfig).success).toBe(true);
      const off = withValue(['batching'], {
        enabled: false,
        maxBatchSize: 1,
        maxWaitTime: 10_000,
        flushInterval: 1,
      });
      expect(communicationConfigSchema.safeParse(off).success).toBe(true);
    });

    it.each<[string, (string | number)[], unknown]>([
      ['a protocol not one of the three', ['realtime', 'protocol'], 'grpc'],
      ['a zero maxLatency', ['realtime', 'maxLatency'], 0],
      ['a negative bufferSize', ['realtime', 'bufferSize'], -5],
      ['a fractional heartbeatInterval', ['realtime', 'heartbeatInterval'], 0.5],
      ['a string maxBatchSize', ['batching', 'maxBatchSize'], '64'],
      ['a zero flushInterval', ['batching', 'flushInterval'], 0],
      ['a non-boolean enabled', ['batching', 'enabled'], 'yes'],
      ['a negative maxConnections', ['connectionPool', 'maxConnections'], -1],
      ['an infinite idleTimeout', ['connectionPool', 'idleTimeout'], Number.POSITIVE_INFINITY],
      ['a zero maxReuseCount', ['connectionPool', 'maxReuseCount'], 0],
      ['an unknown protocol name', ['protocols', 1, 'name'], 'quic'],
      ['an empty protocol version', ['protocols', 0, 'version'], ''],
      ['a non-boolean encryption', ['protocols', 0, 'encryption'], 1],
      ['a missing compression', ['protocols', 1, 'compression'], undefined],
    ])('rejects %s at its path', (_name, path, value) => {
      const issues = communicationConfigSchema.safeParse(withValue(path, value)).error?.issues;
      expect(issues?.map((issue) => issue.path)).toEqual([path]);
    });

    it('rejects a wait longer than maxLatency, which could never apply', () => {
      const issues = communicationConfigSchema.safeParse(
        withValue(['batching', 'maxWaitTime'], 500),
      ).error?.issues;
      expect(issues).toEqual([
        expect.objectContaining({
          path: ['batching', 'maxWaitTime'],
          message: expect.stringMatching(/longer than realtime\.maxLatency \(100 ms\)/),
        }),
      ]);
    });

    it('rejects a transport listed twice, at the repeat', () => {
      const section = valid();
      const issues = communicationConfigSchema.safeParse({
        ...section,
        protocols: [...section.protocols, { ...section.protocols[0]! }],
      }).error?.issues;
      expect(issues?.map((issue) => issue.path)).toEqual([['protocols', 2, 'name']]);
    });

    it.each<[string, (string | number)[]]>([
      ['at the top', []],
      ['in realtime', ['realtime']],
      ['in a protocol', ['protocols', 0]],
    ])('rejects an unknown key %s', (_name, path) => {
      const section = valid() as unknown as Record<string | number, unknown>;
      let target = section;
      for (const key of path) target = target[key] as Record<string | number, unknown>;
      target['maxLatencyMs'] = 5;
      const issues = communicationConfigSchema.safeParse(section).error?.issues;
      expect(issues).toEqual([
        expect.objectContaining({ code: 'unrecognized_keys', keys: ['maxLatencyMs'], path }),
      ]);
    });
  });
});

describe('the communication section in createAgentry', () => {
  const config = (communication: unknown) => ({
    ...providerConfiguration({
      type: 'openai',
      model: 'gpt-4o',
      authentication: { type: 'api_key', configuration: { apiKey: '${env:MOCK_KEY}' } },
    }),
    communication,
  });
  const env = { MOCK_KEY: ['mock', randomUUID()].join('-') };
  const provider = {
    name: 'mock-openai',
    version: '1.0.0',
    providers: [
      createMockProvider({ createModel: { 'gpt-4o': createMockModel({ modelId: 'gpt-4o' }) } }),
    ],
  };

  it('is refused without realtime(), naming the package to install', async () => {
    await expect(
      createAgentry({ config: config(valid()), env, plugins: [provider] }),
    ).rejects.toMatchObject({
      code: 'config_invalid',
      message: expect.stringMatching(/@agentry\/realtime/),
    });
  });

  it('is accepted with realtime(), validated, and typed on agentry.config', async () => {
    const agentry = await createAgentry({
      config: config(valid()),
      env,
      plugins: [provider, realtime({ sweepIntervalMs: false })],
    });
    try {
      expect(agentry.config.communication?.realtime.protocol).toBe('sse');
      expect(agentry.realtime.config).toEqual(valid());
    } finally {
      await agentry.shutdown();
    }
  });

  it('reports every problem at once as config_invalid, each at its path', async () => {
    const section = valid() as unknown as {
      realtime: Record<string, unknown>;
      batching: Record<string, unknown>;
      connectionPool: Record<string, unknown>;
      protocols: Record<string, unknown>[];
    };
    section.realtime.protocol = 'carrier-pigeon';
    section.batching.flushInterval = -10;
    section.connectionPool.idleTimeout = 0;
    section.protocols[0]!.name = 'smtp';
    (section as Record<string, unknown>).extra = true;
    let thrown: unknown;
    try {
      await createAgentry({ config: config(section), env, plugins: [provider, realtime()] });
    } catch (error) {
      thrown = error;
    }
    expect(AgentryError.isInstance(thrown)).toBe(true);
    const error = thrown as AgentryError;
    expect(error.code).toBe('config_invalid');
    const paths = (error.details as { issues: { path: string }[] }).issues.map(
      (issue) => issue.path,
    );
    expect(paths.sort()).toEqual(
      [
        'communication.extra',
        'communication.batching.flushInterval',
        'communication.connectionPool.idleTimeout',
        'communication.protocols[0].name',
        'communication.realtime.protocol',
      ].sort(),
    );
  });
});
