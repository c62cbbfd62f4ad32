import { Observable } from 'rxjs';
import type { AgentryError } from '../errors/index.js';
import type { FinishReason, Usage } from '../model/index.js';
import type { Message } from '../schemas/message.js';
import { LazyAbortController } from '../resilience/abort-source.js';
import type { AgentRunPart } from './agent-events.js';

/**
 * What a finished run returns.
 *
 * @example
 * ```ts
 * import { createAgent, type AgentRunResult, type LanguageModel } from '@agentry/core';
 *
 * declare const model: LanguageModel;
 * const agent = createAgent({ model });
 * const result: AgentRunResult = await agent.send('What is 2 + 2?');
 * console.log(result.text, result.finishReason, result.usage.totalTokens);
 * // `stepCount` counts the model calls; `messages` holds what the run added to the conversation.
 * console.log(`${result.stepCount} steps, ${result.messages.length} new messages`);
 * await agent.shutdown();
 * ```
 */
export interface AgentRunResult<TOutput = undefined> {
  /** The run's id. */
  runId: string;
  /** The text of the final answer. */
  text: string;
  /** The structured output, validated by the run's `output` schema (undefined without one). */
  output: TOutput;
  /** The messages the run added to the conversation, the user's first. */
  messages: Message[];
  /**
   * How many model steps ran (a step is one model call and the tool calls it asked for). The
   * steps themselves are in `messages`, and each one's `step-start`/`step-end` parts in the run.
   */
  stepCount: number;
  /**
   * How many model steps ran: a number, not the steps.
   *
   * @deprecated Read `stepCount`, which holds the same number under a name that says so. `steps`
   * stays until the next breaking release.
   */
  steps: number;
  /** Tokens used over all steps. */
  usage: Usage;
  /** Why the last step ended; `tool-calls` means `maxSteps` stopped the run. */
  finishReason: FinishReason;
}

/**
 * One turn of an agent: await it for the result, iterate it for its parts as they happen (from
 * the start, whenever iteration begins), or subscribe to `events$`.
 *
 * @example
 * ```ts
 * import { createAgent, type AgentRun, type LanguageModel } from '@agentry/core';
 *
 * declare const model: LanguageModel;
 * const agent = createAgent({ model });
 * const run: AgentRun = agent.send('Tell me a story.');
 * const timer = setTimeout(() => run.abort('too slow'), 30_000); // the run then fails with `aborted`
 * for await (const part of run) if (part.type === 'text-delta') process.stdout.write(part.delta);
 * const { text } = await run;
 * clearTimeout(timer);
 * await agent.shutdown();
 * ```
 */
export interface AgentRun<TOutput = undefined>
  extends PromiseLike<AgentRunResult<TOutput>>, AsyncIterable<AgentRunPart> {
  /** The run's id. */
  readonly id: string;
  /** The run's parts as an Observable (replayed from the start); it completes with the run and errors with its failure. */
  readonly events$: Observable<AgentRunPart>;
  /** The result as a plain promise. */
  readonly result: Promise<AgentRunResult<TOutput>>;
  /** Aborts the run: model calls and tools receive the abort, and the run fails with `aborted`. */
  abort(reason?: string): void;
}

interface Listener {
  next(part: AgentRunPart): void;
  end(error: unknown): void;
}

const ignore = () => undefined;

/**
 * @internal The producer side of a run. Parts are kept in a plain array and replayed to whoever
 * listens, so a run nobody watches costs one array push per part; its `AbortSignal` is made only
 * when something reads it.
 */
export class AgentRunController<TOutput> {
  readonly run: AgentRun<TOutput>;
  /** The run's abort state; `source.signal` is what model calls and tools receive. */
  readonly source = new LazyAbortController();
  readonly #parts: AgentRunPart[] = [];
  #listeners: Set<Listener> | undefined;
  #ended = false;
  #failure: unknown;
  #resolve!: (value: AgentRunResult<TOutput>) => void;
  #reject!: (error: unknown) => void;
  readonly #onAbort: (reason: string) => void;

  constructor(id: string, onAbort: (reason: string) => void) {
    this.#onAbort = onAbort;
    const result = new Promise<AgentRunResult<TOutput>>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // A run nobody awaits must not crash the process with an unhandled rejection: the failure is
    // also on events$ and the agent's events.
    result.catch(ignore);
    this.run = new Run(id, result, this);
  }

