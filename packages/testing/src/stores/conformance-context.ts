import {
  AgentryError,
  storedEnvelopeSchema,
  type ErrorCode,
  type StateStore,
  type StoredEnvelope,
} from '@agentry/core';
import { expect } from 'vitest';

/**
 * What each group of conformance tests gets: the store under test, fresh for every test.
 *
 * @internal
 */
export interface ConformanceContext {
  /** The store of the running test. */
  store(): StateStore;
  /** Creates another store, for tests that must close one; the caller closes it. */
  createStore(): Promise<StateStore>;
}

/**
 * A value for `put` with the given data.
 *
 * @internal
 */
export function entry<TData>(data: TData, kind = 'agent', schemaVersion = '1') {
  return { kind, schemaVersion, data };
}

/**
 * Awaits a promise that must reject with an {@link AgentryError} of `code`, and returns the error.
 *
 * @internal
 */
export async function expectRejection(
  promise: Promise<unknown>,
  code: ErrorCode,
): Promise<AgentryError> {
  const outcome = await promise.then(
    (value: unknown) => ({ fulfilled: true as const, value }),
    (reason: unknown) => ({ fulfilled: false as const, reason }),
  );
  if (outcome.fulfilled)
    throw new Error(`Expected a rejection with code ${code}, but the call resolved.`);
  expect(AgentryError.isInstance(outcome.reason), 'the rejection is an AgentryError').toBe(true);
  const error = outcome.reason as AgentryError;
  expect(error.code).toBe(code);
  return error;
}

/**
 * Checks an envelope the store returned against `storedEnvelopeSchema` (ISO timestamps in order,
 * revision of at least 1, JSON data, no extra fields) and returns it.
 *
 * @internal
 */
export function expectValidEnvelope(envelope: StoredEnvelope | undefined): StoredEnvelope {
  expect(envelope, 'an envelope').toBeDefined();
  const result = storedEnvelopeSchema.safeParse(envelope);
  expect(result.error?.issues ?? []).toEqual([]);
  return envelope as StoredEnvelope;
}
