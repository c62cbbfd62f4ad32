/**
 * Options of {@link Semaphore.acquire}.
 *
 * @example
 * ```ts
 * const release = await semaphore.acquire({ signal: controller.signal });
 * ```
 */
export interface SemaphoreAcquireOptions {
  /** Gives up waiting: the caller leaves the queue and the promise rejects with `aborted`. */
  signal?: AbortSignal;
}

/**
 * Limits how many operations run at once, such as `ResourceLimits.maxConnections` concurrent model
 * calls. Made by {@link createSemaphore}.
 *
 * @example
 * ```ts
 * const release = await semaphore.acquire({ signal });
 * try {
 *   return await model.generate(request);
 * } finally {
 *   release();
 * }
 * ```
 */
export interface Semaphore {
  /** Slots held now, from 0 to the maximum. */
  readonly inFlight: number;
  /** Callers queued for a slot. */
  readonly waiting: number;
  /**
   * Takes a slot, waiting in first-in, first-out order while all are held. Resolves with the
   * function that gives the slot back; calling it again is a no-op.
   *
   * @throws AgentryError `aborted` when the signal is or becomes aborted before a slot is free.
   */
  acquire(options?: SemaphoreAcquireOptions): Promise<() => void>;
  /**
   * Takes a slot if one is free now, without waiting or queueing: returns the function that gives
   * it back, or `undefined` when every slot is held (callers queued in `acquire` keep their turn).
   */
  tryAcquire(): (() => void) | undefined;
}