  /** Aborts at a caller's request: the agent hears of it. */
  requestAbort(reason: string): void {
    if (this.source.abort(reason)) this.#onAbort(reason);
  }

  /** Aborts with a specific error (a timeout, for example). */
  abortWith(error: AgentryError): void {
    this.source.abort(error);
  }

  push(part: AgentRunPart): void {
    this.#parts.push(part);
    if (this.#listeners) for (const listener of this.#listeners) listener.next(part);
  }

  resolve(value: AgentRunResult<TOutput>): void {
    this.#end(undefined);
    this.#resolve(value);
  }

  reject(error: AgentryError): void {
    this.#end(error);
    this.#reject(error);
  }

  listen(listener: Listener): () => void {
    for (const part of this.#parts) listener.next(part);
    if (this.#ended) {
      listener.end(this.#failure);
      return ignore;
    }
    const listeners = (this.#listeners ??= new Set());
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  #end(error: unknown): void {
    this.#ended = true;
    this.#failure = error;
    if (!this.#listeners) return;
    for (const listener of this.#listeners) listener.end(error);
    this.#listeners.clear();
  }
}

/** The consumer side of a run. */
class Run<TOutput> implements AgentRun<TOutput> {
  readonly id: string;
  readonly result: Promise<AgentRunResult<TOutput>>;
  readonly #controller: AgentRunController<TOutput>;
  #events$: Observable<AgentRunPart> | undefined;

  constructor(
    id: string,
    result: Promise<AgentRunResult<TOutput>>,
    controller: AgentRunController<TOutput>,
  ) {
    this.id = id;
    this.result = result;
    this.#controller = controller;
  }

  get events$(): Observable<AgentRunPart> {
    return (this.#events$ ??= new Observable<AgentRunPart>((subscriber) =>
      this.#controller.listen({
        next: (part) => subscriber.next(part),
        end: (error) => (error === undefined ? subscriber.complete() : subscriber.error(error)),
      }),
    ));
  }

  then<TResult1 = AgentRunResult<TOutput>, TResult2 = never>(
    onFulfilled?: ((value: AgentRunResult<TOutput>) => TResult1 | PromiseLike<TResult1>) | null,
    onRejected?: ((reason: unknown) => TResult2 | PromiseLike<TResult2>) | null,
  ): Promise<TResult1 | TResult2> {
    return this.result.then(onFulfilled, onRejected);
  }

  abort(reason = 'The run was aborted.'): void {
    this.#controller.requestAbort(reason);
  }

  [Symbol.asyncIterator](): AsyncIterator<AgentRunPart> {
    return iterate((listener) => this.#controller.listen(listener));
  }
}

function iterate(listen: (listener: Listener) => () => void): AsyncIterator<AgentRunPart> {
  const buffer: AgentRunPart[] = [];
  let read = 0;
  let done = false;
  let failure: AgentryError | undefined;
  // A reader waiting for the next part is handed it straight from the producer, rather than woken
  // to look at the buffer: one promise per part, which a long answer makes hundreds of.
  let waiting:
    | {
        resolve: (result: IteratorResult<AgentRunPart>) => void;
        reject: (error: unknown) => void;
      }
    | undefined;
  const settle = (): Promise<IteratorResult<AgentRunPart>> => {
    if (failure !== undefined) {
      const error = failure;
      failure = undefined;
      return Promise.reject(error);
    }
    return Promise.resolve({ value: undefined, done: true });
  };
  const unlisten = listen({
    next(part) {
      if (waiting) {
        const reader = waiting;
        waiting = undefined;
        reader.resolve({ value: part, done: false });
      } else buffer.push(part);
    },
    end(error) {
      failure = error as AgentryError | undefined;
      done = true;
      if (waiting) {
        const reader = waiting;
        waiting = undefined;
        settle().then(reader.resolve, reader.reject);
      }
    },
  });
  return {
    next() {
      if (read < buffer.length) {
        const value = buffer[read]!;
        read += 1;
        // The buffer is emptied once read, so that it does not hold a whole answer.
        if (read === buffer.length) {
          buffer.length = 0;
          read = 0;
        }
        return Promise.resolve({ value, done: false });
      }
      if (done) return settle();
      return new Promise((resolve, reject) => (waiting = { resolve, reject }));
    },
    return() {
      unlisten();
      done = true;
      buffer.length = 0;
      read = 0;
      const reader = waiting;
      waiting = undefined;
      reader?.resolve({ value: undefined, done: true });
      return Promise.resolve({ value: undefined, done: true });
    },
  };
}
