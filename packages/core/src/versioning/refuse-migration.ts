import { AgentryError } from '../errors/index.js';
import type { MigrationPlan } from './migration-plan.js';

/**
 * Builds the `migration_required` error a migrator throws when its strategy does not let it apply
 * a plan by itself: always under `manual`, and under `automatic` when a step is breaking. The
 * details list every step; the suggestions say how to run them.
 *
 * @internal
 * @example
 * ```ts
 * throw refuseMigration(plan, 'manual');
 * ```
 */
export function refuseMigration(
  plan: MigrationPlan,
  strategy: 'automatic' | 'manual',
): AgentryError {
  const { documentKind, fromVersion, toVersion, steps } = plan;
  const listed = steps.map(
    (step) =>
      `${step.from} -> ${step.to}${step.breaking ? ' (breaking)' : ''}: ${step.description}`,
  );
  const breakingSteps = steps.filter((step) => step.breaking);
  const reason =
    strategy === 'manual'
      ? 'the migration strategy is manual, so it must be migrated explicitly'
      : `automatic migration stops before breaking ${breakingSteps.length === 1 ? 'step' : 'steps'} ${breakingSteps.map((step) => `${step.from} -> ${step.to}`).join(', ')}`;
  const runAll =
    'Review the steps, then run them with `await migrator.apply(migrator.inspect(document))` and save the result.';
  return new AgentryError({
    code: 'migration_required',
    message: `The ${documentKind} document is at schemaVersion ${fromVersion} and this code needs ${toVersion}; ${reason}. Steps: ${listed.join('; ')}.`,
    details: {
      documentKind,
      fromVersion,
      toVersion,
      strategy,
      steps: steps.map((step) => ({ ...step })),
      ...(strategy === 'automatic'
        ? { breakingSteps: breakingSteps.map((step) => ({ ...step })) }
        : {}),
    },
    suggestions:
      strategy === 'manual'
        ? [runAll, ...listed.map((line) => `Step ${line}`)]
        : [
            'Review the breaking steps, then call `migrator.migrate(document, { allowBreaking: true })`.',
            runAll,
          ],
  });
}
