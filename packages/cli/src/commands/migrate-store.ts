import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  AgentryError,
  type MigrationResult,
  type Migrator,
  type StateStore,
  type StoredEnvelope,
  type VersionedDocument,
} from '@agentry/core';
import { createSqliteStore } from '@agentry/store-sqlite';
import { exitCodes, type ExitCode } from '../cli-io.js';
import type { CommandContext } from '../command.js';
import { usageError } from '../output.js';
import { defaultVersioning, formatOf, migratorOf } from './migration-format.js';

/** What `--apply` remembers of each entry, so that `--rollback` can undo it. */
interface StoreMigrationRecord {
  store: string;
  entries: {
    key: string;
    /** The revision the migration wrote: a later write means the entry changed since. */
    revision: number;
    result: Omit<MigrationResult, 'document' | 'plan'>;
  }[];
}

/**
 * `agentry migrate --store <file> --migrations <module>`: migrates every entry of the module's
 * `documentKind` in a SQLite store. An entry's document is its `data` object with the entry's
 * `schemaVersion`; a migrated entry is written back with the revision it was read at, so a
 * concurrent write makes the command stop instead of losing it.
 *
 * @internal
 */
export async function migrateStore(context: CommandContext): Promise<ExitCode> {
  const { values, io, output } = context;
  if (typeof values['migrations'] !== 'string')
    throw usageError(
      'agentry migrate --store needs --migrations <module>: which kind of entry to migrate, and how.',
      ['export { documentKind, currentVersion, migrations } from a module and pass it.'],
    );
  const storePath = resolve(io.cwd, String(values['store']));
  const format = await formatOf(io.cwd, values['migrations']);
  const { migrator, backupDirectory } = migratorOf(
    io.cwd,
    values['backup-dir'],
    storePath,
    format,
    format.versioning ?? defaultVersioning,
  );
  const recordFile = join(backupDirectory, `last-migration.store.${basename(storePath)}.json`);
  const readonly = values['apply'] !== true && values['rollback'] !== true;
  const store = await Promise.resolve(createSqliteStore({ path: storePath, readonly }));
  try {
    if (values['rollback'] === true) return await rollback(context, store, migrator, recordFile);
    const entries = await entriesOfKind(store, format.documentKind);
    const plans = entries.map((entry) => ({ entry, plan: migrator.inspect(toDocument(entry)) }));
    const due = plans.filter(({ plan }) => plan.steps.length > 0);
    if (values['apply'] !== true) {
      output.result({
        ok: due.length === 0 || values['check'] !== true,
        action: 'plan',
        store: storePath,
        documentKind: format.documentKind,
        entries: plans.map(({ entry, plan }) => ({
          key: entry.key,
          fromVersion: plan.fromVersion,
          toVersion: plan.toVersion,
          steps: plan.steps,
          diff: plan.diff,
        })),
      });
      output.line(
        `${entries.length} ${format.documentKind} entr${entries.length === 1 ? 'y' : 'ies'} in ${storePath}; ${due.length} to migrate to ${format.currentVersion}.`,
      );
      for (const { entry, plan } of due) {
        output.line(
          `  ${entry.key}: ${plan.fromVersion} -> ${plan.toVersion}${plan.breaking ? ' (breaking)' : ''}`,
        );
        for (const line of plan.diff) output.line(`    ${line}`);
      }
      if (due.length > 0) output.line('Apply with --apply.');
      return due.length > 0 && values['check'] === true ? exitCodes.problems : exitCodes.ok;
    }
    const breaking = due.find(({ plan }) => plan.breaking);
    if (breaking && values['allow-breaking'] !== true)
      throw new AgentryError({
        code: 'migration_required',
        message: `Migrating ${breaking.entry.key} from ${breaking.plan.fromVersion} to ${breaking.plan.toVersion} has breaking steps; nothing was applied.`,
        details: { key: breaking.entry.key, steps: breaking.plan.steps },
        suggestions: ['Read the plan (without --apply), then pass --allow-breaking to apply it.'],
      });
    const record: StoreMigrationRecord = { store: storePath, entries: [] };
    const progress = output.progress(`Migrating ${due.length} entries`);
    try {
      for (const [index, { entry, plan }] of due.entries()) {
        progress.update(`Migrating ${entry.key} (${index + 1}/${due.length})`);
        const result = await migrator.apply(plan, { id: entry.key });
        const { schemaVersion, ...data } = result.document;
        const written = await store.put(
          entry.key,
          { kind: entry.kind, schemaVersion, data },
          { expectedRevision: entry.revision },
        );
        const { document: _document, plan: _plan, ...kept } = result;
        record.entries.push({ key: entry.key, revision: written.revision, result: kept });
        // Written after each entry, so a failure half-way leaves a record of what was done.
        await writeRecord(recordFile, record);
      }
    } finally {
      progress.end();
    }
    output.result({
      ok: true,
      action: 'apply',
      store: storePath,
      migrated: record.entries.map(({ key, result }) => ({
        key,
        fromVersion: result.fromVersion,
        toVersion: result.toVersion,
        backupKey: result.backupKey,
      })),
    });
    output.line(
      `Migrated ${record.entries.length} ${format.documentKind} entr${record.entries.length === 1 ? 'y' : 'ies'} to ${format.currentVersion}.`,
    );
    for (const { key, result } of record.entries)
      output.line(
        `  ${key}: ${result.fromVersion} -> ${result.toVersion}${result.backupKey ? ` (backup ${result.backupKey})` : ''}`,
      );
    return exitCodes.ok;
  } finally {
    await store.close();
  }
}

