import {
  AgentryError,
  type ErrorCode,
  type ModelResponse,
  type ModelStreamPart,
} from '@agentry/core';
import type { GenerateOutcome, StreamOutcome } from './call-model.js';
import { fail } from './provider-check.js';
import { describeParts, findOrderProblems } from './stream-parts.js';

/** The `response-end` part. */
type ResponseEnd = Extract<ModelStreamPart, { type: 'response-end' }>;

/**
 * What was thrown, in a few words: `AgentryError network: …`, `TypeError: …`.
 *
 * @internal
 */
export function describeError(value: unknown): string {
  if (AgentryError.isInstance(value)) return `AgentryError ${value.code}: ${value.message}`;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return `a non-error value (${String(value)})`;
}

function slowHint(expected: readonly ErrorCode[]): string {
  return expected.includes('aborted')
    ? ' Stop as soon as the signal aborts.'
    : " Does the provider retry or wait? Retries belong to Agentry's router: turn the client's retries off.";
}

function codes(expected: readonly ErrorCode[]): string {
  return expected.map((code) => `"${code}"`).join(' or ');
}

/** Checks that `error` is an AgentryError with one of `expected` codes. */
function expectCode(error: unknown, expected: readonly ErrorCode[], where: string): AgentryError {
  if (!AgentryError.isInstance(error)) {
    fail(
      `${where} with ${describeError(error)}, not an AgentryError. Map every vendor and network failure with createProviderError (code ${codes(expected)} here).`,
    );
  }
  if (!expected.includes(error.code)) {
    fail(
      `${where} with code "${error.code}"; the contract wants ${codes(expected)}. (${error.message})`,
    );
  }
  return error;
}

/**
 * Checks that a stream succeeded in order: no error, no error part, parts in the contract's order
 * and one `response-end` last. Returns that `response-end`.
 *
 * @internal
 */
export function expectStreamSuccess(outcome: StreamOutcome, scenario: string): ResponseEnd {
  const { parts } = outcome;
  if (outcome.timedOut) {
    fail(
      `The stream ${scenario} did not end within ${outcome.deadlineMs} ms. Parts so far:\n${describeParts(parts)}`,
    );
  }
  if (outcome.threw) {
    fail(
      `The stream ${scenario} threw ${describeError(outcome.error)} after ${parts.length} part(s); it should have succeeded.\n${describeParts(parts)}`,
    );
  }
  const errorPart = parts.find((part) => part.type === 'error');
  if (errorPart !== undefined) {
    fail(
      `The stream ${scenario} sent an error part (${errorPart.error.code}: ${errorPart.error.message}); it should have succeeded.\n${describeParts(parts)}`,
    );
  }
  const problems = findOrderProblems(parts);
  if (problems.length > 0) {
    fail(
      `The stream ${scenario} broke the order of the model contract:\n- ${problems.join('\n- ')}\nParts:\n${describeParts(parts)}`,
    );
  }
  const ends = parts.filter((part) => part.type === 'response-end');
  const last = parts.at(-1);
  if (ends.length !== 1 || last?.type !== 'response-end') {
    fail(
      `The stream ${scenario} sent ${ends.length} response-end part(s); a stream that succeeds ends with exactly one response-end, its last part.\n${describeParts(parts)}`,
    );
  }
  return last;
}

/**
 * Checks that a `generate` call resolved, and returns its response.
 *
 * @internal
 */
export function expectGenerateSuccess(outcome: GenerateOutcome, scenario: string): ModelResponse {
  if (outcome.timedOut)
    fail(`generate ${scenario} did not settle within ${outcome.deadlineMs} ms.`);
  if (outcome.threw || outcome.response === undefined) {
    fail(
      `generate ${scenario} rejected with ${describeError(outcome.error)}; it should have resolved.`,
    );
  }
  return outcome.response;
}

/**
 * Checks that a stream that failed before sending anything threw, from its iterator, an
 * AgentryError with one of the `expected` codes, and returns it.
 *
 * @internal
 */
