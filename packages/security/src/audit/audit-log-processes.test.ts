import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSqliteStore } from '@agentry/store-sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entry, signerFromSeed, temporaryDirectory } from './__fixtures__/audit-log-fixture.js';
import { createAuditLog } from './audit-log.js';
import { verifyAuditLog } from './verify-audit-log.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageDirectory = join(here, '..', '..');
const childScript = join(here, '__fixtures__', 'append-forever.ts');

/** Starts a child appending forever; resolves with it once it has made `atLeast` appends durable. */
function startChild(database: string, seed: string, tag: string, atLeast: number) {
  return new Promise<{ child: ChildProcess; durable: () => number }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@agentry/source', childScript, database, seed, tag],
      { cwd: packageDirectory, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let durable = 0;
    let stderr = '';
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child made no progress: ${stderr}`));
    }, 30_000);
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      durable = Number(chunk.trim().split('\n').at(-1));
      if (durable >= atLeast) {
        clearTimeout(guard);
        resolve({ child, durable: () => durable });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(guard);
      if (durable < atLeast) reject(new Error(`child exited (${code}): ${stderr}`));
    });
  });
}

const kill = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.on('exit', () => resolve());
    child.kill('SIGKILL');
  });

let directory: ReturnType<typeof temporaryDirectory>;
beforeEach(() => {
  directory = temporaryDirectory();
});
afterEach(() => directory.remove());

describe('createAuditLog across processes', () => {
  it('leaves one verifiable chain after two writing processes are killed with SIGKILL mid-append', async () => {
    const seed = randomBytes(32).toString('hex');
    const signer = signerFromSeed(seed);
    const database = join(directory.path, 'audit.db');
    const [first, second] = await Promise.all([
      startChild(database, seed, 'a', 60),
      startChild(database, seed, 'b', 60),
    ]);
    await Promise.all([kill(first.child), kill(second.child)]);
    const acknowledged = first.durable() + second.durable();

    const store = createSqliteStore({ path: database });
    try {
      const result = await verifyAuditLog(store, { verifier: signer.verifierKey });
      expect(result).toMatchObject({ ok: true });
      // Every append a child saw resolve is in the log (and perhaps a few it did not see).
      expect(result.ok && result.entries).toBeGreaterThanOrEqual(acknowledged);
      const runs = new Set(
        (await createAuditLog({ store, signer, checkpoint: { everyMs: 0 } }).entries()).map(
          (record) => record.entry.runId?.slice(0, 1),
        ),
      );
      expect(runs).toEqual(new Set(['a', 'b']));

      // The next writer finishes what a killed one left in the head and extends the same chain.
      const log = createAuditLog({ store, signer, checkpoint: { everyMs: 0 } });
      for (let n = 0; n < 5; n += 1) await log.append(entry(n, { runId: 'after' }));
      await log.close();
      const after = await verifyAuditLog(store, { verifier: signer.verifierKey });
      expect(after).toMatchObject({ ok: true, entries: (result.ok ? result.entries : 0) + 5 });
    } finally {
      await store.close();
    }
  }, 60_000);
});
