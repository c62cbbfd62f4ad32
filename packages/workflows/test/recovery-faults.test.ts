import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentryError, createMemoryStore, type StateStore } from '@agentry/core';
import { createSqliteStore } from '@agentry/store-sqlite';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createWorkflowRunner,
  type RunEvent,
  type TaskHandler,
  type WorkflowRunner,
} from '../src/index.js';
import { define, task } from './fixtures/workflows.js';

/** What these tests use of a SQLite connection: node:sqlite's `DatabaseSync` and better-sqlite3 agree. */
type RawDatabase = new (file: string) => {
  prepare(sql: string): { run(...parameters: unknown[]): unknown; get(): unknown };
  close(): void;
};

// A SQLite driver of its own, to change the store's file behind its back as a damaged disk or a
// person would: node:sqlite where Node has it built in (22.13 and later), else the better-sqlite3
// the SQLite store runs on under older Node (this package does not depend on either itself).
const Database: RawDatabase =
  (process.getBuiltinModule('node:sqlite') as { DatabaseSync: RawDatabase } | undefined)
    ?.DatabaseSync ??
  (createRequire(new URL('../../stores/sqlite/package.json', import.meta.url))(
    'better-sqlite3',
  ) as RawDatabase);

const open: WorkflowRunner[] = [];
const stores: StateStore[] = [];
let directory = '';
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'agentry-recovery-'));
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((runner) => runner.close()));
  await Promise.all(stores.splice(0).map((store) => store.close()));
  rmSync(directory, { recursive: true, force: true });
});

const workflow = define('two-steps', [task('first', 'work'), task('second', 'work')]);

function makeRunner(store: StateStore, work: TaskHandler) {
  let id = 0;
  const runner = createWorkflowRunner({
    store,
    registry: { 'two-steps': workflow },
    handlers: { work },
    generateId: () => `run-${++id}`,
  });
  open.push(runner);
  const events: RunEvent[] = [];
  runner.events$.subscribe((event) => events.push(event));
  return { runner, events };
}

/** Starts `count` runs that stop inside their first step, then closes the runner: all stay running. */
async function interruptedRuns(store: StateStore, count: number): Promise<string[]> {
  let started = 0;
  const { runner } = makeRunner(store, (_input, ctx) => {
    started += 1;
    return new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
  });
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1)
    ids.push((await runner.start('two-steps', {})).runId);
  await vi.waitFor(() => expect(started).toBe(count));
  await runner.close();
  return ids;
}

function sqlite(): { store: StateStore; file: string } {
  const file = join(directory, 'runs.db');
  const store = createSqliteStore({ path: file });
  stores.push(store);
  return { store, file };
}

function changeOutsideTheStore(file: string, sql: string, ...parameters: unknown[]): void {
  const database = new Database(file);
  database.prepare(sql).run(...parameters);
  database.close();
}

describe('recover() with damaged run records', () => {
  it('rebuilds a record that is not JSON from its journal, and recovers every healthy run', async () => {
    const { store, file } = sqlite();
    const ids = await interruptedRuns(store, 3);
    changeOutsideTheStore(
      file,
      "UPDATE agentry_entries SET data = '{broken' WHERE key = 'workflow-run:run-2'",
    );
    const { runner } = makeRunner(store, () => 'ok');
    const report = await runner.recover();
    expect(report.rebuilt).toEqual(['run-2']);
    expect(report.refused).toEqual([]);
    expect(report.resumed.sort()).toEqual(ids);
    for (const runId of ids) {
      expect(await runner.wait(runId)).toMatchObject({ runId, status: 'completed', output: 'ok' });
    }
  });

  it('reports a record it cannot rebuild with its key, and recovers the others', async () => {
    const { store, file } = sqlite();
    await interruptedRuns(store, 3);
    changeOutsideTheStore(
      file,
      "UPDATE agentry_entries SET data = '{broken' WHERE key = 'workflow-run:run-1'",
    );
    changeOutsideTheStore(
      file,
      "DELETE FROM agentry_entries WHERE key LIKE 'workflow-journal:run-1:%'",
    );
    const { runner } = makeRunner(store, () => 'ok');
    const report = await runner.recover();
    expect(report.refused).toEqual([
      {
        runId: 'run-1',
        key: 'workflow-run:run-1',
        error: expect.objectContaining({
          code: 'data_corrupted',
          details: expect.objectContaining({ key: 'workflow-run:run-1' }),
        }),
      },
    ]);
    expect(report.resumed.sort()).toEqual(['run-2', 'run-3']);
    expect(await runner.wait('run-3')).toMatchObject({ status: 'completed' });
    expect((await runner.listRuns()).map((run) => run.runId).sort()).toEqual(['run-2', 'run-3']);
  });

  it('rebuilds a record with a __proto__ key instead of leaving the run stuck running', async () => {
    const { store, file } = sqlite();
    await interruptedRuns(store, 2);
    const reader = new Database(file);
    const row = reader
      .prepare("SELECT data FROM agentry_entries WHERE key = 'workflow-run:run-1'")
      .get() as { data: string };
    reader.close();
    changeOutsideTheStore(
      file,
      "UPDATE agentry_entries SET data = ? WHERE key = 'workflow-run:run-1'",
      `{"__proto__":{"status":"completed"},${row.data.slice(1)}`,
    );
    const { runner, events } = makeRunner(store, () => 'ok');
    const report = await runner.recover();
    expect(report.rebuilt).toEqual(['run-1']);
    expect(report.resumed.sort()).toEqual(['run-1', 'run-2']);
    expect(await runner.wait('run-1')).toMatchObject({ status: 'completed', output: 'ok' });
    expect((await runner.getRun('run-1'))?.status).toBe('completed');
    expect(events.filter((event) => event.type === 'execution-error')).toEqual([]);
  });
});

