import { AgentryError } from '../errors/agentry-error.js';

/**
 * The longest delay a JavaScript timer honours (2^31 - 1 ms, about 24.8 days); longer delays fire
 * at once in Node, so the helpers refuse them instead.
 *
 * @internal
 */
export const maxTimerDelay = 2_147_483_647;

/**
 * Throws `validation_failed` unless `ms` is a number of milliseconds a timer can wait.
 *
 * @internal
 */
export function checkDelay(ms: number, name: string): void {
  if (Number.isFinite(ms) && ms >= 0 && ms <= maxTimerDelay) return;
  throw new AgentryError({
    code: 'validation_failed',
    message: `${name} must be between 0 and ${maxTimerDelay} milliseconds, got ${String(ms)}.`,
    details: { path: [name], value: ms, limit: maxTimerDelay },
    suggestions: [`Pass ${name} as a finite, non-negative number of milliseconds.`],
  });
}
