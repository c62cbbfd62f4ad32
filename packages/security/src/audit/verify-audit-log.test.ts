import type { StateStore } from '@agentry/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entry, freshSigner, temporaryDirectory } from './__fixtures__/audit-log-fixture.js';
import { createAuditLog } from './audit-log.js';
import { canonicalBytes, chainHash, type StoredAuditRecord } from './audit-record.js';
import type { CheckpointSigner } from './checkpoint-signer.js';
import { assertAuditLogIntact, verifyAuditLog } from './verify-audit-log.js';

const key = (index: number) => `audit:audit:e:${String(index).padStart(12, '0')}`;
const entryValue = (data: unknown) => ({ kind: 'audit-entry', schemaVersion: '1', data });

let directory: ReturnType<typeof temporaryDirectory>;
let store: StateStore;
let signer: CheckpointSigner;

/** 30 entries, appended one at a time, with a checkpoint every 10. */
beforeEach(async () => {
  directory = temporaryDirectory();
  store = directory.store();
  signer = freshSigner();
  const log = createAuditLog({ store, signer, checkpoint: { everyEntries: 10, everyMs: 0 } });
  for (let n = 0; n < 30; n += 1) await log.append(entry(n));
  await log.close();
});
afterEach(() => directory.remove());

const verify = () => verifyAuditLog(store, { verifier: signer.verifierKey });
const read = async (index: number) => (await store.get(key(index)))!.data as StoredAuditRecord;

describe('verifyAuditLog', () => {
  it('passes an untouched log', async () => {
    expect(await verify()).toEqual({ ok: true, entries: 30, checkpoints: 3 });
  });

  it('reports an edited field at its index', async () => {
    const record = await read(5);
    await store.put(key(5), entryValue({ ...record, outcome: 'denied' }));
    expect(await verify()).toMatchObject({ ok: false, index: 5, problem: 'edited' });
  });

  it('reports a deleted entry at its index', async () => {
    await store.delete(key(7));
    expect(await verify()).toMatchObject({ ok: false, index: 7, problem: 'deleted' });
  });

  it('reports a deleted entry when the later ones were moved down to close the gap', async () => {
    for (let index = 7; index < 29; index += 1)
      await store.put(key(index), entryValue(await read(index + 1)));
    await store.delete(key(29));
    expect(await verify()).toMatchObject({ ok: false, index: 7, problem: 'deleted' });
  });

  it('reports two swapped entries at the first of them', async () => {
    const [three, eight] = [await read(3), await read(8)];
    await store.put(key(3), entryValue(eight));
    await store.put(key(8), entryValue(three));
    expect(await verify()).toMatchObject({ ok: false, index: 3, problem: 'reordered' });
  });

  it('reports an inserted entry at its index', async () => {
    for (let index = 29; index >= 12; index -= 1)
      await store.put(key(index + 1), entryValue(await read(index)));
    const forged = { ...(await read(12)), action: 'tool.forged', hash: '0'.repeat(64) };
    await store.put(key(12), entryValue(forged));
    expect(await verify()).toMatchObject({ ok: false, index: 12, problem: 'inserted' });
  });

  it('reports a cut tail against the last signed checkpoint, even with the head rewritten', async () => {
    for (let index = 25; index < 30; index += 1) await store.delete(key(index));
    const head = (await store.get('audit:audit:head'))!;
    const last = await read(24);
    await store.put('audit:audit:head', {
      kind: 'audit-head',
      schemaVersion: '1',
      data: { ...(head.data as object), size: 25, hash: last.hash, pending: [], checkpoints: [] },
    });
    expect(await verify()).toMatchObject({ ok: false, index: 25, problem: 'truncated' });
  });

  it('reports tail entries deleted before the last batch, which the head still holds, as deleted', async () => {
    const log = createAuditLog({ store, signer, checkpoint: { everyEntries: 1000, everyMs: 0 } });
    for (let n = 30; n < 35; n += 1) await log.append(entry(n));
    await store.delete('audit:audit:c:000000000035');
    // The head keeps the last batch; cut entries before it.
    await log.append(entry(35));
    await log.append(entry(36));
    for (let index = 33; index < 35; index += 1) await store.delete(key(index));
    expect(await verify()).toMatchObject({ ok: false, index: 33, problem: 'deleted' });
  });

  it('reports an entry appended outside the log as inserted', async () => {
    const last = await read(29);
    await store.put(key(30), entryValue({ ...last, index: 30, action: 'tool.forged' }));
    expect(await verify()).toMatchObject({ ok: false, index: 30, problem: 'inserted' });
  });

  it('reports a forged checkpoint as bad-signature at the last entry it covers', async () => {
    const forger = freshSigner('example.com/audit');
    const stored = (await store.get('audit:audit:c:000000000020'))!.data as { note: string };
    const [origin, size, root] = stored.note.split('\n');
    await store.put('audit:audit:c:000000000020', {
      kind: 'audit-checkpoint',
      schemaVersion: '1',
      data: { note: forger.signNote(`${origin}\n${size}\n${root}\n`) },
    });
    expect(await verify()).toMatchObject({ ok: false, index: 19, problem: 'bad-signature' });
  });

  it('catches an edit with every later hash recomputed at the first checkpoint after it', async () => {
    let previous: Buffer = Buffer.from((await read(14)).hash, 'hex');
    for (let index = 15; index < 30; index += 1) {
      const { hash: _hash, ...fields } = await read(index);
      const changed = index === 15 ? { ...fields, outcome: 'denied' as const } : fields;
      previous = chainHash(canonicalBytes(changed), previous);
      await store.put(key(index), entryValue({ ...changed, hash: previous.toString('hex') }));
    }
    expect(await verify()).toMatchObject({ ok: false, index: 10, problem: 'edited' });
  });

  it('throws audit_tampered naming the index and problem from the throwing variant', async () => {
    await store.delete(key(2));
    await expect(
      assertAuditLogIntact(store, { verifier: signer.verifierKey }),
    ).rejects.toMatchObject({
      code: 'audit_tampered',
      details: { log: 'audit', index: 2, problem: 'deleted' },
    });
  });

  it('refuses checkpoints when verified with another key', async () => {
    const result = await verifyAuditLog(store, { verifier: freshSigner().verifierKey });
    expect(result).toMatchObject({ ok: false, problem: 'bad-signature', index: 9 });
  });
});