async function rollback(
  { output }: CommandContext,
  store: StateStore,
  migrator: Migrator,
  recordFile: string,
): Promise<ExitCode> {
  let record: StoreMigrationRecord;
  try {
    record = JSON.parse(await readFile(recordFile, 'utf8')) as StoreMigrationRecord;
  } catch {
    throw new AgentryError({
      code: 'rollback_unavailable',
      message: `No store migration was applied with agentry migrate --apply (${recordFile} is missing), so there is nothing to roll back.`,
      details: { record: recordFile },
      suggestions: ['Pass the --backup-dir the migration used.'],
    });
  }
  const restored: string[] = [];
  for (const { key, revision, result } of record.entries) {
    const current = await store.get(key);
    if (current?.revision !== revision)
      throw new AgentryError({
        code: 'conflict',
        message: `${key} changed after it was migrated (revision ${current?.revision ?? 'deleted'}, migrated at ${revision}); it was not rolled back${restored.length > 0 ? `, after ${restored.length} other entries were` : ''}.`,
        details: { key, revision, current: current?.revision, restored },
        suggestions: ['Restore it by hand from its backup, or migrate it again.'],
      });
    const original = await migrator.rollback({
      ...result,
      document: toDocument(current),
      plan: {
        documentKind: migrator.documentKind,
        fromVersion: result.fromVersion,
        toVersion: result.toVersion,
        versionDetected: false,
        steps: result.applied,
        breaking: false,
        diff: [],
        document: {},
      },
    });
    const { schemaVersion, ...data } = original;
    await store.put(
      key,
      { kind: current.kind, schemaVersion: String(schemaVersion), data },
      { expectedRevision: revision },
    );
    restored.push(key);
  }
  await rm(recordFile, { force: true });
  output.result({ ok: true, action: 'rollback', restored });
  output.line(`Rolled back ${restored.length} entr${restored.length === 1 ? 'y' : 'ies'}.`);
  for (const key of restored) output.line(`  ${key}`);
  return exitCodes.ok;
}

async function entriesOfKind(store: StateStore, kind: string): Promise<StoredEnvelope[]> {
  const found: StoredEnvelope[] = [];
  let after: string | undefined;
  do {
    const page = await store.list('', { limit: 500, ...(after === undefined ? {} : { after }) });
    for (const entry of page.entries) if (entry.kind === kind) found.push(entry);
    after = page.next;
  } while (after !== undefined);
  return found;
}

function toDocument(entry: StoredEnvelope): VersionedDocument {
  const { data } = entry;
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new AgentryError({
      code: 'validation_failed',
      message: `The entry ${entry.key} holds ${Array.isArray(data) ? 'an array' : typeof data}, not an object, so it cannot be migrated as a document.`,
      details: { key: entry.key },
      suggestions: ['Migrate only kinds of entries whose data is a JSON object.'],
    });
  return { ...(data as Record<string, unknown>), schemaVersion: entry.schemaVersion };
}

async function writeRecord(recordFile: string, record: StoreMigrationRecord): Promise<void> {
  await mkdir(dirname(recordFile), { recursive: true });
  await writeFile(recordFile, `${JSON.stringify(record, null, 2)}\n`);
}
