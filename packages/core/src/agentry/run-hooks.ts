import { AgentryError } from '../errors/index.js';

/**
 * Runs shutdown hooks in reverse order of registration; every hook runs, and the failures are
 * reported together.
 *
 * @internal
 */
export async function runHooks(hooks: readonly (() => void | Promise<void>)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const hook of [...hooks].reverse()) {
    try {
      await hook();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) {
    throw new AgentryError({
      code: 'internal',
      message: `${failures.length} shutdown hook(s) failed; the others ran.`,
      details: {
        failures: failures.map((failure) =>
          failure instanceof Error ? failure.message : String(failure),
        ),
      },
      suggestions: ['See the cause of each failure in details.'],
      cause: failures[0],
    });
  }
}
