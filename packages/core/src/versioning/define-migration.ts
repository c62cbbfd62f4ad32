import type { VersionedDocument } from './versioned-document.js';

/**
 * One registered step that moves a document from one schema version to the next. Migrators call
 * `up` with a private deep copy stamped with `from` and stamp its output with `to`, so a migration
 * may mutate its input and need not set `schemaVersion` itself.
 *
 * @example
 * ```ts
 * import { defineMigration, type Migration } from '@agentry/core';
 *
 * const migration: Migration = defineMigration({
 *   from: '1',
 *   to: '2',
 *   description: 'Rename model to models.defaultModel.',
 *   up: ({ model, ...rest }) => ({ ...rest, models: { defaultModel: model } }),
 * });
 * ```
 */
export interface Migration {
  /** The exact version this step starts from. */
  readonly from: string;
  /** The exact version this step arrives at; newer than `from`. */
  readonly to: string;
  /** What the step changes, in one sentence shown in plans and errors. */
  readonly description: string;
  /** Whether the step is breaking on its own, even where no matrix entry says so. */
  readonly breaking?: boolean;
  /** Turns a document at `from` into one at `to`; synchronous and returning a plain object. */
  readonly up: (document: VersionedDocument) => unknown;
  /** Turns a document at `to` back into one at `from`; without it, rollback needs a backup. */
  readonly down?: (document: VersionedDocument) => unknown;
}

/**
 * What {@link defineMigration} takes; the type parameters describe the documents on each side.
 *
 * @example
 * ```ts
 * import { type MigrationDefinition } from '@agentry/core';
 *
 * const definition: MigrationDefinition<{ schemaVersion: string; a: number }> = {
 *   from: '1',
 *   to: '2',
 *   description: 'Add b.',
 *   up: (document) => ({ ...document, b: document.a }),
 * };
 * ```
 */
export interface MigrationDefinition<TFrom = VersionedDocument, TTo = VersionedDocument> {
  /** The exact version this step starts from. */
  from: string;
  /** The exact version this step arrives at; newer than `from`. */
  to: string;
  /** What the step changes, in one sentence shown in plans and errors. */
  description: string;
  /** Whether the step is breaking on its own, even where no matrix entry says so. */
  breaking?: boolean;
  /** Turns a document at `from` into one at `to`; it receives a private copy it may mutate. */
  up: (document: TFrom) => TTo;
  /** Turns a document at `to` back into one at `from`, so rollback works without a backup. */
  down?: (document: TTo) => TFrom;
}

/**
 * Declares a migration between two schema versions. The type parameters let `up` and `down` see
 * the document shapes on each side; the result is an untyped {@link Migration} the migrator can
 * hold next to others. Versions are checked when the migration is given to `createMigrator`.
 *
 * @example
 * ```ts
 * interface ConfigV2 { schemaVersion: string; tools: string }
 * interface ConfigV3 { schemaVersion: string; tools: string[] }
 *
 * export const splitTools = defineMigration<ConfigV2, ConfigV3>({
 *   from: '2',
 *   to: '3',
 *   description: 'Split the comma-separated tools string into a list.',
 *   up: (config) => ({ ...config, tools: config.tools.split(',') }),
 *   down: (config) => ({ ...config, tools: config.tools.join(',') }),
 * });
 * ```
 */
export function defineMigration<TFrom = VersionedDocument, TTo = VersionedDocument>(
  definition: MigrationDefinition<TFrom, TTo>,
): Migration {
  const { up, down } = definition;
  // The migrator only hands a step documents at its `from` (or, going down, its `to`) version,
  // which is what the definition's types describe.
  return {
    from: definition.from,
    to: definition.to,
    description: definition.description,
    ...(definition.breaking === undefined ? {} : { breaking: definition.breaking }),
    up: (document) => up(document as TFrom),
    ...(down === undefined ? {} : { down: (document: VersionedDocument) => down(document as TTo) }),
  };
}
