import { Observable } from 'rxjs';
import type { AgentryError } from '../errors/index.js';
import type { FinishReason, Usage } from '../model/index.js';
import type { Message } from '../schemas/message.js';
import type { AgentRunPart } from './agent-events.js';

/** What a finished run returns. */
export interface AgentRunResult<TOutput = undefined> {
  /** The run's id. */
  runId: string;
  /** The text of the final answer. */
  text: string;
  /** The structured output, validated by the run's `output` schema (undefined without one). */
  output: TOutput;
  /** The messages the run added to the conversation, the user's first. */
  messages: Message[];
  /** How many model steps ran. */
  steps: number;
  /** Tokens used over all steps. */
  usage: Usage;
  /** Why the last step ended; `tool-calls` means `maxSteps` stopped the run. */
  finishReason: FinishReason;
}

/**
 * One turn of an agent: await it for the result, iterate it for its parts as they happen (from
 * the start, whenever iteration begins), or subscribe to `events$`.
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

/** @internal The producer side of a run. */
export interface AgentRunController<TOutput> {
  readonly run: AgentRun<TOutput>;
  readonly signal: AbortSignal;
  /** Aborts with a specific error (a timeout, for example). */
  abortWith(error: AgentryError): void;
  push(part: AgentRunPart): void;
  resolve(result: AgentRunResult<TOutput>): void;
  reject(error: AgentryError): void;
}

interface Listener {
  next(part: AgentRunPart): void;
  end(error: unknown): void;
}

/** @internal */
export function createAgentRun<TOutput>(
  id: string,
  onAbort: (reason: string) => void,
): AgentRunController<TOutput> {
  // Parts are kept in a plain array and replayed to whoever listens, so a run nobody watches
  // costs one array push per part.
  const parts: AgentRunPart[] = [];
  const listeners = new Set<Listener>();
  let ended = false;
  let failure: unknown;
  const abortController = new AbortController();
  let settle!: {
    resolve: (value: AgentRunResult<TOutput>) => void;
    reject: (error: unknown) => void;
  };
  const result = new Promise<AgentRunResult<TOutput>>(
    (resolve, reject) => (settle = { resolve, reject }),
  );
  // A run nobody awaits must not crash the process with an unhandled rejection: the failure is
  // also on events$ and the agent's events.
  result.catch(() => undefined);

  const listen = (listener: Listener) => {
    for (const part of parts) listener.next(part);
    if (ended) listener.end(failure);
    else listeners.add(listener);
    return () => listeners.delete(listener);
  };
  const end = (error: unknown) => {
    ended = true;
    failure = error;
    for (const listener of listeners) listener.end(error);
    listeners.clear();
  };

  let events$: Observable<AgentRunPart> | undefined;
  const run: AgentRun<TOutput> = {
    id,
    get events$() {
      return (events$ ??= new Observable<AgentRunPart>((subscriber) =>
        listen({
          next: (part) => subscriber.next(part),
          end: (error) => (error === undefined ? subscriber.complete() : subscriber.error(error)),
        }),
      ));
    },
    result,
    then: (onFulfilled, onRejected) => result.then(onFulfilled, onRejected),
    abort(reason = 'The run was aborted.') {
      if (abortController.signal.aborted) return;
      abortController.abort(reason);
      onAbort(reason);
    },
    [Symbol.asyncIterator]: () => iterate(listen),
  };
  return {
    run,
    signal: abortController.signal,
    abortWith(error) {
      if (!abortController.signal.aborted) abortController.abort(error);
    },
    push(part) {
      parts.push(part);
      for (const listener of listeners) listener.next(part);
    },
    resolve(value) {
      end(undefined);
      settle.resolve(value);
    },
    reject(error) {
      end(error);
      settle.reject(error);
    },
  };
}

function iterate(listen: (listener: Listener) => () => void): AsyncIterator<AgentRunPart> {
  const buffer: AgentRunPart[] = [];
  let done = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const unlisten = listen({
    next(part) {
      buffer.push(part);
      wake?.();
    },
    end(error) {
      failure = error;
      done = true;
      wake?.();
    },
  });
  let read = 0;
  return {
    async next() {
      while (read === buffer.length && !done)
        await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      if (read < buffer.length) return { value: buffer[read++]!, done: false };
      if (failure !== undefined) {
        const error = failure as AgentryError;
        failure = undefined;
        throw error;
      }
      return { value: undefined, done: true };
    },
    return() {
      unlisten();
      done = true;
      read = buffer.length;
      return Promise.resolve({ value: undefined, done: true });
    },
  };
}
