import { AgentryError } from '../errors/index.js';
import type { Clock } from '../resilience/index.js';

/** @internal A turn's timeout: a signal that aborts when the turn's time is up or the run is aborted. */
export interface TurnDeadline {
  readonly signal: AbortSignal;
  /** Stops the clock while the turn is paused. */
  suspend(): void;
  /** Starts it again with the time that was left. */
  resume(): void;
  /** Clears the timer and the listener. */
  dispose(): void;
}

/** @internal */
export function createTurnDeadline(timeout: number, parent: AbortSignal, clock: Clock): TurnDeadline {
  const controller = new AbortController();
  let remaining = timeout;
  let armedAt = 0;
  let timer: unknown;
  const onParentAbort = () => controller.abort(new AgentryError({ code: 'aborted', message: typeof parent.reason === 'string' ? parent.reason : 'The run was aborted.' }));
  const disarm = () => {
    if (timer === undefined) return;
    clock.clearTimeout(timer);
    timer = undefined;
    remaining -= clock.now() - armedAt;
  };
  const arm = () => {
    armedAt = clock.now();
    timer = clock.setTimeout(() => {
      controller.abort(new AgentryError({ code: 'timeout', recoverable: true, message: `The turn took longer than its timeout of ${timeout} ms.`, details: { timeout }, suggestions: ['Raise context.timeout, or make tools and prompts faster.'] }));
    }, Math.max(0, remaining));
  };
  if (parent.aborted) onParentAbort();
  else parent.addEventListener('abort', onParentAbort, { once: true });
  arm();
  return {
    signal: controller.signal,
    suspend: disarm,
    resume() {
      if (timer === undefined && !controller.signal.aborted) arm();
    },
    dispose() {
      disarm();
      parent.removeEventListener('abort', onParentAbort);
    },
  };
}
