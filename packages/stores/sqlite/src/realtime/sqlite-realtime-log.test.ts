import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentryError, storeKey } from '@agentry/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRaw, testedDrivers } from '../__fixtures__/drivers.js';
import { createSqliteStore } from '../create-sqlite-store.js';
import { createSqliteRealtimeLog } from './sqlite-realtime-log.js';

let directory = '';
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'agentry-sqlite-realtime-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return AgentryError.isInstance(error) ? error.code : 'not an AgentryError';
  }
}

for (const driver of testedDrivers)
  describe(`createSqliteRealtimeLog (${driver})`, () => {
    it('lets two logs on one file see each other, and keeps the epoch when the file is opened again', async () => {
      const path = join(directory, 'realtime.db');
      const first = createSqliteRealtimeLog({ path, driver });
      const second = createSqliteRealtimeLog({ path, driver });
      const created = await first.create('run/r-1');
      const { offsets } = await first.append('run/r-1', ['1', '2']);
      const page = await second.read('run/r-1', '-1');
      expect(page.entries.map((entry) => entry.offset)).toEqual(offsets);
      const more = await second.append('run/r-1', ['3']);
      expect(more.offsets[0]! > offsets[1]!).toBe(true);
      await first.close();
      await second.close();
      const reopened = createSqliteRealtimeLog({ path, driver });
      expect((await reopened.info('run/r-1'))?.epoch).toBe(created.epoch);
      expect(
        (await reopened.read('run/r-1', offsets[1]!)).entries.map((entry) => entry.data),
      ).toEqual(['3']);
      await reopened.close();
    });

    it('keeps a greater epoch for a channel deleted and made again across reopening', async () => {
      const path = join(directory, 'realtime.db');
      let now = 1_800_000_000_000;
      const log = createSqliteRealtimeLog({ path, driver, clock: () => now });
      const first = await log.create('run/r-1');
      await log.delete('run/r-1');
      await log.close();
      // The clock went back: the tombstone still makes the new epoch greater.
      now -= 60_000;
      const again = createSqliteRealtimeLog({ path, driver, clock: () => now });
      const second = await again.create('run/r-1');
      expect(second.epoch > first.epoch).toBe(true);
      await again.close();
    });

    it("shares the state store's file without touching its entries", async () => {
      const path = join(directory, 'agentry.db');
      const store = createSqliteStore({ path, driver });
      const key = storeKey('agent', 'a');
      await store.put(key, { kind: 'agent', schemaVersion: '1', data: { turns: 1 } });
      const log = createSqliteRealtimeLog({ path, driver });
      await log.create('run/r-1');
      await log.append('run/r-1', ['{"ok":true}']);
      expect((await store.get(key))?.data).toEqual({ turns: 1 });
      await log.close();
      await store.close();
      const reopened = createSqliteStore({ path, driver });
      expect((await reopened.get(key))?.data).toEqual({ turns: 1 });
      await reopened.close();
    });

    it('refuses a file of another application and tables of a newer version', async () => {
      const foreign = join(directory, 'foreign.db');
      const raw = openRaw(foreign, driver);
      raw.pragma('application_id = 1234');
      raw.close();
      expect(codeOf(() => createSqliteRealtimeLog({ path: foreign, driver }))).toBe(
        'validation_failed',
      );

      const newer = join(directory, 'newer.db');
      await createSqliteRealtimeLog({ path: newer, driver }).close();
      const edit = openRaw(newer, driver);
      edit.exec("UPDATE agentry_realtime_meta SET value = '99' WHERE key = 'schema_version'");
      edit.close();
      expect(codeOf(() => createSqliteRealtimeLog({ path: newer, driver }))).toBe(
        'schema_version_unsupported',
      );
    });

    it('refuses bad options, naming them', () => {
      expect(codeOf(() => createSqliteRealtimeLog({ path: '', driver }))).toBe('validation_failed');
      expect(
        codeOf(() =>
          createSqliteRealtimeLog({ path: join(directory, 'x.db'), driver, maxEntries: 0 }),
        ),
      ).toBe('validation_failed');
      expect(
        codeOf(() =>
          createSqliteRealtimeLog({ path: join(directory, 'x.db'), driver, clock: 5 as never }),
        ),
      ).toBe('validation_failed');
      expect(
        codeOf(() =>
          createSqliteRealtimeLog({ path: join(directory, 'x.db'), readonly: true } as never),
        ),
      ).toBe('validation_failed');
      expect(
        codeOf(() => createSqliteRealtimeLog({ path: join(directory, 'missing', 'x.db'), driver })),
      ).toBe('not_found');
    });

    it('tells watchers only after the commit, with entries that read back the same', async () => {
      const log = createSqliteRealtimeLog({ path: join(directory, 'realtime.db'), driver });
      await log.create('raw/b', { contentType: 'application/octet-stream' });
      const seen: unknown[] = [];
      log.watch('raw/b', (entries) => seen.push(...entries.map((entry) => entry.data)));
      const pending = log.append('raw/b', [new Uint8Array([1, 2]), 'text']);
      expect(seen).toEqual([]);
      await pending;
      expect(seen).toEqual([new Uint8Array([1, 2]), 'text']);
      const page = await log.read('raw/b', '-1');
      expect(page.entries.map((entry) => entry.data)).toEqual(seen);
      await log.close();
    });
  });
