import { randomUUID } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AgentryError,
  createMemoryStore,
  services,
  type Masker,
  type StateStore,
} from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../__fixtures__/recording-logger.js';
import type { AuditEntry } from '../../logging/core-interfaces.js';
import { createAuditTrail, type AuditTrailDestination } from './audit-trail.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function tempFile() {
  const directory = await mkdtemp(join(tmpdir(), 'agentry-audit-'));
  cleanup.push(() => rm(directory, { recursive: true, force: true }));
  return join(directory, 'nested', 'audit.jsonl');
}

function trailOn(destination: AuditTrailDestination, masker?: Masker) {
  const { logger, lines } = recordingLogger();
  const trail = createAuditTrail({
    destination,
    logger,
    lookup: <T>(key: { id: string }) =>
      key.id === services.masker.id ? (masker as T | undefined) : undefined,
  });
  return { trail, lines };
}

const entry = (index: number): AuditEntry => ({
  at: new Date(Date.UTC(2026, 11, 7, 9, 0, index)).toISOString(),
  category: 'plugin',
  action: 'plugin.setup',
  subject: `plugin-${index}`,
});

describe('createAuditTrail', () => {
  describe.each([
    ['a file', async (): Promise<AuditTrailDestination> => ({ file: await tempFile() })],
    [
      'a store',
      (): Promise<AuditTrailDestination> => Promise.resolve({ store: createMemoryStore() }),
    ],
  ])('on %s', (_name, destination) => {
    it('keeps every one of concurrent appends, in the order they were made', async () => {
      const { trail, lines } = trailOn(await destination());
      await Promise.all(Array.from({ length: 40 }, (_, index) => trail.append(entry(index))));
      const read = await trail.readAuditTrail();
      expect(read.map((kept) => kept.subject)).toEqual(
        Array.from({ length: 40 }, (_, index) => `plugin-${index}`),
      );
      expect(lines.filter((line) => line.msg === 'audit entry recorded')).toHaveLength(40);
      expect(lines.at(-1)?.fields).toMatchObject({
        auditPosition: 40,
        audit: { action: 'plugin.setup', subject: 'plugin-39' },
      });
    });

    it('masks keys and credential-named details, and what the masker hides', async () => {
      const key = ['sk', 'proj', randomUUID()].join('-');
      const email = `${randomUUID()}@example.com`;
      const masker: Masker = {
        mask: <T>(value: T): T =>
          JSON.parse(JSON.stringify(value).replaceAll(email, '[email]')) as T,
      };
      const { trail, lines } = trailOn(await destination(), masker);
      await trail.append({
        ...entry(1),
        actor: email,
        details: { password: randomUUID(), note: `used ${key}` },
      });
      const [kept] = await trail.readAuditTrail();
      expect(kept).toMatchObject({
        actor: '[email]',
        details: { password: expect.stringMatching(/^\*{4}/), note: `used ****${key.slice(-4)}` },
      });
      expect(JSON.stringify(lines)).not.toContain(key);
      expect(JSON.stringify(lines)).not.toContain(email);
    });

    it('refuses a malformed entry, logging and counting it', async () => {
      const { trail, lines } = trailOn(await destination());
      const bad = { at: 'yesterday', category: 'billing', action: '' } as unknown as AuditEntry;
      const failure = await trail.append(bad).catch((error: unknown) => error);
      expect(AgentryError.isInstance(failure) && failure.code).toBe('validation_failed');
      expect((failure as Error).message).toMatch(
        /at must be an ISO 8601 time.*category must be one of.*action must be a non-empty string/,
      );
      expect(trail.failedAppends()).toBe(1);
      expect(lines).toEqual([
        expect.objectContaining({
          level: 'error',
          msg: 'audit entry could not be recorded',
          fields: expect.objectContaining({ failedAppends: 1 }),
        }),
      ]);
      expect(await trail.readAuditTrail()).toEqual([]);
    });
  });

  it('numbers store keys after the last one kept, and never overwrites one another writer took', async () => {
    const store = createMemoryStore();
    const first = trailOn({ store }).trail;
    await first.append(entry(0));
    // A second process on the same store (or a restart) goes on from the last number.
    const second = trailOn({ store }).trail;
    await second.append(entry(1));
    // `first` still believes 1 is the last number: its next append meets a conflict and moves on.
    await Promise.all([first.append(entry(2)), second.append(entry(3))]);
    const page = await store.list('audit:');
    expect(page.entries.map((kept) => [kept.key, kept.revision])).toEqual([
      ['audit:0000000000000001', 1],
      ['audit:0000000000000002', 1],
      ['audit:0000000000000003', 1],
      ['audit:0000000000000004', 1],
    ]);
    expect(new Set((await first.readAuditTrail()).map((kept) => kept.subject))).toEqual(
      new Set(['plugin-0', 'plugin-1', 'plugin-2', 'plugin-3']),
    );
  });

  it('logs, counts and rejects an append the store refuses, and goes on with the next', async () => {
    const memory = createMemoryStore();
    let refuse = true;
    const store: StateStore = {
      ...memory,
      put: (key, value, options) =>
        refuse ? Promise.reject(new Error('disk full')) : memory.put(key, value, options),
    };
    const { trail, lines } = trailOn({ store });
    await expect(trail.append(entry(0))).rejects.toThrow('disk full');
    refuse = false;
    await trail.append(entry(1));
    expect(trail.failedAppends()).toBe(1);
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      ['error', 'audit entry could not be recorded'],
      ['info', 'audit entry recorded'],
    ]);
    expect(lines[0]?.fields).toMatchObject({
      audit: { category: 'plugin', action: 'plugin.setup' },
      error: { message: 'disk full' },
    });
    expect((await trail.readAuditTrail()).map((kept) => kept.subject)).toEqual(['plugin-1']);
  });

  it('reports a trail file changed outside Agentry, naming the line', async () => {
    const file = await tempFile();
    const { trail } = trailOn({ file });
    await trail.append(entry(0));
    await appendFile(file, 'not json\n');
    await expect(trail.readAuditTrail()).rejects.toMatchObject({
      code: 'data_corrupted',
      details: { record: `${file}:2` },
    });
    expect((await readFile(file, 'utf8')).split('\n')[0]).toContain('"plugin-0"');
  });
});
