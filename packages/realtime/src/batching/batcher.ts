import { AgentryError } from '@agentry/core';

/**
 * When a {@link Batcher} sends what it holds: the spec's `BatchingConfig` plus the realtime
 * `maxLatency` bound.
 *
 * @example
 * ```ts
 * import type { BatcherOptions } from '@agentry/realtime';
 *
 * const options: BatcherOptions = { enabled: true, maxBatchSize: 64, maxWaitTime: 20, flushInterval: 50, maxLatency: 100 };
 * console.log(options.maxBatchSize);
 * ```
 */
export interface BatcherOptions {
  /** When false, every item is sent alone, at once. */
  readonly enabled: boolean;
  /** A batch is sent as soon as it holds this many items. */
  readonly maxBatchSize: number;
  /** The longest the first item of a batch waits for others (milliseconds). */
  readonly maxWaitTime: number;
  /** While items are held, whatever is held is sent at least this often (milliseconds). */
  readonly flushInterval: number;
  /** A hard bound: no item is held longer than this (milliseconds). */
  readonly maxLatency: number;
}

/**
 * Collects items and hands them on in batches: at `maxBatchSize` items, or when the first item has
 * waited `maxWaitTime`, on each `flushInterval` tick, and never later than `maxLatency` after an
 * item arrived. Used on the append side (token deltas coalesced before they reach the log) and on
 * the send side (events coalesced into one frame).
 *
 * @example
 * ```ts
 * import { createBatcher } from '@agentry/realtime';
 *
 * const batcher = createBatcher<string>(
 *   { enabled: true, maxBatchSize: 3, maxWaitTime: 20, flushInterval: 50, maxLatency: 100 },
 *   (items) => console.log(items),
 * );
 * batcher.add('a');
 * batcher.add('b');
 * batcher.add('c'); // logs ['a', 'b', 'c'] at once
 * batcher.close();
 * ```
 */
export interface Batcher<T> {
  /** Adds an item; the batch is sent at once when it is full. */
  add(item: T): void;
  /** Sends what is held now, if anything. */
  flush(): void;
  /** How many items are held. */
  readonly size: number;
  /** Sends what is held and stops the timers; later `add` calls throw `invalid_transition`. */
  close(): void;
}

/**
 * Creates a {@link Batcher}. `flush` is called synchronously with each batch (never empty); what
 * it throws is passed to `onError` (default: rethrown from the timer, which Node reports).
 *
 * @throws AgentryError `validation_failed` when a size or time is not a positive number
 *
 * @example
 * ```ts
 * import { createBatcher } from '@agentry/realtime';
 *
 * const batcher = createBatcher<number>(
 *   { enabled: true, maxBatchSize: 100, maxWaitTime: 25, flushInterval: 50, maxLatency: 40 },
 *   (batch) => console.log(`${batch.length} items`),
 * );
 * for (let i = 0; i < 10; i++) batcher.add(i); // one batch of 10 after 25 ms
 * ```
 */
export function createBatcher<T>(
  options: BatcherOptions,
  flush: (batch: T[]) => void,
  onError?: (error: unknown) => void,
): Batcher<T> {
  for (const key of ['maxBatchSize', 'maxWaitTime', 'flushInterval', 'maxLatency'] as const) {
    const value = options[key];
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
      throw new AgentryError({
        code: 'validation_failed',
        message: `Batching option ${key} is ${String(value)}; it must be a positive number.`,
        details: { path: key, value },
        suggestions: [`Set ${key} to a positive number (milliseconds, or items for maxBatchSize).`],
      });
    }
  }
  // The first item of a batch waits at most this long: maxWaitTime, capped by the hard bound.
  const wait = Math.min(options.maxWaitTime, options.maxLatency);
  let held: T[] = [];
  let closed = false;
  let waitTimer: ReturnType<typeof setTimeout> | undefined;
  let tickTimer: ReturnType<typeof setInterval> | undefined;

  const send = () => {
    if (waitTimer !== undefined) {
      clearTimeout(waitTimer);
      waitTimer = undefined;
    }
    if (held.length === 0) {
      // Nothing held: the tick stops until the next item, so an idle batcher costs no wake-ups.
      if (tickTimer !== undefined) {
        clearInterval(tickTimer);
        tickTimer = undefined;
      }
      return;
    }
    const batch = held;
    held = [];
    try {
      flush(batch);
    } catch (error) {
      if (onError === undefined) throw error;
      onError(error);
    }
  };

  return {
    add(item) {
      if (closed) {
        throw new AgentryError({
          code: 'invalid_transition',
          message: 'An item was added to a batcher after it was closed.',
          suggestions: ['Stop adding items once the batcher is closed.'],
        });
      }
      if (!options.enabled) {
        held.push(item);
        send();
        return;
      }
      held.push(item);
      if (held.length >= options.maxBatchSize) {
        send();
        return;
      }
      if (held.length === 1) {
        waitTimer = setTimeout(send, wait);
        tickTimer ??= setInterval(send, options.flushInterval);
      }
    },
    flush: send,
    get size() {
      return held.length;
    },
    close() {
      if (closed) return;
      send();
      closed = true;
      if (tickTimer !== undefined) clearInterval(tickTimer);
      tickTimer = undefined;
    },
  };
}
