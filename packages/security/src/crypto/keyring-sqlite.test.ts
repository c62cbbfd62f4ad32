import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentryError, type StateStore } from '@agentry/core';
import { createSqliteStore } from '@agentry/store-sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readEnvelopeHeader } from './envelope.js';
import { fileKeyProvider } from './file-key-provider.js';
import { createKeyring } from './keyring.js';
import type { Keyring, KeyringEvent } from './keyring-types.js';
import type { KeyringOptions } from './keyring-options.js';

const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const childScript = join(packageDirectory, 'src', 'crypto', '__fixtures__', 'keyring-child.ts');
const text = new TextEncoder();
const context = { tenant: 'acme', key: 'notes:1', field: 'data' };

let directory = '';
let file = '';
let keysDirectory = '';
const stores: StateStore[] = [];
const keyrings: Keyring[] = [];

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'agentry-keyring-'));
  file = join(directory, 'state.db');
  keysDirectory = join(directory, 'keys');
});

afterEach(async () => {
  for (const keyring of keyrings.splice(0)) await keyring.close();
  for (const store of stores.splice(0)) await store.close();
  rmSync(directory, { recursive: true, force: true });
});

function openStore(): StateStore {
  const store = createSqliteStore({ path: file, synchronous: 'normal' });
  stores.push(store);
  return store;
}

async function open(options: Partial<KeyringOptions> = {}): Promise<Keyring> {
  const keyring = await createKeyring({
    algorithm: 'AES-256-GCM',
    provider: fileKeyProvider({ directory: keysDirectory }),
    store: openStore(),
    ...options,
  });
  keyrings.push(keyring);
  return keyring;
}

type Stored = { keys: { id: string; reserved: number; status: string }[] };

async function stored(): Promise<Stored> {
  return (await openStore().get('keyring:default'))!.data as Stored;
}

