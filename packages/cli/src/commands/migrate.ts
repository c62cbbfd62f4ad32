import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative } from 'node:path';
import {
  AgentryError,
  versioningConfigSchema,
  type MigrationPlan,
  type MigrationResult,
  type VersioningConfig,
} from '@agentry/core';
import { exitCodes } from '../cli-io.js';
import type { CommandSpec } from '../command.js';
import { findConfigurationFile } from '../load-project-configuration.js';
import { usageError, type Output } from '../output.js';
import { defaultVersioning, formatOf, migratorOf } from './migration-format.js';
import { migrateStore } from './migrate-store.js';

/** `agentry migrate [file]`. @internal */
export const migrateCommand: CommandSpec = {
  name: 'migrate',
  summary:
    'Show, apply or roll back the migration of a configuration, a versioned JSON document or store entries.',
  usage:
    'agentry migrate [file | --store <file>] [--apply [--allow-breaking] | --rollback | --check] [--migrations <module>] [--backup-dir <dir>] [--json]',
  description: [
    "Without an action, shows the plan: each step from the document's schemaVersion to the current",
    'one, and the diff a dry run produces. --apply carries it out and rewrites the file, first',
    "storing a backup when the document's versioning.migrationStrategy.dataBackup is on;",
    "--rollback restores the last applied migration (from the backup, else by each step's down())",
    'when rollbackSupport is on. The file is a JSON configuration (by default agentry.config.json),',
    'migrated with the configuration format of @agentry/core, or any versioned JSON document whose',
    'format a --migrations module describes: export { documentKind, currentVersion, migrations,',
    'versioning?, detectVersion? } (migrations made with defineMigration). Backups and the record',
    'of the last migration go to --backup-dir (default .agentry/backups beside the file).',
    "With --store, every entry of the module's documentKind in a SQLite store file is migrated the",
    "same way (its data object with the entry's schemaVersion), each written back only if it did not",
    'change meanwhile.',
  ].join('\n'),
  options: {
    apply: { type: 'boolean', description: 'Carry out the plan and rewrite the file.' },
    'allow-breaking': {
      type: 'boolean',
      description: 'Let --apply run a plan with breaking steps.',
    },
    rollback: { type: 'boolean', description: 'Undo the last migration applied to the file.' },
    check: { type: 'boolean', description: 'Exit 1 when a migration is due (for CI).' },
    migrations: {
      type: 'string',
      valueName: 'module',
      description: 'A module describing the document format.',
    },
    store: {
      type: 'string',
      valueName: 'file',
      description: "Migrate the entries of the module's documentKind in this SQLite store file.",
    },
    'backup-dir': {
      type: 'string',
      valueName: 'dir',
      description: 'Where backups go (default .agentry/backups beside the file).',
    },
  },
  positionals: { min: 0, max: 1 },
  examples: [
    'agentry migrate agentry.config.json',
    'agentry migrate data/profile.json --migrations ./migrations/profile.js --apply',
    'agentry migrate data/profile.json --migrations ./migrations/profile.js --rollback',
    'agentry migrate --store ./data/agentry.db --migrations ./migrations/agent-state.js --apply',
  ],
  async run(context) {
    const { values, positionals, io, output } = context;
    const actions = ['apply', 'rollback', 'check'].filter((name) => values[name] === true);
    if (actions.length > 1)
      throw usageError(`Choose one of --${actions.join(', --')}.`, [
        'Show the plan first, then --apply, and --rollback to undo.',
      ]);
    if (typeof values['store'] === 'string') {
      if (positionals.length > 0)
        throw usageError('Give either a file or --store, not both.', [
          'agentry migrate --store ./data/agentry.db --migrations ./migrations/agent-state.js',
        ]);
      return migrateStore(context);
    }
    const file = findConfigurationFile(io.cwd, positionals[0] ?? 'agentry.config.json');
    if (extname(file).toLowerCase() !== '.json')
      throw usageError(`agentry migrate rewrites JSON documents; ${file} is not one.`, [
        'Migrate a .json file; a JavaScript or TypeScript configuration is edited by hand (agentry validate shows what to change).',
      ]);
    const document = await readJson(file);
    const format = await formatOf(io.cwd, values['migrations']);
    const versioning = format.versioning ?? versioningOf(document);
    const { migrator, backupDirectory } = migratorOf(
      io.cwd,
      values['backup-dir'],
      file,
      format,
      versioning,
    );
    const recordFile = join(backupDirectory, `last-migration.${basename(file)}.json`);
    const shown = relative(io.cwd, file) || file;

    if (values['rollback'] === true) {
      const record = await readRecord(recordFile, file);
      const restored = await migrator.rollback({
        ...record,
        document: { ...document, schemaVersion: record.toVersion },
      });
      await writeFile(file, `${JSON.stringify(restored, null, 2)}\n`);
      await rm(recordFile, { force: true });
      output.result({
        ok: true,
        action: 'rollback',
        file,
        fromVersion: record.toVersion,
        toVersion: record.fromVersion,
        restoredFrom: record.backupKey ?? 'down',
      });
      output.line(
        `Rolled ${shown} back from ${record.toVersion} to ${record.fromVersion}${record.backupKey ? ` (backup ${record.backupKey})` : " (each step's down())"}.`,
      );
      return exitCodes.ok;
    }

    const plan = migrator.inspect(document);
    if (values['apply'] !== true) {
      output.result({
        ok: plan.steps.length === 0 || values['check'] !== true,
        action: 'plan',
        file,
        plan: planJson(plan),
        strategy: versioning.migrationStrategy,
      });
      printPlan(output, shown, plan);
      return plan.steps.length > 0 && values['check'] === true ? exitCodes.problems : exitCodes.ok;
    }
    if (plan.breaking && values['allow-breaking'] !== true)
      throw new AgentryError({
        code: 'migration_required',
        message: `The migration of ${shown} from ${plan.fromVersion} to ${plan.toVersion} has breaking steps; it was not applied.`,
        details: { file, steps: plan.steps },
        suggestions: [
          'Read the plan (agentry migrate without --apply), then pass --allow-breaking to apply it.',
        ],
      });
    const result = await migrator.apply(plan);
    if (result.status === 'applied') {
      await writeFile(file, `${JSON.stringify(result.document, null, 2)}\n`);
      await writeRecord(recordFile, file, result);
    }
    output.result({
      ok: true,
      action: 'apply',
      file,
      status: result.status,
      fromVersion: result.fromVersion,
      toVersion: result.toVersion,
      diff: result.diff,
      ...(result.backupKey ? { backupKey: result.backupKey, backupDirectory } : {}),
    });
    if (result.status !== 'applied')
      output.line(`${shown} is already at ${result.toVersion}; nothing to apply.`);
    else {
      output.line(`Migrated ${shown} from ${result.fromVersion} to ${result.toVersion}.`);
      for (const line of result.diff) output.line(`  ${line}`);
      output.line(
        result.backupKey
          ? `Backup: ${result.backupKey} in ${backupDirectory}`
          : 'No backup taken (versioning.migrationStrategy.dataBackup is off).',
      );
    }
    return exitCodes.ok;
  },
};

