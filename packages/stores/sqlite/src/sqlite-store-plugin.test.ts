import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgentry, createMemoryStore, definePlugin } from '@agentry/core';
import { createMockProvider, providerConfiguration } from '@agentry/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { missingDrivers, testedDrivers } from './__fixtures__/drivers.js';
import { loadSqliteDriver } from './drivers/load-sqlite-driver.js';
import { sqliteStore } from './sqlite-store-plugin.js';

let directory = '';
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'agentry-sqlite-plugin-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

const config = () =>
  providerConfiguration({
    type: 'openai',
    model: 'gpt-4o',
    authentication: { type: 'api_key', configuration: { apiKey: '${env:MOCK_KEY}' } },
  });
const env = { MOCK_KEY: ['mock', 'k'.repeat(16)].join('-') };
const mock = { name: 'mock-openai', version: '1.0.0', providers: [createMockProvider()] };
const entry = { kind: 'agent', schemaVersion: '1', data: { turns: 1 } };

describe('sqliteStore', () => {
  it('opens the store at setup, offers it by name and closes it at shutdown', async () => {
    const path = join(directory, 'agentry.db');
    const agentry = await createAgentry({
      config: config(),
      env,
      plugins: [mock, sqliteStore({ path })],
    });
    const store = agentry.store('sqlite');
    await store.put('agent:a', entry, { expectedRevision: null });
    await agentry.shutdown();
    await expect(store.get('agent:a')).rejects.toMatchObject({ code: 'invalid_transition' });

    // What it wrote is in the file for the next instance.
    const again = await createAgentry({
      config: config(),
      env,
      plugins: [mock, sqliteStore({ path, name: 'runs' })],
    });
    expect(await again.store('runs').get('agent:a')).toMatchObject({ data: { turns: 1 } });
    await again.shutdown();
  });

  it('fails setup for invalid options and for a name another plug-in took', async () => {
    const invalid = await createAgentry({
      config: config(),
      env,
      plugins: [mock, sqliteStore({ path: '' })],
    }).catch((error: unknown) => error);
    expect(invalid).toMatchObject({
      code: 'plugin_setup_failed',
      cause: { code: 'validation_failed' },
    });

    const other = definePlugin({
      name: 'other-store',
      version: '1.0.0',
      setup: (host) => host.provideStore('sqlite', createMemoryStore()),
    });
    const taken = await createAgentry({
      config: config(),
      env,
      plugins: [mock, other, sqliteStore({ path: join(directory, 'taken.db') })],
    }).catch((error: unknown) => error);
    expect(taken).toMatchObject({ code: 'plugin_setup_failed', cause: { code: 'duplicate_id' } });
  });

  it.runIf(missingDrivers.length > 0)(
    'fails setup with plugin_missing for a driver this Node cannot load',
    async () => {
      const driver = missingDrivers[0]!;
      const failed = await createAgentry({
        config: config(),
        env,
        plugins: [mock, sqliteStore({ path: join(directory, 'a.db'), driver })],
      }).catch((error: unknown) => error);
      expect(failed).toMatchObject({
        code: 'plugin_setup_failed',
        cause: { code: 'plugin_missing', details: { driver } },
      });
    },
  );

  it('opens the store on the driver it is given', async () => {
    const driver = testedDrivers[testedDrivers.length - 1]!;
    const open = vi.spyOn(loadSqliteDriver(driver), 'open');
    const path = join(directory, 'b.db');
    const agentry = await createAgentry({
      config: config(),
      env,
      plugins: [mock, sqliteStore({ path, driver })],
    });
    expect(open).toHaveBeenCalledWith(path, { readonly: false, busyTimeoutMs: 5000 });
    await agentry.shutdown();
  });
});
