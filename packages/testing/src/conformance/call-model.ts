import type { LanguageModel, ModelRequest, ModelResponse, ModelStreamPart } from '@agentry/core';

/** How long a call of the kit may take before the kit gives up on it. @internal */
export const CALL_DEADLINE_MS = 4000;

/** How the kit makes one call. @internal */
export interface CallOptions {
  /** The caller's own signal, combined with the kit's deadline. */
  signal?: AbortSignal;
  /** Extra headers, passed as `options.headers`. */
  headers?: Record<string, string>;
  /** Milliseconds before the kit gives up; default {@link CALL_DEADLINE_MS}. */
  deadlineMs?: number;
  /** Sees each part as it arrives; `'stop'` stops reading (as `break` in a `for await` would). */
  onPart?(part: ModelStreamPart, index: number): 'stop' | undefined;
}

/** What a streamed call did. @internal */
export interface StreamOutcome {
  /** The parts received, in order. */
  parts: ModelStreamPart[];
  /** Whether the iterator (or `stream()` itself) threw; `error` holds what. */
  threw: boolean;
  /** What was thrown. */
  error: unknown;
  /** Whether `stream()` itself threw, before returning an iterable. */
  threwSynchronously: boolean;
  /** Whether the kit's deadline ran out before the stream ended. */
  timedOut: boolean;
  /** Whether the kit stopped reading because `onPart` said so. */
  stopped: boolean;
  /** The deadline the call had, in milliseconds. */
  deadlineMs: number;
}

/** What a `generate` call did. @internal */
export interface GenerateOutcome {
  /** The response, when the call resolved. */
  response: ModelResponse | undefined;
  /** Whether the call rejected (or `generate()` threw); `error` holds what. */
  threw: boolean;
  /** What was thrown. */
  error: unknown;
  /** Whether the kit's deadline ran out first. */
  timedOut: boolean;
  /** The deadline the call had, in milliseconds. */
  deadlineMs: number;
}

const timeout = Symbol('timeout');

/**
 * A deadline for one call: a signal that aborts when it runs out (so an SDK stops waiting or
 * retrying), and a race that stops waiting even for a provider that ignores the signal.
 */
function startDeadline(options: CallOptions) {
  const controller = new AbortController();
  const ms = options.deadlineMs ?? CALL_DEADLINE_MS;
  let expire: (value: typeof timeout) => void = () => undefined;
  const expired = new Promise<typeof timeout>((resolve) => (expire = resolve));
  const timer = setTimeout(() => {
    controller.abort(new Error(`The conformance kit's deadline of ${ms} ms ran out.`));
    expire(timeout);
  }, ms);
  const signal =
    options.signal === undefined
      ? controller.signal
      : AbortSignal.any([options.signal, controller.signal]);
  return {
    signal,
    race<TValue>(promise: Promise<TValue>): Promise<TValue | typeof timeout> {
      // A promise that loses the race may still reject; that must not be an unhandled rejection.
      promise.catch(() => undefined);
      return Promise.race([promise, expired]);
    },
    stop: () => clearTimeout(timer),
  };
}

/**
 * Streams one call and records what happened, without ever throwing: parts, the error thrown and
 * whether the deadline ran out.
 *
 * @internal
 */
export async function streamCall(
  model: LanguageModel,
  request: ModelRequest,
  options: CallOptions = {},
): Promise<StreamOutcome> {
  const outcome: StreamOutcome = {
    parts: [],
    threw: false,
    error: undefined,
    threwSynchronously: false,
    timedOut: false,
    stopped: false,
    deadlineMs: options.deadlineMs ?? CALL_DEADLINE_MS,
  };
  const deadline = startDeadline(options);
  try {
    let iterator: AsyncIterator<ModelStreamPart>;
    try {
      const callOptions = { signal: deadline.signal, headers: options.headers };
      iterator = model.stream(request, callOptions)[Symbol.asyncIterator]();
    } catch (error) {
      return { ...outcome, threw: true, error, threwSynchronously: true };
    }
    for (;;) {
      let result: IteratorResult<ModelStreamPart> | typeof timeout;
      try {
        result = await deadline.race(iterator.next());
      } catch (error) {
        return { ...outcome, threw: true, error };
      }
      if (result === timeout) {
        iterator.return?.().catch(() => undefined);
        return { ...outcome, timedOut: true };
      }
      if (result.done === true) return outcome;
      outcome.parts.push(result.value);
      if (options.onPart?.(result.value, outcome.parts.length - 1) === 'stop') {
        const closing: Promise<unknown> = iterator.return?.() ?? Promise.resolve();
        await deadline.race(closing).catch(() => undefined);
        return { ...outcome, stopped: true };
      }
    }
  } finally {
    deadline.stop();
  }
}

/**
 * Makes one `generate` call and records what happened, without ever throwing.
 *
 * @internal
 */
export async function generateCall(
  model: LanguageModel,
  request: ModelRequest,
  options: CallOptions = {},
): Promise<GenerateOutcome> {
  const deadline = startDeadline(options);
  const outcome: GenerateOutcome = {
    response: undefined,
    threw: false,
    error: undefined,
    timedOut: false,
    deadlineMs: options.deadlineMs ?? CALL_DEADLINE_MS,
  };
  try {
    const callOptions = { signal: deadline.signal, headers: options.headers };
    const result = await deadline.race(model.generate(request, callOptions));
    if (result === timeout) return { ...outcome, timedOut: true };
    return { ...outcome, response: result };
  } catch (error) {
    return { ...outcome, threw: true, error };
  } finally {
    deadline.stop();
  }
}

/**
 * Waits until `condition` holds, checking every 10 ms, for at most `ms` milliseconds; returns
 * whether it held.
 *
 * @internal
 */
export async function waitUntil(condition: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() >= end) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
