import { ReplaySubject, type Observable } from 'rxjs';
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
export interface AgentRun<TOutput = undefined> extends PromiseLike<AgentRunResult<TOutput>>, AsyncIterable<AgentRunPart> {
  /** The run's id. */
  readonly id: string;
  /** The run's parts as an Observable; it completes with the run and errors with its failure. */
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
  push(part: AgentRunPart): void;
  resolve(result: AgentRunResult<TOutput>): void;
  reject(error: AgentryError): void;
}

/** @internal */
export function createAgentRun<TOutput>(id: string, onAbort: (reason: string) => void): AgentRunController<TOutput> {
  const subject = new ReplaySubject<AgentRunPart>();
  const abortController = new AbortController();
  let settle!: { resolve: (value: AgentRunResult<TOutput>) => void; reject: (error: unknown) => void };
  const result = new Promise<AgentRunResult<TOutput>>((resolve, reject) => (settle = { resolve, reject }));
  // A run nobody awaits must not crash the process with an unhandled rejection: the failure is
  // also on events$ and the agent's events.
  result.catch(() => undefined);

  const run: AgentRun<TOutput> = {
    id,
    events$: subject.asObservable(),
    result,
    then: (onFulfilled, onRejected) => result.then(onFulfilled, onRejected),
    abort(reason = 'The run was aborted.') {
      if (abortController.signal.aborted) return;
      abortController.abort(reason);
      onAbort(reason);
    },
    [Symbol.asyncIterator]: () => iterate(subject),
  };
  return {
    run,
    signal: abortController.signal,
    push: (part) => subject.next(part),
    resolve(value) {
      subject.complete();
      settle.resolve(value);
    },
    reject(error) {
      subject.error(error);
      settle.reject(error);
    },
  };
}

function iterate(subject: ReplaySubject<AgentRunPart>): AsyncIterator<AgentRunPart> {
  const buffer: AgentRunPart[] = [];
  let done = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const subscription = subject.subscribe({
    next: (part) => {
      buffer.push(part);
      wake?.();
    },
    error: (error: unknown) => {
      failure = error;
      done = true;
      wake?.();
    },
    complete: () => {
      done = true;
      wake?.();
    },
  });
  return {
    async next() {
      while (buffer.length === 0 && !done) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      const part = buffer.shift();
      if (part) return { value: part, done: false };
      if (failure !== undefined) {
        const error = failure;
        failure = undefined;
        throw error;
      }
      return { value: undefined, done: true };
    },
    return() {
      subscription.unsubscribe();
      done = true;
      buffer.length = 0;
      return Promise.resolve({ value: undefined, done: true });
    },
  };
}
