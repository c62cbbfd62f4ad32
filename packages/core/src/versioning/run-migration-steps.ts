import { AgentryError } from '../errors/index.js';
import type { Migration } from './define-migration.js';
import type { MigrationPlanStep } from './migration-plan.js';
import { isPlainObject, type VersionedDocument } from './versioned-document.js';

/** How {@link runMigrationSteps} runs. @internal */
export interface RunMigrationStepsOptions {
  /** The kind of document, for messages. */
  documentKind: string;
  /** The steps, oldest first (also when going down). */
  steps: readonly MigrationPlanStep[];
  /** `up` applies the steps in order; `down` undoes them in reverse. */
  direction: 'up' | 'down';
  /** Finds the registered migration behind a step. */
  findMigration: (step: MigrationPlanStep) => Migration | undefined;
}

/**
 * Runs migration steps on a deep copy of a document, stamping each step's output with the version
 * it arrives at. Steps whose `migrationRequired` is `false` only restamp.
 *
 * @internal
 * @throws {AgentryError} `migration_failed` when a step throws or returns something other than a
 *   plain object; the input is never changed. `migration_not_found` when a step's migration (or,
 *   going down, its `down`) is missing.
 * @example
 * ```ts
 * const migrated = runMigrationSteps(document, { documentKind, steps: plan.steps, direction: 'up', findMigration });
 * ```
 */
export function runMigrationSteps(
  document: Readonly<Record<string, unknown>>,
  options: RunMigrationStepsOptions,
): VersionedDocument {
  const { documentKind, direction } = options;
  const steps = direction === 'up' ? options.steps : [...options.steps].reverse();
  const first = steps[0];
  const copy = structuredClone(document) as Record<string, unknown>;
  if (first === undefined) return copy as VersionedDocument;
  let stamped = stamp(copy, direction === 'up' ? first.from : first.to);

  for (const step of steps) {
    const target = direction === 'up' ? step.to : step.from;
    if (!step.migrationRequired) {
      stamped = stamp(stamped, target);
      continue;
    }
    const migration = options.findMigration(step);
    const run = direction === 'up' ? migration?.up : migration?.down;
    if (migration === undefined || run === undefined) {
      throw new AgentryError({
        code: 'migration_not_found',
        message: `No ${direction === 'up' ? 'migration' : 'down()'} is registered for the ${documentKind} step ${step.from} -> ${step.to}.`,
        details: { documentKind, from: step.from, to: step.to, direction },
        suggestions: [`Register the migration from ${step.from} to ${step.to} with this migrator.`],
      });
    }
    let output: unknown;
    try {
      output = run(stamped);
    } catch (cause) {
      throw failed(step, cause, cause instanceof Error ? cause.message : String(cause));
    }
    if (!isPlainObject(output)) {
      const what =
        output instanceof Promise ? 'a Promise (migrations are synchronous)' : describe(output);
      throw failed(step, undefined, `${direction}() returned ${what} instead of a plain object`);
    }
    stamped = stamp(output, target);
  }
  return stamped;

  function failed(step: MigrationPlanStep, cause: unknown, reason: string): AgentryError {
    return new AgentryError({
      code: 'migration_failed',
      message: `The ${documentKind} migration step ${step.from} -> ${step.to} failed going ${direction}: ${reason}. The document was left unchanged.`,
      details: { documentKind, from: step.from, to: step.to, direction },
      suggestions: [
        `Fix the ${direction}() of the migration from ${step.from} to ${step.to}, then run the migration again.`,
      ],
      cause,
    });
  }
}

/** Sets `schemaVersion`, keeping it first when the step dropped it; spread avoids `__proto__` setters. */
function stamp(document: Record<string, unknown>, version: string): VersionedDocument {
  const stamped: VersionedDocument = { schemaVersion: version, ...document };
  stamped.schemaVersion = version;
  return stamped;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'a non-plain object' : typeof value;
}