describe('recover() with a damaged journal', () => {
  it('refuses the run whose journal record fails its checksum, naming the record, and recovers the others', async () => {
    const { store, file } = sqlite();
    await interruptedRuns(store, 2);
    const key = 'workflow-journal:run-1:0000000000';
    const reader = new Database(file);
    const row = reader.prepare(`SELECT data FROM agentry_entries WHERE key = '${key}'`).get() as {
      data: string;
    };
    reader.close();
    const damaged = row.data.replace('"input":{}', '"input":{"__proto__":{"isAdmin":true}}');
    expect(damaged).not.toBe(row.data);
    changeOutsideTheStore(file, 'UPDATE agentry_entries SET data = ? WHERE key = ?', damaged, key);
    const { runner } = makeRunner(store, () => 'ok');
    const report = await runner.recover();
    expect(report.refused).toEqual([
      {
        runId: 'run-1',
        key: 'workflow-run:run-1',
        error: expect.objectContaining({
          code: 'data_corrupted',
          details: expect.objectContaining({ key }),
        }),
      },
    ]);
    expect(report.resumed).toEqual(['run-2']);
    expect(await runner.wait('run-2')).toMatchObject({ status: 'completed' });
  });
});

/**
 * A store that checks nothing on read (as a networked store without checksums may be) and serves
 * `tamper(data)` for `key`: the runner's own schemas must catch what the store does not.
 */
function servingTampered(inner: StateStore, key: string, tamper: (data: unknown) => unknown) {
  const served = <T extends { key: string; data: unknown }>(entry: T): T =>
    entry.key === key
      ? Object.create(entry, { data: { value: tamper(entry.data), enumerable: true } })
      : entry;
  const store: StateStore = {
    get: async (wanted) => {
      const entry = await inner.get(wanted);
      return entry && served(entry);
    },
    list: async (prefix, options) => {
      const page = await inner.list(prefix, options);
      return { ...page, entries: page.entries.map(served) };
    },
    put: (entryKey, value, options) => inner.put(entryKey, value, options),
    delete: (entryKey, options) => inner.delete(entryKey, options),
    close: () => inner.close(),
  };
  return store;
}

describe('recover() on a store that checks nothing on read', () => {
  it('rebuilds a run record with a __proto__ key from its journal', async () => {
    const memory = createMemoryStore();
    await interruptedRuns(memory, 2);
    const store = servingTampered(memory, 'workflow-run:run-1', (data) =>
      JSON.parse(`{"__proto__":{"status":"completed"},${JSON.stringify(data).slice(1)}`),
    );
    const { runner } = makeRunner(store, () => 'ok');
    const report = await runner.recover();
    expect(report.rebuilt).toEqual(['run-1']);
    expect(report.resumed.sort()).toEqual(['run-1', 'run-2']);
    expect(await runner.wait('run-2')).toMatchObject({ status: 'completed', output: 'ok' });
  });

  it('refuses the run whose journal record fails its schema, naming the record', async () => {
    const memory = createMemoryStore();
    await interruptedRuns(memory, 2);
    const key = 'workflow-journal:run-1:0000000000';
    const store = servingTampered(memory, key, (data) =>
      JSON.parse(
        JSON.stringify(data).replace('"input":{}', '"input":{"__proto__":{"isAdmin":true}}'),
      ),
    );
    const { runner } = makeRunner(store, () => 'ok');
    const report = await runner.recover();
    expect(report.refused).toEqual([
      {
        runId: 'run-1',
        key: 'workflow-run:run-1',
        error: expect.objectContaining({
          code: 'validation_failed',
          details: expect.objectContaining({ key }),
        }),
      },
    ]);
    expect(report.resumed).toEqual(['run-2']);
    expect(await runner.wait('run-2')).toMatchObject({ status: 'completed' });
  });
});

describe('failures of a recovered execution', () => {
  it('are emitted as execution-error events, never swallowed', async () => {
    const memory = createMemoryStore();
    await interruptedRuns(memory, 1);
    let refuseRecordWrites = false;
    const store: StateStore = {
      get: (key) => memory.get(key),
      list: (prefix, options) => memory.list(prefix, options),
      delete: (key, options) => memory.delete(key, options),
      close: () => memory.close(),
      put: (key, value, options) =>
        refuseRecordWrites && key.startsWith('workflow-run:')
          ? Promise.reject(new AgentryError({ code: 'network', message: 'The store is gone.' }))
          : memory.put(key, value, options),
    };
    const { runner, events } = makeRunner(store, () => 'ok');
    refuseRecordWrites = true;
    const report = await runner.recover();
    expect(report.resumed).toEqual(['run-1']);
    await vi.waitFor(() =>
      expect(events.filter((event) => event.type === 'execution-error')).toEqual([
        expect.objectContaining({
          runId: 'run-1',
          workflowId: 'two-steps',
          error: expect.objectContaining({ code: 'network' }),
        }),
      ]),
    );
    expect((await memory.get('workflow-run:run-1'))?.data).toMatchObject({ status: 'running' });
  });
});
