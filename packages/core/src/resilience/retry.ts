import { AgentryError } from '../errors/agentry-error.js';
import { abortSourceOf, type AbortSource } from './abort-source.js';
import { toValidationError } from '../versioning/to-validation-error.js';
import { backoffStrategySchema } from './backoff-strategy.js';
import { checkDelay, maxTimerDelay } from './check-delay.js';
import { systemClock } from './clock.js';
import { computeBackoffDelay } from './compute-backoff-delay.js';
import { createAbortedError } from './create-aborted-error.js';
import type { RetryOptions, RetryPolicyWithBackoff } from './retry-options.js';
import { retryPolicySchema } from './retry-policy.js';
import { sleep } from './sleep.js';

/**
 * Runs `operation` until it succeeds, attempts run out, an error is not worth retrying, or the
 * signal aborts.
 *
 * - `policy.maxAttempts` counts every attempt, the first one included; `operation` receives the
 *   attempt number (from 1) and the signal to pass on to the work it starts.
 * - Errors that `shouldRetry` refuses are rethrown at once, after a single attempt. By default
 *   a recoverable {@link AgentryError} is retried, unless the provider's `x-should-retry` said
 *   otherwise: `details.retryable === false` is never retried, and `details.retryable === true`
 *   is retried even when not recoverable, except `auth_failed`, `context_length_exceeded`,
 *   `content_filtered` and `aborted`.
 * - The wait after attempt `n` is {@link computeBackoffDelay}, or the error's
 *   `details.retryAfterMs` when that is longer. A provider's retry-after wins even over
 *   `maxDelay`, since an earlier attempt would only be refused again; to bound it, refuse such
 *   errors in `shouldRetry`. Waits are capped at 2^31 - 1 ms, the longest a timer can wait.
 * - With `maxInlineWait`, a provider's retry-after (`details.retryAfterMs`) longer than it is not
 *   slept: the error is thrown at once with `details.retryAfterMs` set to the wait, for the caller
 *   to schedule (the model router does the same, moving to the next model first). The policy's
 *   own backoff is bounded by `maxDelay`, not by `maxInlineWait`: `maxInlineWait: 0` still retries
 *   an error without a retry-after after its backoff.
 * - The final error is the last one. An {@link AgentryError} is rethrown as a new `AgentryError`
 *   with the same code, message, recoverability and suggestions, `details.attempts` added and the
 *   original as `cause`; anything else is rethrown unchanged, so your own error types survive.
 *
 * @throws AgentryError `validation_failed` when the policy is not valid, before any attempt.
 * @throws AgentryError `aborted` with `details.attempts` when the signal aborts before or during an
 *   attempt or during a wait; no further attempt starts.
 * @throws The last error of `operation`, as described above.
 * @example
 * ```ts
 * const reply = await retry((attempt, signal) => model.generate({ messages, signal }), {
 *   policy: { maxAttempts: 4, baseDelay: 500, maxDelay: 8_000, jitter: true, strategy: 'exponential' },
 *   signal: controller.signal,
 *   onRetry: ({ attempt, delayMs }) => logger.warn(`attempt ${attempt} failed; next in ${delayMs} ms`),
 * });
 * ```
 */
export function retry<T>(
  operation: (attempt: number, signal: AbortSignal) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const source = abortSourceOf(options.signal);
  return retryWithSource((attempt) => operation(attempt, source.signal), options, source);
}

/**
 * {@link retry} over an {@link AbortSource}, so that a caller whose signal is made lazily does not
 * make it unless a wait needs it.
 *
 * @internal
 */
export async function retryWithSource<T>(
  operation: (attempt: number) => Promise<T>,
  options: Omit<RetryOptions, 'signal'>,
  source: AbortSource,
): Promise<T> {
  const { policy } = options;
  checkRetryPolicy(policy);
  const {
    clock = systemClock,
    random = Math.random,
    shouldRetry = isRetryableError,
    onRetry,
    maxInlineWait,
  } = options;
  if (maxInlineWait !== undefined) checkDelay(maxInlineWait, 'maxInlineWait');
  for (let attempt = 1; ; attempt += 1) {
    if (source.aborted) throw abortedAfter(source, attempt - 1);
    let error: unknown;
    try {
      return await operation(attempt);
    } catch (caught) {
      error = caught;
    }
    if (source.aborted) throw abortedAfter(source, attempt);
    if (attempt >= policy.maxAttempts || !shouldRetry(error, attempt)) {
      throw withAttempts(error, attempt);
    }
    const delayMs = retryDelay(error, attempt, policy, random);
    const limit = inlineWaitLimit(error, delayMs, maxInlineWait, undefined);
    if (limit !== undefined) throw notWaited(error, attempt, delayMs, limit);
    onRetry?.({ attempt, delayMs, error });
    try {
      await sleep(delayMs, { clock, signal: source.signal });
    } catch {
      throw abortedAfter(source, attempt);
    }
  }
}

/**
 * The wait after failed attempt `attempt`: the policy's backoff, or the error's
 * `details.retryAfterMs` when that is longer, capped at the longest a timer can wait.
 *
 * @internal
 */
