import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAuditLog, createCheckpointSigner, type CheckpointSigner } from '@agentry/security';
import { createSqliteStore } from '@agentry/store-sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBuilt, workDirectory } from './run-built.js';

describe('agentry audit verify', () => {
  let work: Awaited<ReturnType<typeof workDirectory>>;
  let signer: CheckpointSigner;
  const verify = (...args: string[]) =>
    runBuilt(['audit', 'verify', '--store', 'app.db', ...args], { cwd: work.path });

  beforeEach(async () => {
    work = await workDirectory();
    signer = createCheckpointSigner({
      name: 'example.com/audit',
      privateKey: generateKeyPairSync('ed25519').privateKey,
    });
    const store = createSqliteStore({ path: join(work.path, 'app.db') });
    const log = createAuditLog({ store, signer, checkpoint: { everyEntries: 5, everyMs: 0 } });
    for (let n = 0; n < 12; n += 1)
      await log.append({
        at: new Date().toISOString(),
        category: 'security',
        action: 'tool.call',
        details: { n },
      });
    await log.close();
    await store.close();
    await writeFile(join(work.path, 'audit.vkey'), `${signer.verifierKey}\n`);
  });
  afterEach(() => work.remove());

  it('verifies an intact log with the verifier key given inline or in a file', async () => {
    const inline = await verify('--key', signer.verifierKey);
    expect(inline.code).toBe(0);
    expect(inline.stdout).toContain('12 entries and 3 signed checkpoints verified.');
    const fromFile = await verify('--key', 'audit.vkey', '--json');
    expect(fromFile.code).toBe(0);
    expect(JSON.parse(fromFile.stdout)).toMatchObject({ ok: true, entries: 12, log: 'audit' });
  });

  it('exits 1 naming the index and the problem when an entry was deleted', async () => {
    const store = createSqliteStore({ path: join(work.path, 'app.db') });
    await store.delete('audit:audit:e:000000000004');
    await store.close();
    const result = await verify('--key', 'audit.vkey');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('failed verification at entry 4 (deleted)');
    const json = await verify('--key', 'audit.vkey', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, index: 4, problem: 'deleted' });
  });

  it('reports checkpoints as bad-signature under another key', async () => {
    const other = createCheckpointSigner({
      name: 'example.com/audit',
      privateKey: generateKeyPairSync('ed25519').privateKey,
    });
    const result = await verify('--key', other.verifierKey, '--json');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: false,
      problem: 'bad-signature',
      index: 4,
    });
  });

  it('refuses a missing --key or a malformed one as a usage error', async () => {
    expect((await verify()).code).toBe(2);
    expect((await verify('--key', 'not-a-key')).code).toBe(2);
  });
});
