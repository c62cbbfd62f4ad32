import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentryError, type StateStore } from '@agentry/core';
import { createSqliteStore } from '@agentry/store-sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyIds } from './__fixtures__/key-ids.js';
import { createTestSealer } from './__fixtures__/sealer.js';
import { encryptStore } from './encrypt-store.js';
import { defaultReencryptionCheckpointKey, reencryptStore } from './reencrypt-store.js';

const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const childScript = join(packageDirectory, 'src', 'at-rest', '__fixtures__', 'reencrypt-child.ts');

let directory = '';
const opened: StateStore[] = [];
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'agentry-reencrypt-'));
});
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  rmSync(directory, { recursive: true, force: true });
});

function open(path: string): StateStore {
  const store = createSqliteStore({ path });
  opened.push(store);
  return store;
}

const recordKey = (index: number) => `record:${String(index).padStart(4, '0')}`;

/** Runs the child re-encryption and SIGKILLs it once it reported `pages` pages done. */
async function reencryptThenKill(path: string, keys: string, batchSize: number, pages: number) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=@agentry/source',
      childScript,
      'reencrypt',
      path,
      String(batchSize),
    ],
    {
      cwd: packageDirectory,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AGENTRY_TEST_KEYS: keys },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if ((stdout.match(/^progress /gm)?.length ?? 0) >= pages) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL')
        reject(new Error(`child exited with ${String(code)} before the kill: ${stdout} ${stderr}`));
    });
  });
  await new Promise((resolve) => child.once('close', resolve));
  return stdout;
}

describe('reencryptStore (SQLite)', () => {
  it('resumes after the process re-encrypting was SIGKILLed, and every record opens throughout', async () => {
    const path = join(directory, 'store.db');
    const sealer = createTestSealer();
    const raw = open(path);
    const store = encryptStore(raw, { sealer, tenant: 'acme' });
    const total = 300;
    for (let index = 0; index < total; index += 1)
      await store.put(recordKey(index), {
        kind: 'record',
        schemaVersion: '1',
        data: { index, padding: 'x'.repeat(100) },
      });
    sealer.use('k-new');

    const stdout = await reencryptThenKill(path, sealer.exportKeys(), 20, 2);
    expect(stdout).not.toContain('done');

    // Killed mid-way: some records moved, some not, and each is wholly one or the other.
    const killed = await keyIds(raw);
    killed.delete(defaultReencryptionCheckpointKey);
    const counts = { old: 0, new: 0 };
    for (const id of killed.values()) counts[id === 'k-new' ? 'new' : 'old'] += 1;
    expect(counts.new).toBeGreaterThanOrEqual(40);
    expect(counts.old).toBeGreaterThan(0);
    expect(counts.old + counts.new).toBe(total);
    for (let index = 0; index < total; index += 1)
      expect((await store.get(recordKey(index)))?.data).toMatchObject({ index });
    const cursor = (await store.get(defaultReencryptionCheckpointKey))?.data as { after: string };
    expect(cursor.after >= recordKey(39)).toBe(true);

    const resumed = await reencryptStore(raw, { sealer, tenant: 'acme', batchSize: 20 });
    // It continued after the cursor: at most the page being worked on when killed is seen again.
    expect(resumed.scanned).toBeLessThan(total - 39);
    expect(resumed.reencrypted).toBe(counts.old);
    expect(resumed.unreadable).toEqual([]);
    const after = await keyIds(raw);
    expect(after.has(defaultReencryptionCheckpointKey)).toBe(false);
    expect([...after.values()].every((id) => id === 'k-new')).toBe(true);
    expect(after.size).toBe(total);
    for (let index = 0; index < total; index += 1)
      expect((await store.get(recordKey(index)))?.data).toMatchObject({ index });
  }, 60_000);

  it('keeps every record readable while writers write, the active key switches and re-encryption runs', async () => {
    const path = join(directory, 'store.db');
    const sealer = createTestSealer();
    const raw = open(path);
    const store = encryptStore(raw, { sealer, tenant: 'acme' });
    const total = 120;
    for (let index = 0; index < total; index += 1)
      await store.put(recordKey(index), { kind: 'record', schemaVersion: '1', data: { count: 0 } });

    // Writers increment counters with read, then write naming the revision read, retrying on conflict.
    const increments = new Map<string, number>();
    let stop = false;
    let running = false;
    let writesDuringRun = 0;
    async function writer(seed: number): Promise<void> {
      for (let turn = 0; !stop || turn < 20; turn += 1) {
        const key = recordKey((seed * 37 + turn * 11) % total);
        for (;;) {
          const current = await store.get(key);
          const count = (current?.data as { count: number }).count;
          try {
            await store.put(
              key,
              { kind: 'record', schemaVersion: '1', data: { count: count + 1 } },
              { expectedRevision: current?.revision ?? null },
            );
            increments.set(key, (increments.get(key) ?? 0) + 1);
            if (running) writesDuringRun += 1;
            break;
          } catch (error) {
            if (!(AgentryError.isInstance(error) && error.code === 'conflict')) throw error;
          }
        }
        // New records keep arriving too.
        if (turn % 5 === 0)
          await store.put(`fresh:${seed}:${turn}`, {
            kind: 'record',
            schemaVersion: '1',
            data: { count: turn },
          });
      }
    }
    const writers = [1, 2, 3, 4].map(writer);
    await new Promise((resolve) => setTimeout(resolve, 30));
    sealer.use('k-new');
    running = true;
    const result = await reencryptStore(raw, { sealer, tenant: 'acme', batchSize: 16 });
    running = false;
    stop = true;
    await Promise.all(writers);
    expect(result.unreadable).toEqual([]);
    expect(result.reencrypted).toBeGreaterThan(0);
    expect(writesDuringRun, 'writes that landed while re-encryption ran').toBeGreaterThan(10);

    // Every record reads, and no increment was lost.
    for (let index = 0; index < total; index += 1) {
      const key = recordKey(index);
      expect((await store.get(key))?.data).toEqual({ count: increments.get(key) ?? 0 });
    }
    const page = await store.list('fresh:', { limit: 1000 });
    expect(page.unreadable ?? []).toEqual([]);
    expect(page.entries.length).toBeGreaterThan(0);
    // Writes naming the revision they read cannot leave an old envelope behind the scan: one
    // sealed before the switch either lands before the scan reads it, or conflicts with it.
    const ids = await keyIds(raw);
    const old = [...ids].filter(([key, id]) => key.startsWith('record:') && id !== 'k-new');
    expect(old).toEqual([]);
    // A blind create sealed before the switch may land after the scan passed its key; a second
    // run, once the writes in flight at the switch have landed, moves it.
    const second = await reencryptStore(raw, { sealer, tenant: 'acme' });
    expect(second.unreadable).toEqual([]);
    expect([...(await keyIds(raw)).values()].every((id) => id === 'k-new')).toBe(true);
  }, 60_000);
});
