import { AgentryError } from '../errors/agentry-error.js';
import { createAbortedError } from './create-aborted-error.js';
import type { Semaphore, SemaphoreAcquireOptions } from './semaphore.js';

interface Waiter {
  grant(): void;
}

/**
 * Creates a {@link Semaphore} with `max` slots.
 *
 * A released slot goes straight to the longest-waiting caller, so a burst of new callers cannot
 * overtake the queue. A caller whose signal aborts leaves the queue without taking a slot, and its
 * abort listener is removed once it is granted one.
 *
 * @param max - how many slots there are, a positive integer
 * @throws AgentryError `validation_failed` when `max` is not a positive integer.
 * @example
 * ```ts
 * const semaphore = createSemaphore(limits.maxConnections);
 * const release = await semaphore.acquire({ signal });
 * try {
 *   await model.generate(request);
 * } finally {
 *   release();
 * }
 * ```
 */
export function createSemaphore(max: number): Semaphore {
  if (!Number.isInteger(max) || max < 1) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `The semaphore's max must be a positive integer (slots), got ${String(max)}.`,
      details: { path: ['max'], value: max },
      suggestions: ['Pass at least 1 slot.'],
    });
  }
  return new FifoSemaphore(max);
}

/** The semaphore of {@link createSemaphore}: a class, so that one costs one object. */
class FifoSemaphore implements Semaphore {
  #inFlight = 0;
  readonly #queue: Waiter[] = [];
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get waiting(): number {
    return this.#queue.length;
  }

  tryAcquire(): (() => void) | undefined {
    // A free slot means nobody is queued: a released slot passes straight to a waiter.
    if (this.#inFlight >= this.#max) return undefined;
    this.#inFlight += 1;
    return this.#createRelease();
  }

  acquire({ signal }: SemaphoreAcquireOptions = {}): Promise<() => void> {
    if (signal?.aborted) {
      return Promise.reject(createAbortedError(signal, 'The wait for a slot'));
    }
    if (this.#inFlight < this.#max) {
      this.#inFlight += 1;
      return Promise.resolve(this.#createRelease());
    }
    const queue = this.#queue;
    return new Promise<() => void>((resolve, reject) => {
      const onAbort = (): void => {
        const index = queue.indexOf(waiter);
        if (index !== -1) queue.splice(index, 1);
        reject(createAbortedError(signal, 'The wait for a slot'));
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.#createRelease());
        },
      };
      queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #createRelease(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#queue.shift();
      // The slot passes to the next waiter directly, so inFlight stays the same.
      if (next === undefined) this.#inFlight -= 1;
      else next.grant();
    };
  }
}
