import { createHash } from 'node:crypto';
import type { StateStore } from '@agentry/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entry, freshSigner, temporaryDirectory } from './__fixtures__/audit-log-fixture.js';
import type { AuditLog } from './audit-log-types.js';
import { createAuditLog } from './audit-log.js';
import { canonicalJson } from './canonical-json.js';
import { openCheckpoint } from './checkpoint.js';
import { checkpointVerifier } from './checkpoint-signer.js';
import { verifyInclusion } from './inclusion-proof.js';
import { verifyAuditLog } from './verify-audit-log.js';

let directory: ReturnType<typeof temporaryDirectory>;
const logs: AuditLog[] = [];
const open = (options: Parameters<typeof createAuditLog>[0]) => {
  const log = createAuditLog(options);
  logs.push(log);
  return log;
};

beforeEach(() => {
  directory = temporaryDirectory();
});
afterEach(async () => {
  await Promise.allSettled(logs.splice(0).map((log) => log.close()));
  await directory.remove();
});

describe('createAuditLog', () => {
  describe('append', () => {
    it('stores each entry with its index, canonical fields and chain hash h_i = SHA-256(canon(e_i) ‖ h_{i-1})', async () => {
      const store = directory.store();
      const log = open({ store, signer: freshSigner() });
      await log.append(entry(0));
      await log.append(entry(1));
      await log.close();
      const first = (await store.get('audit:audit:e:000000000000'))!.data as Record<
        string,
        unknown
      >;
      const second = (await store.get('audit:audit:e:000000000001'))!.data as Record<
        string,
        unknown
      >;
      const { hash: firstHash, ...firstFields } = first;
      expect(firstFields).toMatchObject({
        index: 0,
        action: 'tool.call',
        details: { n: 0, tool: 'search' },
      });
      const h0 = createHash('sha256')
        .update(canonicalJson(firstFields))
        .update(Buffer.alloc(32))
        .digest();
      expect(firstHash).toBe(h0.toString('hex'));
      const { hash: secondHash, ...secondFields } = second;
      expect(secondHash).toBe(
        createHash('sha256').update(canonicalJson(secondFields)).update(h0).digest('hex'),
      );
      expect(await log.verify()).toEqual({ ok: true, entries: 2, checkpoints: 1 });
    });

    it('keeps one chain with 8 concurrent writers, and signs a checkpoint every everyEntries', async () => {
      const store = directory.store();
      const log = open({
        store,
        signer: freshSigner(),
        checkpoint: { everyEntries: 100, everyMs: 0 },
      });
      await Promise.all(
        Array.from({ length: 8 }, async (_, writer) => {
          for (let n = 0; n < 50; n += 1) await log.append(entry(writer * 1000 + n));
        }),
      );
      expect(await log.verify()).toEqual({ ok: true, entries: 400, checkpoints: 4 });
      const records = await log.entries();
      expect(records.map((record) => record.index)).toEqual([...Array(400).keys()]);
      // Every writer's entries are there once.
      const seen = new Set(records.map((record) => (record.entry.details as { n: number }).n));
      expect(seen.size).toBe(400);
    });

    it('writes the appends queued while a write is in flight together (group commit)', async () => {
      const store = directory.store();
      let headWrites = 0;
      const counting: StateStore = {
        get: (key) => store.get(key),
        list: (prefix, options) => store.list(prefix, options),
        delete: (key, options) => store.delete(key, options),
        close: () => store.close(),
        put: (key, value, options) => {
          if (key === 'audit:audit:head') headWrites += 1;
          return store.put(key, value, options);
        },
      };
      const log = open({ store: counting, signer: freshSigner(), checkpoint: { everyMs: 0 } });
      await Promise.all(Array.from({ length: 200 }, (_, n) => log.append(entry(n))));
      expect(headWrites).toBeLessThanOrEqual(2);
      expect(await log.verify()).toMatchObject({ ok: true, entries: 200 });
    });

    it('keeps one chain when two logs on the same file (as two processes) append at once', async () => {
      const signer = freshSigner();
      const a = open({
        store: directory.store(),
        signer,
        checkpoint: { everyEntries: 50, everyMs: 0 },
      });
      const b = open({
        store: directory.store(),
        signer,
        checkpoint: { everyEntries: 50, everyMs: 0 },
      });
      await Promise.all(
        [a, b].flatMap((log, which) =>
          Array.from({ length: 4 }, async (_, writer) => {
            for (let n = 0; n < 25; n += 1)
              await log.append(entry(which * 10_000 + writer * 100 + n));
          }),
        ),
      );
      await Promise.all([a.close(), b.close()]);
      const result = await verifyAuditLog(directory.store(), { verifier: signer.verifierKey });
      expect(result).toMatchObject({ ok: true, entries: 200 });
    });

    it('rejects with audit_unavailable when the store write fails, and recovers after', async () => {
      const store = directory.store();
      let failing = false;
      const flaky: StateStore = {
        ...store,
        get: (key) => store.get(key),
        list: (prefix, options) => store.list(prefix, options),
        delete: (key, options) => store.delete(key, options),
        close: () => store.close(),
        put: (key, value, options) =>
          failing ? Promise.reject(new Error('disk full')) : store.put(key, value, options),
      };
      const log = open({ store: flaky, signer: freshSigner() });
      await log.append(entry(0));
      failing = true;
      await expect(log.append(entry(1))).rejects.toMatchObject({
        code: 'audit_unavailable',
        recoverable: true,
      });
      failing = false;
      await log.append(entry(2));
      const records = await log.entries();
      expect(records.map((record) => (record.entry.details as { n: number }).n)).toEqual([0, 2]);
      expect((await log.verify()).ok).toBe(true);
    });

    it('refuses malformed entries and details that are not JSON, naming the problem', async () => {
      const log = open({ store: directory.store(), signer: freshSigner() });
      await expect(log.append({ ...entry(0), category: 'nope' as 'data' })).rejects.toMatchObject({
        code: 'validation_failed',
      });
      await expect(log.append(entry(0, { details: { value: Number.NaN } }))).rejects.toMatchObject({
        code: 'not_serializable',
        details: { path: '$.details.value' },
      });
      expect((await log.head()).size).toBe(0);
    });
  });

  describe('checkpoint and proveInclusion', () => {
    it('signs a C2SP checkpoint and proves inclusion to a third party holding only the checkpoint', async () => {
      const signer = freshSigner();
      const log = open({
        store: directory.store(),
        signer,
        checkpoint: { everyEntries: 1000, everyMs: 0 },
      });
      for (let n = 0; n < 13; n += 1) await log.append(entry(n));
      const checkpoint = await log.checkpoint();
      const head = await log.head();
      expect(checkpoint.note).toBe(
        `example.com/audit\n13\n${head.rootHash}\n\n— example.com/audit ${checkpoint.note.split(' ').at(-1)}`,
      );
      const verifier = checkpointVerifier(signer.verifierKey);
      const opened = openCheckpoint(checkpoint.note, verifier);
      for (const index of [0, 6, 12]) {
        const proof = await log.proveInclusion(index);
        expect(proof.treeSize).toBe(13);
        expect(verifyInclusion(proof, proof.record, opened)).toBe(true);
        const altered = { ...proof.record, action: 'tool.other' };
        expect(verifyInclusion(proof, altered, opened)).toBe(false);
        expect(verifyInclusion({ ...proof, index: (index + 1) % 13 }, proof.record, opened)).toBe(
          false,
        );
      }
      await expect(log.proveInclusion(13)).rejects.toMatchObject({ code: 'not_found' });
    });

    it('signs a checkpoint first when none covers the entry', async () => {
      const log = open({
        store: directory.store(),
        signer: freshSigner(),
        checkpoint: { everyMs: 0 },
      });
      await log.append(entry(0));
      const proof = await log.proveInclusion(0);
      expect(proof.treeSize).toBe(1);
      expect(verifyInclusion(proof, proof.record, proof.checkpoint)).toBe(true);
    });

    it('signs a checkpoint every everyMs when entries were added', async () => {
      const store = directory.store();
      const log = open({ store, signer: freshSigner(), checkpoint: { everyMs: 50 } });
      await log.append(entry(0));
      await log.append(entry(1));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await store.get('audit:audit:c:000000000002')).toBeDefined();
    });
  });
});
