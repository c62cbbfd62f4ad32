// Runs in a child process: opens the store file named by argv and does one thing, so the tests
// can check what another process sees and how two processes contend for one file.
//   put <path> <key> <json-data> [expectedRevision]   writes through createSqliteStore
//   hold-lock <path> <ms>                               holds the write lock, then commits
//   hold-lock-until-stdin <path>                        holds the write lock until stdin closes
import type { SqliteDriverName } from '../drivers/sqlite-connection.js';
import { entryChecksum } from '../entry-row.js';
import { createSqliteStore } from '../index.js';
import { openRaw } from './drivers.js';

const [command, path, ...rest] = process.argv.slice(2);
if (path === undefined) throw new Error('Usage: child-store <command> <path> …');
// The driver under test, named by the parent.
const driver = process.env.AGENTRY_TEST_SQLITE_DRIVER as SqliteDriverName;

if (command === 'put') {
  const [key, json, expected] = rest;
  const store = createSqliteStore({ path, driver });
  try {
    const envelope = await store.put(
      key as string,
      { kind: 'agent', schemaVersion: '1', data: JSON.parse(json as string) as unknown },
      expected === undefined ? {} : { expectedRevision: Number(expected) },
    );
    process.stdout.write(JSON.stringify({ ok: envelope }));
  } catch (error) {
    const { code, details } = error as { code?: string; details?: unknown };
    process.stdout.write(JSON.stringify({ error: { code, details } }));
  } finally {
    await store.close();
  }
} else if (command === 'hold-lock' || command === 'hold-lock-until-stdin') {
  const database = openRaw(path, driver);
  database.exec('BEGIN IMMEDIATE');
  const row = {
    key: 'agent:child',
    revision: 1,
    kind: 'agent',
    schema_version: '1',
    data: '"from child"',
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
  };
  database
    .prepare(
      'INSERT INTO agentry_entries VALUES (@key, @revision, @kind, @schema_version, @data, @created_at, @updated_at, @checksum)',
    )
    .run({ ...row, checksum: entryChecksum(row) });
  process.stdout.write('locked\n');
  const release = () => {
    database.exec('COMMIT');
    database.close();
  };
  if (command === 'hold-lock') setTimeout(release, Number(rest[0]));
  else {
    process.stdin.resume();
    process.stdin.on('end', release);
  }
} else throw new Error(`Unknown command ${String(command)}`);
