import type { SqliteConnection } from './drivers/sqlite-connection.js';

/**
 * The event loop's `setImmediate`, taken when this module loads: fake timers installed later (as
 * in a user's tests) would otherwise hold every write back until the test advances them.
 */
const nextTurn = globalThis.setImmediate;

/** A write waiting for its transaction. */
interface QueuedWrite {
  /** Runs the write's statements inside the transaction; returns its result or throws. */
  apply: () => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  /** Turns what `apply` or the transaction threw into the error the caller gets. */
  toError: (error: unknown) => unknown;
}

/**
 * Group commit: the writes of one store that arrive in the same turn of the event loop share one
 * transaction, so one fsync makes them all durable.
 *
 * @internal
 */
export interface GroupCommit {
  /**
   * Queues a write and returns its result once the transaction holding it has committed, at the
   * store's `synchronous` level. `apply` runs inside the transaction, after the writes queued
   * before it; what it throws (such as `conflict`) fails that write alone.
   */
  enqueue<TResult>(apply: () => TResult, toError: (error: unknown) => unknown): Promise<TResult>;
  /** Commits the queued writes now, as `close()` must before closing the database. */
  flush(): void;
}

/**
 * Creates the group commit of one connection.
 *
 * Both drivers run a commit, fsync included, on the calling thread, so no write can arrive while
 * one is in flight: the queue gathers what arrives until the event loop is next idle
 * (`setImmediate`), which is when the runs waiting on the previous commit have all taken their
 * next step. N runs stepping together thus cost one fsync per step, not N (the figure
 * `bench/workflow-overhead.bench.ts` reports as "concurrent runs, 'full'"). Invariants:
 *
 * - A write's promise settles only after its transaction's `COMMIT` returned, so a resolved write
 *   is as durable as `synchronous` makes a commit.
 * - Writes apply in the order they were queued, each seeing the ones before it, exactly as if each
 *   were its own transaction: an `expectedRevision` is checked against the revision current at
 *   that point, and a conflict rejects that write only.
 * - When the transaction fails (`BEGIN` refused, a statement that makes SQLite roll it back, a
 *   failed `COMMIT`), it is rolled back and every write in it rejects: nothing is half-written.
 *
 * @internal
 * @example
 * ```ts
 * const writes = createGroupCommit(database);
 * const envelope = await writes.enqueue(() => putRow(key, value), (error) => toStoreError(error, context));
 * ```
 */
export function createGroupCommit(database: SqliteConnection): GroupCommit {
  const begin = database.prepare('BEGIN IMMEDIATE');
  const commit = database.prepare('COMMIT');
  const rollback = database.prepare('ROLLBACK');
  let queue: QueuedWrite[] = [];
  let scheduled = false;

  function run(): void {
    scheduled = false;
    const batch = queue;
    if (batch.length === 0) return;
    queue = [];
    // One slot per write: what apply returned, or what it threw (marked by `failed`).
    const results: unknown[] = new Array<unknown>(batch.length);
    const failed: boolean[] = new Array<boolean>(batch.length).fill(false);
    try {
      begin.run();
      try {
        for (let index = 0; index < batch.length; index += 1) {
          try {
            results[index] = (batch[index] as QueuedWrite).apply();
          } catch (error) {
            // SQLite rolls back the failed statement alone unless it ended the transaction.
            if (!database.inTransaction) throw error;
            results[index] = error;
            failed[index] = true;
          }
        }
        commit.run();
      } catch (error) {
        if (database.inTransaction) rollback.run();
        throw error;
      }
    } catch (error) {
      for (const write of batch) write.reject(write.toError(error));
      return;
    }
    for (let index = 0; index < batch.length; index += 1) {
      const write = batch[index] as QueuedWrite;
      if (failed[index]) write.reject(write.toError(results[index]));
      else write.resolve(results[index]);
    }
  }

  return {
    enqueue<TResult>(apply: () => TResult, toError: (error: unknown) => unknown) {
      return new Promise<TResult>((resolve, reject) => {
        queue.push({ apply, resolve: resolve as (value: unknown) => void, reject, toError });
        if (!scheduled) {
          scheduled = true;
          nextTurn(run);
        }
      });
    },
    flush: run,
  };
}
