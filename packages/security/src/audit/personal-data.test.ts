import { createMemoryStore } from '@agentry/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entry, freshSigner, temporaryDirectory } from './__fixtures__/audit-log-fixture.js';
import type { AuditLog } from './audit-log-types.js';
import { createAuditLog } from './audit-log.js';

let directory: ReturnType<typeof temporaryDirectory>;
let log: AuditLog;
const keys = createMemoryStore();
// Built at run time: the fixture looks like personal data, not a literal in the source.
const email = ['ada', 'example.com'].join('@');

beforeEach(async () => {
  directory = temporaryDirectory();
  log = createAuditLog({
    store: directory.store(),
    signer: freshSigner(),
    checkpoint: { everyEntries: 2, everyMs: 0 },
    personalData: {
      keys,
      subjectOf: (candidate) => (candidate.category === 'data' ? candidate.subject : undefined),
    },
  });
  await log.append(
    entry(0, { category: 'data', subject: 'ada', actor: email, details: { email } }),
  );
  await log.append(
    entry(1, { category: 'data', subject: 'alan', actor: 'alan', details: { n: 1 } }),
  );
  await log.append(entry(2, { actor: 'ops', details: { n: 2 } }));
  await log.append(entry(3, { category: 'data', subject: 'ada', details: { change: 'address' } }));
});
afterEach(async () => {
  await log.close();
  await directory.remove();
});

describe('createAuditLog with personalData', () => {
  it('seals actor and details of entries naming a subject, and opens them on read', async () => {
    const stored = JSON.stringify(await directory.store().list('audit:'));
    expect(stored).not.toContain(email);
    expect(stored).toContain('"sealed"');
    const records = await log.entries();
    expect(records[0]!.entry).toMatchObject({ subject: 'ada', actor: email, details: { email } });
    expect(records[2]!.entry).toMatchObject({ actor: 'ops', details: { n: 2 } });
    expect(records.every((record) => !record.erased)).toBe(true);
  });

  it('erases a subject by deleting its key: its fields read [erased], the log still verifies', async () => {
    expect(await log.eraseSubject('ada')).toBe(true);
    const records = await log.entries();
    expect(records[0]).toMatchObject({
      erased: true,
      entry: { subject: 'ada', actor: '[erased]', details: '[erased]' },
    });
    expect(records[3]).toMatchObject({ erased: true, entry: { details: '[erased]' } });
    expect(records[1]).toMatchObject({
      erased: false,
      entry: { actor: 'alan', details: { n: 1 } },
    });
    // The erasure is itself audited, naming the key id and not the person.
    expect(records[4]!.entry).toMatchObject({ category: 'data', action: 'audit.subject-erase' });
    expect(JSON.stringify(records[4])).not.toContain('ada');
    expect(await log.verify()).toMatchObject({ ok: true, entries: 5 });
    expect(await log.eraseSubject('ada')).toBe(false);
  });

  it('binds each envelope to its entry: a sealed field moved to another entry is refused', async () => {
    const store = directory.store();
    const zero = (await store.get('audit:audit:e:000000000000'))!.data as { sealed: unknown };
    const one = (await store.get('audit:audit:e:000000000001'))!;
    await store.put(one.key, {
      kind: one.kind,
      schemaVersion: one.schemaVersion,
      data: { ...(one.data as object), sealed: zero.sealed },
    });
    await expect(log.entries({ from: 1, to: 2 })).rejects.toMatchObject({
      code: 'decryption_failed',
    });
    expect(await log.verify()).toMatchObject({ ok: false, index: 1, problem: 'edited' });
  });
});