export function retryDelay(
  error: unknown,
  attempt: number,
  policy: RetryPolicyWithBackoff,
  random: () => number,
): number {
  const backoff = computeBackoffDelay(attempt, { ...policy, random });
  return Math.min(maxTimerDelay, Math.max(backoff, retryAfterOf(error)));
}

/**
 * Whether a wait is too long to sleep in line, the one rule that `retry` and the model router
 * share: it names the limit passed, or returns `undefined` when the wait is slept.
 *
 * - `maxInlineWait` caps the provider's requested wait only (`details.retryAfterMs`): a
 *   retry-after longer than it is not slept. The policy's own backoff is bounded by `maxDelay`
 *   and is never refused by `maxInlineWait`, so `maxInlineWait: 0` still retries a plain `503`
 *   after its backoff.
 * - `remainingMs`, the time the caller has left (a turn's timeout), bounds any wait, backoff
 *   included: a wait that would end at or after it is not slept.
 *
 * @internal
 */
export function inlineWaitLimit(
  error: unknown,
  delayMs: number,
  maxInlineWait: number | undefined,
  remainingMs: number | undefined,
): string | undefined {
  if (maxInlineWait !== undefined && retryAfterOf(error) > maxInlineWait)
    return `maxInlineWait (${maxInlineWait} ms) for a provider's retry-after`;
  if (remainingMs !== undefined && delayMs >= remainingMs)
    return `the time the caller has left (${Math.max(0, Math.round(remainingMs))} ms)`;
  return undefined;
}

/** Policies already checked: a router passes the same policy object to every call. */
const checkedPolicies = new WeakSet<object>();

/**
 * Checks a retry policy, once per frozen policy object.
 *
 * @internal
 */
export function checkRetryPolicy(policy: RetryOptions['policy']): void {
  if (checkedPolicies.has(policy)) return;
  checkPolicyShape(policy);
  // Only a frozen policy can be trusted not to change after it was checked.
  if (Object.isFrozen(policy)) checkedPolicies.add(policy);
}

function checkPolicyShape(policy: RetryOptions['policy']): void {
  const { maxAttempts, baseDelay, maxDelay, jitter, strategy } = policy;
  const parsed = retryPolicySchema.safeParse({ maxAttempts, baseDelay, maxDelay, jitter });
  if (!parsed.success) throw toValidationError(parsed.error, 'The retry policy');
  const parsedStrategy = backoffStrategySchema.safeParse(strategy);
  if (!parsedStrategy.success)
    throw toValidationError(parsedStrategy.error, 'The backoff strategy');
}

/** Codes that the same request meets again, whatever the provider's `x-should-retry` says. */
const neverRetried: ReadonlySet<string> = new Set([
  'auth_failed',
  'context_length_exceeded',
  'content_filtered',
  'aborted',
]);

/**
 * Whether an error is worth another attempt of the same operation, the one rule that `retry` and
 * the model router share: the provider's `x-should-retry` (`details.retryable`) when it gave one,
 * `true` being refused only for codes the same request meets again (`auth_failed`,
 * `context_length_exceeded`, `content_filtered`, `aborted`); else the error's `recoverable`.
 * Anything but an {@link AgentryError} is not retried.
 *
 * @internal
 */
export function isRetryableError(error: unknown): boolean {
  if (!AgentryError.isInstance(error)) return false;
  const retryable = error.details.retryable;
  if (retryable === false) return false;
  if (retryable === true) return !neverRetried.has(error.code);
  return error.recoverable;
}

/** The wait a provider asked for, or 0 when it named none (or named nonsense). */
function retryAfterOf(error: unknown): number {
  if (!AgentryError.isInstance(error)) return 0;
  const retryAfterMs = error.details['retryAfterMs'];
  return typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs > 0
    ? retryAfterMs
    : 0;
}

/** @internal The `aborted` error of an operation aborted after `attempts` attempts. */
export function abortedAfter(source: AbortSource, attempts: number): AgentryError {
  return createAbortedError(source, 'The retried operation', { attempts });
}

/**
 * The final error of an operation whose next wait was too long to sleep: `details.attempts` and
 * `details.retryAfterMs` (the wait not taken) added, and a suggestion saying when to retry.
 * Anything but an {@link AgentryError} is returned unchanged.
 *
 * @internal
 */
export function notWaited<TError>(
  error: TError,
  attempts: number,
  delayMs: number,
  limit: string,
): TError | AgentryError {
  if (!AgentryError.isInstance(error)) return error;
  return new AgentryError({
    code: error.code,
    message: error.message,
    recoverable: error.recoverable,
    details: { ...error.details, attempts, retryAfterMs: delayMs },
    suggestions: [
      `Retry after ${delayMs} ms: waits longer than ${limit} are not slept in line.`,
      ...error.suggestions,
    ],
    cause: error,
  });
}

/** @internal The final error of a retried operation, with `details.attempts`. */
export function withAttempts<TError>(error: TError, attempts: number): TError | AgentryError {
  if (!AgentryError.isInstance(error)) return error;
  return new AgentryError({
    code: error.code,
    message: error.message,
    recoverable: error.recoverable,
    details: { ...error.details, attempts },
    suggestions: error.suggestions,
    cause: error,
  });
}
