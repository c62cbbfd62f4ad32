import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentryError, type StateStore } from '@agentry/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testedDrivers } from './__fixtures__/drivers.js';
import { createSqliteStore } from './create-sqlite-store.js';
import type { SqliteDriverName } from './drivers/sqlite-connection.js';

const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), '..');
const childScript = join(packageDirectory, 'src', '__fixtures__', 'child-store.ts');

let driver: SqliteDriverName = 'node:sqlite';

/** A child process running the fixture script through tsx, on the package's source and driver. */
function startChild(...args: string[]) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@agentry/source', childScript, ...args],
    {
      cwd: packageDirectory,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, AGENTRY_TEST_SQLITE_DRIVER: driver },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<string>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`child exited with ${code}: ${stderr}`)),
    );
  });
  const locked = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => {
      if (stdout.includes('locked\n')) resolve();
    });
    exited.then(() => reject(new Error('child exited before locking')), reject);
  });
  // Only the lock-holding commands print "locked"; the others never settle this promise's waiters.
  locked.catch(() => undefined);
  return { child, exited, locked };
}

let directory = '';
let file = '';
let store: StateStore | undefined;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'agentry-sqlite-processes-'));
  file = join(directory, 'agentry.db');
});

afterEach(async () => {
  await store?.close();
  store = undefined;
  rmSync(directory, { recursive: true, force: true });
});

// Each child starts Node with a TypeScript loader, which takes a second or two.
describe.each(testedDrivers)(
  'createSqliteStore across processes on %s',
  { timeout: 60_000 },
  (tested) => {
    beforeEach(() => {
      driver = tested;
    });

    it("sees a child process's write, and the child's stale expectedRevision gets conflict", async () => {
      store = createSqliteStore({ path: file, driver });
      await store.put('agent:a', entry('parent'));

      const written = JSON.parse(
        await startChild('put', file, 'agent:a', '{"from":"child"}', '1').exited,
      ) as { ok: { revision: number } };
      expect(written.ok.revision).toBe(2);
      expect(await store.get('agent:a')).toMatchObject({ revision: 2, data: { from: 'child' } });

      const refused = JSON.parse(
        await startChild('put', file, 'agent:a', '"stale"', '1').exited,
      ) as {
        error: { code: string; details: unknown };
      };
      expect(refused.error).toEqual({
        code: 'conflict',
        details: { key: 'agent:a', operation: 'put', expectedRevision: 1, actualRevision: 2 },
      });
      expect(await store.get('agent:a')).toMatchObject({ revision: 2 });
    });

    it('waits for a child holding the write lock instead of failing', async () => {
      store = createSqliteStore({ path: file, busyTimeoutMs: 30_000, driver });
      const { locked, exited } = startChild('hold-lock', file, '500');
      await locked;
      // The child commits after 500 ms; this write blocks until then, well within the timeout.
      const written = await store.put('agent:a', entry('parent'));
      expect(written.revision).toBe(1);
      await exited;
      expect((await store.list('agent:')).entries.map((envelope) => envelope.key)).toEqual([
        'agent:a',
        'agent:child',
      ]);
    });

    it('rejects with a recoverable timeout when the lock outlasts busyTimeoutMs', async () => {
      store = createSqliteStore({ path: file, busyTimeoutMs: 0, driver });
      const { child, locked, exited } = startChild('hold-lock-until-stdin', file);
      await locked;
      // Three writes of one transaction: all fail together, none is written.
      const outcomes = await Promise.all(
        [
          store.put('agent:a', entry('parent')),
          store.put('agent:b', entry('b')),
          store.delete('agent:c'),
        ].map((write) =>
          (write as Promise<unknown>).then(
            () => undefined,
            (reason: unknown) => reason,
          ),
        ),
      );
      child.stdin.end();
      await exited;
      for (const outcome of outcomes) {
        expect(AgentryError.isInstance(outcome) && outcome.code).toBe('timeout');
        expect(AgentryError.isInstance(outcome) && outcome.recoverable).toBe(true);
      }
      expect(await store.get('agent:a')).toBeUndefined();
      expect(await store.get('agent:b')).toBeUndefined();
      expect(await store.get('agent:child')).toMatchObject({ data: 'from child' });
    });
  },
);

function entry(data: unknown) {
  return { kind: 'agent', schemaVersion: '1', data };
}