describe('createKeyring on a SQLite store', () => {
  it('continues the counters after a restart and never reuses a reserved count', async () => {
    const first = await open({ counterBlock: 100 });
    const sealed = await first.seal(text.encode('kept'), context);
    for (let index = 1; index < 250; index += 1) await first.seal(text.encode('x'), context);
    expect((await first.keys())[0]!.invocations).toBe(250);
    await first.close();

    const second = await open({ counterBlock: 100 });
    // The 50 counts reserved and left unused by the first run stay counted.
    const [key] = await second.keys();
    expect(key).toMatchObject({ status: 'active', invocations: 300 });
    await second.seal(text.encode('y'), context);
    expect((await stored()).keys[0]!.reserved).toBe(400);
    expect((await second.keys())[0]!.invocations).toBe(301);
    expect(new TextDecoder().decode(await second.open(sealed, context))).toBe('kept');
  });

  it('never reuses counts of a process killed with SIGKILL', async () => {
    // The first key is created here, so the child and the restart share it.
    await (await open({ counterBlock: 10 })).close();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@agentry/source', childScript, file, keysDirectory],
      { cwd: packageDirectory, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    let errors = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_, signal) => resolve(signal)),
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        if (/sealed (\d{3,})/.test(output)) resolve();
      });
      void exited.then(() => reject(new Error(`child exited early: ${errors}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const counts = [...output.matchAll(/sealed (\d+)/g)].map((match) => Number(match[1]));
    const lastPrinted = Math.max(...counts);

    const restarted = await open({ counterBlock: 10 });
    const reservedAtRestart = (await stored()).keys[0]!.reserved;
    // Every count the child used was reserved (and written) before it was used.
    expect(reservedAtRestart).toBeGreaterThanOrEqual(lastPrinted);
    expect((await restarted.keys())[0]!.invocations).toBe(reservedAtRestart);
    await restarted.seal(text.encode('z'), context);
    expect((await restarted.keys())[0]!.invocations).toBe(reservedAtRestart + 1);
    expect((await stored()).keys[0]!.reserved).toBe(reservedAtRestart + 10);
  }, 60_000);

  it('keyrings sharing a store agree on one active key', async () => {
    const events: KeyringEvent[] = [];
    const options = {
      counterBlock: 3,
      // Each keyring re-reads the record at least every 20 ms, so a rotation is seen quickly.
      refreshMs: 20,
      rotation: { maxInvocations: 9 },
      onEvent: (event: KeyringEvent) => events.push(event),
    };
    // Started together on an empty store: one first key.
    const rings = await Promise.all([open(options), open(options), open(options), open(options)]);
    const firstIds = await Promise.all(rings.map((ring) => ring.activeKeyId()));
    expect(new Set(firstIds).size).toBe(1);
    expect(events.filter((event) => event.type === 'key-rotated')).toHaveLength(1);

    // 90 seals spread over four keyrings: every key is used at most 9 times, in total.
    const envelopes = await Promise.all(
      Array.from({ length: 90 }, (_, index) =>
        rings[index % 4]!.seal(text.encode(`v${index}`), context),
      ),
    );
    const perKey = new Map<string, number>();
    for (const envelope of envelopes) {
      const { keyId } = readEnvelopeHeader(envelope);
      perKey.set(keyId, (perKey.get(keyId) ?? 0) + 1);
    }
    expect(Math.max(...perKey.values())).toBeLessThanOrEqual(9);
    const record = await stored();
    expect(record.keys.filter((key) => key.status === 'active')).toHaveLength(1);
    expect(record.keys.every((key) => key.reserved <= 9)).toBe(true);
    // Every keyring opens every envelope, whichever keyring sealed it.
    for (const [index, envelope] of envelopes.entries()) {
      const reader = rings[(index + 1) % 4]!;
      expect(new TextDecoder().decode(await reader.open(envelope, context))).toBe(`v${index}`);
    }
    // A rotation by one is seen by the others within refreshMs: none seals with an older key.
    const older = new Set((await stored()).keys.map((key) => key.id));
    const rotated = await rings[0].rotate('on-demand');
    await new Promise((resolve) => setTimeout(resolve, 25));
    const seen = await Promise.all(
      rings.map(
        async (ring) => readEnvelopeHeader(await ring.seal(text.encode('x'), context)).keyId,
      ),
    );
    expect(seen[0]).toBe(rotated.id);
    // (The fourth block of 3 may pass the limit of 9 and rotate once more.)
    expect(seen.filter((id) => older.has(id))).toEqual([]);
  });

  it("sees another keyring's retirement within refreshMs, even for a key it has loaded", async () => {
    const writer = await open({ refreshMs: 20 });
    const reader = await open({ refreshMs: 20 });
    const sealed = await writer.seal(text.encode('old'), context);
    expect(new TextDecoder().decode(await reader.open(sealed, context))).toBe('old');
    await writer.rotate();
    await new Promise((resolve) => setTimeout(resolve, 45));
    await writer.retire(readEnvelopeHeader(sealed).keyId);
    await new Promise((resolve) => setTimeout(resolve, 25));
    const error = await reader.open(sealed, context).catch((reason: unknown) => reason);
    expect(error).toMatchObject({ code: 'key_retired' });
  });

  it('never writes key material to the store, events, key listings or errors', async () => {
    const events: KeyringEvent[] = [];
    const writes: string[] = [];
    const store = openStore();
    const recording: StateStore = {
      get: (key) => store.get(key),
      list: (prefix, options) => store.list(prefix, options),
      delete: (key, options) => store.delete(key, options),
      close: () => store.close(),
      put: (key, value, options) => {
        writes.push(JSON.stringify({ key, value, options }));
        return store.put(key, value, options);
      },
    };
    let now = Date.parse('2026-12-01T00:00:00Z');
    const ring = await open({
      store: recording,
      counterBlock: 2,
      rotation: { maxInvocations: 3 },
      now: () => now,
      onEvent: (event) => events.push(event),
    });
    const errors: unknown[] = [];
    const sealed = await ring.seal(text.encode('x'), context);
    for (let index = 0; index < 10; index += 1) await ring.seal(text.encode('x'), context);
    await ring.rotate('leak test');
    now += 10_000;
    await ring.retire(readEnvelopeHeader(sealed).keyId);
    await ring.open(sealed, context).catch((error: unknown) => errors.push(error));
    await ring
      .open(sealed, { ...context, key: 'other' })
      .catch((error: unknown) => errors.push(error));
    const listing = await ring.keys();
    const dump = await store.list('');
    expect(errors).toHaveLength(2);

    const material = readdirSync(keysDirectory).map((name) =>
      Buffer.from(readFileSync(join(keysDirectory, name), 'utf8'), 'base64'),
    );
    expect(material.length).toBeGreaterThanOrEqual(4);
    const serialized = [
      ...writes,
      JSON.stringify(events),
      JSON.stringify(listing),
      JSON.stringify(dump),
      ...errors.map((error) =>
        AgentryError.isInstance(error) ? JSON.stringify(error.toJSON()) : '',
      ),
      ...errors.map((error) => JSON.stringify(error, Object.getOwnPropertyNames(error))),
      ...errors.map(String),
    ].join('\n');
    expect(serialized).toContain(readEnvelopeHeader(sealed).keyId);
    for (const key of material) {
      expect(key).toHaveLength(32);
      for (const encoded of [
        key.toString('hex'),
        key.toString('base64'),
        key.toString('base64url'),
        key.subarray(0, 12).toString('hex'),
      ]) {
        expect(serialized).not.toContain(encoded);
      }
    }
  });
});
