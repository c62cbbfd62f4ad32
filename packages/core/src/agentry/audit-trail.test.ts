import { describe, expect, it } from 'vitest';
import { testEnv, validConfig } from '../../test/fixtures.js';
import { fakeProvider } from '../../test/scripted-model.js';
import {
  createAgentry,
  defineMigration,
  definePlugin,
  services,
  type AgentryError,
  type AuditEntry,
  type AuditSink,
} from '../index.js';

const provider = definePlugin({
  name: 'agentry-audit-provider',
  version: '1.0.0',
  providers: [fakeProvider('openai')],
});

const memorySink = (entries: AuditEntry[]): AuditSink => ({
  append: (entry) => {
    entries.push(entry);
    return Promise.resolve();
  },
});

describe('the audit trail of createAgentry', () => {
  it('records the configuration applied and every plug-in set up, to a sink the last plug-in provides', async () => {
    const entries: AuditEntry[] = [];
    const agentry = await createAgentry({
      config: validConfig(),
      env: testEnv(),
      plugins: [
        provider,
        definePlugin({ name: 'first', version: '2.0.0', setup: () => undefined }),
        definePlugin({
          name: 'audit',
          version: '1.0.0',
          setup: (host) => host.provide(services.auditSink, memorySink(entries)),
        }),
      ],
    });
    expect(entries.map((entry) => [entry.category, entry.action, entry.subject])).toEqual([
      ['configuration', 'configuration.change', undefined],
      ['plugin', 'plugin.setup', 'agentry-audit-provider'],
      ['plugin', 'plugin.setup', 'first'],
      ['plugin', 'plugin.setup', 'audit'],
    ]);
    expect(entries[0]?.details).toMatchObject({ change: 'load', schemaVersion: '1.0.0' });
    expect(entries[1]?.details).toEqual({ version: '1.0.0', providers: ['openai'] });
    for (const entry of entries) expect(Number.isNaN(Date.parse(entry.at))).toBe(false);
    // Versions and section names only: no configuration value reaches the trail.
    expect(JSON.stringify(entries)).not.toContain(testEnv().TEST_API_KEY);
    await agentry.shutdown();
  });

  it('records a migration of the configuration as a change from the version read', async () => {
    const entries: AuditEntry[] = [];
    const config = validConfig();
    config.schemaVersion = '0.9.0';
    await createAgentry({
      config,
      env: testEnv(),
      migration: {
        format: {
          currentVersion: '1.0.0',
          migrations: [
            defineMigration({
              from: '0.9.0',
              to: '1.0.0',
              description: 'Version bump only.',
              up: (document: Record<string, unknown>) => ({ ...document, schemaVersion: '1.0.0' }),
            }),
          ],
        },
      },
      plugins: [
        provider,
        definePlugin({
          name: 'audit',
          version: '1.0.0',
          setup: (host) => host.provide(services.auditSink, memorySink(entries)),
        }),
      ],
    });
    expect(entries[1]).toMatchObject({
      action: 'configuration.change',
      details: { change: 'migrate', from: '0.9.0', to: '1.0.0' },
    });
  });

  it('reports a sink that rejects through onPluginError, and the instance still starts', async () => {
    const reported: AgentryError[] = [];
    const agentry = await createAgentry({
      config: validConfig(),
      env: testEnv(),
      onPluginError: (error) => reported.push(error),
      plugins: [
        provider,
        definePlugin({
          name: 'broken-audit',
          version: '1.0.0',
          setup: (host) =>
            host.provide(services.auditSink, {
              append: () => Promise.reject(new Error('disk full')),
            }),
        }),
      ],
    });
    expect(reported).toHaveLength(3);
    expect(reported[0]).toMatchObject({
      code: 'internal',
      message: expect.stringContaining('configuration.change entry: disk full') as string,
      details: { action: 'configuration.change', category: 'configuration' },
    });
    await agentry.shutdown();
  });
});
