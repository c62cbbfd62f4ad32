import { AgentryError, type Clock } from '@agentry/core';
import { linkSignals } from './link-signals.js';
import { RunInterrupted } from './runner-signals.js';

/**
 * Runs one attempt under a timeout. The attempt's signal aborts when the timeout passes or
 * `outer` aborts; the promise settles at that moment, and whatever the work returns later is
 * dropped, so a late result is never taken for a success.
 *
 * @internal
 */
export function runAttempt<T>(
  work: (signal: AbortSignal) => T | Promise<T>,
  options: { timeoutMs?: number; outer: AbortSignal; clock: Clock; stepId: string },
): Promise<T> {
  const { timeoutMs, outer, clock, stepId } = options;
  const { controller, signal, dispose } = linkSignals(outer);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: unknown;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      outer.removeEventListener('abort', onOuterAbort);
      dispose();
      settle();
    };
    const onOuterAbort = () => finish(() => reject(new RunInterrupted()));
    if (outer.aborted) {
      finish(() => reject(new RunInterrupted()));
      return;
    }
    outer.addEventListener('abort', onOuterAbort, { once: true });
    if (timeoutMs !== undefined) {
      timer = clock.setTimeout(() => {
        const error = new AgentryError({
          code: 'timeout',
          message: `The step "${stepId}" took longer than its timeout of ${timeoutMs} ms; its result, if it comes, is discarded.`,
          details: { stepId, timeoutMs },
          suggestions: ['Raise the step timeout, or make the handler honour ctx.signal.'],
        });
        controller.abort(error);
        finish(() => reject(error));
      }, timeoutMs);
    }
    Promise.resolve()
      .then(() => work(signal))
      .then(
        (value) => finish(() => resolve(value)),
        // Handlers may throw anything; it is passed on unchanged and wrapped by the caller.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        (error: unknown) => finish(() => reject(error)),
      );
  });
}
