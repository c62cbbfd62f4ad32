import { AgentryError } from '../errors/agentry-error.js';
import type { Credential, CredentialSource } from './credential-source.js';

/**
 * What a provider calls when a call fails, so that a refused credential is refreshed the same way
 * by every provider. When `error` is an `auth_failed` refusal of `credential` (any status but
 * 403, which refuses a permission rather than the credential), the credential is invalidated at
 * `source` ({@link CredentialSource.invalidate}); when the source can give another, the error
 * gets `details.credentialInvalidated: true`, and the model router tries the call once more, at
 * once, with the fresh credential. A second refusal fails. A source without `invalidate` (a fixed
 * API key or bearer token) leaves the error as it is: it is never retried.
 *
 * Any other error, or a call that failed before it had a credential (`credential` undefined),
 * comes back unchanged. No credential value is ever put in the error.
 *
 * @param error - the call's failure, already mapped to an `AgentryError`
 * @param source - the credential source of the model
 * @param credential - the credential the call was made with, if it got that far
 * @returns `error`, with `details.credentialInvalidated` set when a retry can use a new credential
 * @example
 * ```ts
 * let credential: Credential | undefined;
 * try {
 *   credential = await credentials.get({ signal });
 *   return await callVendor(credential);
 * } catch (error) {
 *   throw invalidateRefusedCredential(toVendorError(error), credentials, credential);
 * }
 * ```
 */
export function invalidateRefusedCredential(
  error: AgentryError,
  source: CredentialSource,
  credential: Credential | undefined,
): AgentryError {
  if (
    error.code !== 'auth_failed' ||
    credential === undefined ||
    source.invalidate === undefined ||
    error.details.status === 403 ||
    !source.invalidate(credential)
  ) {
    return error;
  }
  if (Object.isExtensible(error.details)) {
    error.details.credentialInvalidated = true;
    return error;
  }
  return new AgentryError({
    code: error.code,
    message: error.message,
    recoverable: error.recoverable,
    details: { ...error.details, credentialInvalidated: true },
    suggestions: error.suggestions,
    cause: error,
  });
}
