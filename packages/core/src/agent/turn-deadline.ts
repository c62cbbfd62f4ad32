import { AgentryError } from '../errors/index.js';
import type { Clock } from '../resilience/index.js';

/** @internal A turn's timeout; the clock stops while the turn is paused. */
export interface TurnDeadline {
  /** Stops the clock while the turn is paused. */
  suspend(): void;
  /** Starts it again with the time that was left. */
  resume(): void;
  /** Clears the timer. */
  dispose(): void;
}

/** @internal Aborts the turn (through `abort`) with a `timeout` error when its time is up. */
export function createTurnDeadline(
  timeout: number,
  abort: (error: AgentryError) => void,
  clock: Clock,
): TurnDeadline {
  let remaining = timeout;
  let armedAt = 0;
  let timer: unknown;
  const fire = () => {
    timer = undefined;
    abort(
      new AgentryError({
        code: 'timeout',
        recoverable: true,
        message: `The turn took longer than its timeout of ${timeout} ms.`,
        details: { timeout },
        suggestions: ['Raise context.timeout, or make tools and prompts faster.'],
      }),
    );
  };
  const arm = () => {
    armedAt = clock.now();
    timer = clock.setTimeout(fire, Math.max(0, remaining));
  };
  const disarm = () => {
    if (timer === undefined) return;
    clock.clearTimeout(timer);
    timer = undefined;
    remaining -= clock.now() - armedAt;
  };
  arm();
  return {
    suspend: disarm,
    resume() {
      if (timer === undefined) arm();
    },
    dispose: disarm,
  };
}
