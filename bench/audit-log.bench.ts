/**
 * Audit log benchmarks, against the targets of the security work:
 * 1. at least 2,000 durable appends a second on the SQLite store (synchronous = 'full', every
 *    append fsynced before it resolves) from 8 concurrent writers, with a signed checkpoint every
 *    1,000 entries;
 * 2. `verifyAuditLog` checks a log of 100,000 entries (chain, Merkle roots, 100 signatures) in at
 *    most 2 seconds.
 *
 * Method: the compiled benchmark runs on the built packages under plain `node`, on a SQLite file in
 * the temporary directory. Each figure is shown beside a floor measured in the same run:
 * - appends: 8 writers, each keeping 16 appends in flight (as an application does when several of
 *   its runs audit at once; core does not await audit appends in series) for 3 seconds. The floor
 *   is the same 8 × 16 writers doing plain `store.put` of a new key each: what the store itself
 *   commits. The one-in-flight shape (8 writers, each awaiting every append) is shown too, with
 *   its floor: there, at most 8 entries share a commit, so both are bound by fsync latency.
 * - verify: a 100,000-entry log (actor and details in each entry, like real ones); the floor is
 *   listing the same 100,000 records through the store (by 1,000-key prefixes, as the verifier
 *   does), which any verification must do.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEntry, StateStore } from '@agentry/core';
import { createAuditLog, createCheckpointSigner, verifyAuditLog } from '@agentry/security';
import { createSqliteStore } from '@agentry/store-sqlite';

const directory = mkdtempSync(join(tmpdir(), 'agentry-audit-bench-'));
const signer = createCheckpointSigner({
  name: 'bench.example/audit',
  privateKey: generateKeyPairSync('ed25519').privateKey,
});

const entry = (n: number): AuditEntry => ({
  at: new Date().toISOString(),
  category: 'security',
  action: 'tool.call',
  actor: `user-${n % 97}`,
  subject: 'search',
  outcome: 'allowed',
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  details: { n, tool: 'search', arguments: { query: 'quarterly report', limit: 10 } },
});

/** Runs `writers` loops, each with `depth` operations in flight, for `seconds`; returns ops/s. */
async function throughput(
  operation: (n: number) => Promise<unknown>,
  writers: number,
  depth: number,
  seconds: number,
): Promise<number> {
  let count = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: writers * depth }, async () => {
      while (Date.now() < until) {
        await operation(count);
        count += 1;
      }
    }),
  );
  return count / seconds;
}

async function appends(depth: number) {
  const logStore = createSqliteStore({ path: join(directory, `log-${depth}.db`) });
  const floorStore = createSqliteStore({ path: join(directory, `floor-${depth}.db`) });
  const log = createAuditLog({
    store: logStore,
    signer,
    checkpoint: { everyEntries: 1000, everyMs: 5000 },
  });
  let key = 0;
  const put = () =>
    floorStore.put(`bench:${(key += 1)}`, { kind: 'bench', schemaVersion: '1', data: entry(key) });
  await throughput(put, 8, depth, 0.5);
  await throughput((n) => log.append(entry(n)), 8, depth, 0.5);
  const floor = await throughput(put, 8, depth, 3);
  const rate = await throughput((n) => log.append(entry(n)), 8, depth, 3);
  await log.close();
  const verified = await verifyAuditLog(logStore, { verifier: signer.verifierKey });
  if (!verified.ok) throw new Error(`the benchmark's log failed verification: ${verified.message}`);
  await Promise.all([logStore.close(), floorStore.close()]);
  return { rate, floor, checkpoints: verified.checkpoints };
}

/** Lists every record of the log, 1,000 keys at a time by prefix, as the verifier reads them. */
async function listAll(store: StateStore, total: number): Promise<number> {
  let count = 0;
  for (let bucket = 0; bucket * 1000 < total; bucket += 1) {
    const page = await store.list(`audit:audit:e:${String(bucket).padStart(9, '0')}`, {
      limit: 1000,
    });
    count += page.entries.length;
  }
  return count;
}

async function verification() {
  const store = createSqliteStore({ path: join(directory, 'verify.db'), synchronous: 'normal' });
  const log = createAuditLog({ store, signer, checkpoint: { everyEntries: 1000, everyMs: 0 } });
  const total = 100_000;
  let next = 0;
  await Promise.all(
    Array.from({ length: 1000 }, async () => {
      while (next < total) await log.append(entry((next += 1)));
    }),
  );
  await log.close();
  const floors: number[] = [];
  const times: number[] = [];
  let result;
  for (let run = 0; run < 3; run += 1) {
    let started = performance.now();
    const listed = await listAll(store, total);
    floors.push(performance.now() - started);
    if (listed !== total) throw new Error(`expected ${total} records, listed ${listed}`);
    started = performance.now();
    result = await verifyAuditLog(store, { verifier: signer.verifierKey });
    times.push(performance.now() - started);
  }
  await store.close();
  if (!result?.ok || result.entries !== total)
    throw new Error(`verification of the benchmark's log failed: ${JSON.stringify(result)}`);
  return { ms: Math.min(...times), floor: Math.min(...floors), checkpoints: result.checkpoints };
}

try {
  const burst = await appends(16);
  const single = await appends(1);
  const verify = await verification();
  const rows = [
    [
      'appends/s, SQLite full, 8 writers x 16',
      burst.rate.toFixed(0),
      '>= 2000',
      burst.rate >= 2000,
    ],
    ['  floor: plain puts/s, 8 writers x 16', burst.floor.toFixed(0), '', true],
    ['appends/s, SQLite full, 8 writers x 1', single.rate.toFixed(0), '(fsync-bound)', true],
    ['  floor: plain puts/s, 8 writers x 1', single.floor.toFixed(0), '', true],
    ['verify 100,000 entries (ms)', verify.ms.toFixed(0), '<= 2000', verify.ms <= 2000],
    ['  floor: list the 100,000 records (ms)', verify.floor.toFixed(0), '', true],
  ] as const;
  for (const [name, value, target, ok] of rows)
    console.log(`${ok ? 'ok  ' : 'MISS'} ${name.padEnd(42)} ${value.padStart(10)}  ${target}`);
  console.log(
    `     (signed checkpoints: ${burst.checkpoints} and ${single.checkpoints} in the append runs, ${verify.checkpoints} verified)`,
  );
  if (rows.some(([, , , ok]) => !ok)) process.exitCode = 1;
} finally {
  rmSync(directory, { recursive: true, force: true });
}
