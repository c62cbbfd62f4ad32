import type { ModelStreamPart } from '@agentry/core';
import { interruptible, interruptibleDelay, type MockTimers } from './mock-timers.js';
import type { MockTurn } from './mock-turn.js';
import type { MockPlan } from './plan-mock-response.js';

/** What a {@link MockStream} plays. @internal */
export interface MockStreamSource {
  /** The caller's signal. */
  readonly signal: AbortSignal | undefined;
  /** The timers delays run on. */
  readonly timers: MockTimers;
  /** Builds the `aborted` error thrown when the caller's signal aborts. */
  abortError(): Error;
  /** Resolves the call's turn and renders it; rejects with the call's error. */
  prepare(): Promise<{ turn: MockTurn; plan: MockPlan }>;
}

const done: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The iterator `MockModel.stream` returns. Written by hand rather than as an async generator so
 * that `return()` takes effect at once, even while a `next()` is waiting on a delay: the wait is
 * cancelled, its timer cleared and its abort listener removed, and the waiting `next()` resolves as
 * done. Between parts it holds no timer and no listener.
 *
 * @internal
 */
export class MockStream implements AsyncIterableIterator<ModelStreamPart> {
  readonly #source: MockStreamSource;
  /** Aborted by `return()` (and once the stream has ended) to cancel a wait in progress. */
  readonly #closer = new AbortController();
  #queue: Promise<unknown> = Promise.resolve();
  #turn: MockTurn | undefined;
  #parts: readonly ModelStreamPart[] = [];
  #sent = 0;
  #ended = false;

  constructor(source: MockStreamSource) {
    this.#source = source;
  }

  next(): Promise<IteratorResult<ModelStreamPart, undefined>> {
    // Calls made before the previous one settled wait their turn, as with an async generator.
    const step = this.#queue.then(() => this.#step());
    this.#queue = step.catch(() => undefined);
    return step;
  }

  return(): Promise<IteratorResult<ModelStreamPart, undefined>> {
    this.#end();
    return Promise.resolve(done);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async #step(): Promise<IteratorResult<ModelStreamPart, undefined>> {
    if (this.#ended) return done;
    const { signal, timers } = this.#source;
    const signals = [signal, this.#closer.signal];
    const abortError = (): Error => this.#source.abortError();
    try {
      if (signal?.aborted) throw abortError();
      if (this.#turn === undefined) {
        const { turn, plan } = await interruptible<{ turn: MockTurn; plan: MockPlan }>(
          signals,
          abortError,
          ({ resolve, reject }) => {
            this.#source.prepare().then(resolve, reject);
            return undefined;
          },
        );
        this.#turn = turn;
        this.#parts = plan.parts;
        if (turn.delayMs) await interruptibleDelay(turn.delayMs, timers, signals, abortError);
        if (turn.error !== undefined) throw turn.error;
      } else if (this.#turn.chunkDelayMs) {
        await interruptibleDelay(this.#turn.chunkDelayMs, timers, signals, abortError);
      }
      const part = this.#parts[this.#sent];
      this.#sent += 1;
      if (part === undefined || this.#sent >= this.#parts.length) this.#end();
      return part === undefined ? done : { done: false, value: part };
    } catch (error) {
      const closed = this.#closer.signal.aborted;
      this.#end();
      if (closed) return done;
      throw error;
    }
  }

  #end(): void {
    this.#ended = true;
    this.#closer.abort();
  }
}
