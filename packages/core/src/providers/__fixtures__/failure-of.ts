import { AgentryError } from '../../errors/index.js';

/** The AgentryError a promise rejects with; fails the test when it resolves or rejects otherwise. */
export async function failureOf(promise: Promise<unknown>): Promise<AgentryError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!AgentryError.isInstance(error)) throw new Error('expected an AgentryError');
  return error;
}