function versioningOf(document: Record<string, unknown>): VersioningConfig {
  const parsed = versioningConfigSchema.safeParse(document['versioning']);
  return parsed.success ? parsed.data : defaultVersioning;
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  const text = await readFile(file, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AgentryError({
      code: 'config_load_failed',
      message: `${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      details: { file },
      suggestions: ['Fix the JSON syntax.'],
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new AgentryError({
      code: 'validation_failed',
      message: `${file} must hold a JSON object with a schemaVersion.`,
      details: { file },
      suggestions: ['Migrate a versioned JSON object such as { "schemaVersion": "1", … }.'],
    });
  return value as Record<string, unknown>;
}

type MigrationRecord = Omit<MigrationResult, 'document'>;

async function writeRecord(
  recordFile: string,
  file: string,
  result: MigrationResult,
): Promise<void> {
  const { document: _document, plan, ...rest } = result;
  const { document: _planDocument, ...planRest } = plan;
  const record = { file, ...rest, plan: { ...planRest, document: {} } };
  await mkdir(dirname(recordFile), { recursive: true });
  await writeFile(recordFile, `${JSON.stringify(record, null, 2)}\n`);
}

async function readRecord(recordFile: string, file: string): Promise<MigrationRecord> {
  try {
    return JSON.parse(await readFile(recordFile, 'utf8')) as MigrationRecord;
  } catch {
    throw new AgentryError({
      code: 'rollback_unavailable',
      message: `No migration of ${file} was applied with agentry migrate --apply (${recordFile} is missing), so there is nothing to roll back.`,
      details: { file, record: recordFile },
      suggestions: [
        'Pass the --backup-dir the migration used, or restore the file from your own copy.',
      ],
    });
  }
}

function planJson(plan: MigrationPlan): Omit<MigrationPlan, 'document'> {
  const { document: _document, ...rest } = plan;
  return rest;
}

function printPlan(output: Output, shown: string, plan: MigrationPlan): void {
  if (plan.steps.length === 0) {
    output.line(
      `${shown} is at ${plan.fromVersion}, the current version of its format; nothing to migrate.`,
    );
    return;
  }
  output.line(
    `${shown}: ${plan.fromVersion} -> ${plan.toVersion}${plan.breaking ? ' (breaking)' : ''}`,
  );
  for (const step of plan.steps)
    output.line(
      `  ${step.from} -> ${step.to}: ${step.description}${step.breaking ? ' [breaking]' : ''}`,
    );
  output.line('Changes:');
  for (const line of plan.diff) output.line(`  ${line}`);
  output.line('Apply with --apply.');
}