export function expectStreamThrew(
  outcome: StreamOutcome,
  expected: readonly ErrorCode[],
  scenario: string,
): AgentryError {
  const { parts } = outcome;
  if (outcome.timedOut) {
    fail(
      `The stream ${scenario} did not settle within ${outcome.deadlineMs} ms; it should fail with ${codes(expected)}.${slowHint(expected)}`,
    );
  }
  if (!outcome.threw) {
    const first = parts[0];
    if (first?.type === 'error' && parts.length === 1) {
      fail(
        `The stream ${scenario} sent an error part as its first part; a call that fails before any output throws the AgentryError (code ${codes(expected)}) from the iterator's first next().`,
      );
    }
    fail(
      `The stream ${scenario} did not fail; it should throw an AgentryError with code ${codes(expected)}. Parts:\n${describeParts(parts)}`,
    );
  }
  if (parts.length > 0) {
    fail(
      `The stream ${scenario} sent ${parts.length} part(s) before throwing; this failure comes before any output, so nothing should be sent before the error.\n${describeParts(parts)}`,
    );
  }
  return expectCode(outcome.error, expected, `The stream ${scenario} failed`);
}

/**
 * Checks that a `generate` call rejected with an AgentryError with one of the `expected` codes,
 * and returns it.
 *
 * @internal
 */
export function expectGenerateThrew(
  outcome: GenerateOutcome,
  expected: readonly ErrorCode[],
  scenario: string,
): AgentryError {
  if (outcome.timedOut) {
    fail(
      `generate ${scenario} did not settle within ${outcome.deadlineMs} ms; it should reject with ${codes(expected)}.${slowHint(expected)}`,
    );
  }
  if (!outcome.threw)
    fail(`generate ${scenario} resolved; it should reject with ${codes(expected)}.`);
  return expectCode(outcome.error, expected, `generate ${scenario} rejected`);
}

/**
 * Checks a stream that failed part-way: after some parts, one `error` part (the last) with one of
 * the `expected` codes and no `response-end`; or, when it failed before any part, a thrown error.
 * Returns the error and how many parts came before it. `allowThrowAfterParts` also accepts an error
 * thrown after some parts, as the contract allows for an abort.
 *
 * @internal
 */
export function expectStreamFailure(
  outcome: StreamOutcome,
  expected: readonly ErrorCode[],
  scenario: string,
  allowThrowAfterParts = false,
): { error: AgentryError; partsBefore: number } {
  const { parts } = outcome;
  if (outcome.timedOut) {
    fail(
      `The stream ${scenario} did not settle within ${outcome.deadlineMs} ms; it should end with ${codes(expected)}. Parts so far:\n${describeParts(parts)}`,
    );
  }
  const end = parts.find((part) => part.type === 'response-end');
  if (end !== undefined) {
    fail(
      `The stream ${scenario} sent response-end (${end.finishReason}) as if it succeeded; it should end with an error part of code ${codes(expected)}.\n${describeParts(parts)}`,
    );
  }
  const problems = findOrderProblems(parts);
  if (problems.length > 0) {
    fail(
      `The stream ${scenario} broke the order of the model contract:\n- ${problems.join('\n- ')}\nParts:\n${describeParts(parts)}`,
    );
  }
  if (outcome.threw) {
    if (parts.length > 0 && !allowThrowAfterParts) {
      fail(
        `The stream ${scenario} threw ${describeError(outcome.error)} after ${parts.length} part(s); after output has been sent, a failure is an error part (code ${codes(expected)}), the stream's last.\n${describeParts(parts)}`,
      );
    }
    const error = expectCode(outcome.error, expected, `The stream ${scenario} failed`);
    return { error, partsBefore: parts.length };
  }
  const last = parts.at(-1);
  if (last?.type !== 'error') {
    fail(
      `The stream ${scenario} ended without response-end and without an error part; it should end with an error part of code ${codes(expected)}.\n${describeParts(parts)}`,
    );
  }
  return {
    error: expectCode(last.error, expected, `The stream ${scenario} ended`),
    partsBefore: parts.length - 1,
  };
}
