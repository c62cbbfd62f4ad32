/**
 * A credential to send to a provider: an API key (sent as the vendor's key header) or a bearer
 * token (sent as `Authorization: Bearer …`).
 *
 * @example
 * ```ts
 * import type { Credential, CredentialSource } from '@agentry/core';
 *
 * declare const source: CredentialSource;
 * const credential: Credential = await source.get();
 * const headers = credential.scheme === 'bearer'
 *   ? { authorization: `Bearer ${credential.value}` }
 *   : { 'x-api-key': credential.value };
 * ```
 */
export interface Credential {
  /** How the value is sent: `api_key` (the vendor's key header) or `bearer`. */
  readonly scheme: 'api_key' | 'bearer';
  /** The key or token. Never log it. */
  readonly value: string;
}

/**
 * Options of {@link CredentialSource.get}.
 *
 * @example
 * ```ts
 * import type { CredentialRequestOptions, CredentialSource, ModelCallOptions } from '@agentry/core';
 *
 * declare const credentials: CredentialSource;
 * declare const callOptions: ModelCallOptions; // what the provider's generate() received
 * // Stop waiting for a token when the model call is aborted.
 * const request: CredentialRequestOptions = callOptions.signal ? { signal: callOptions.signal } : {};
 * const credential = await credentials.get(request);
 * ```
 */
export interface CredentialRequestOptions {
  /**
   * Stops waiting for a key read or a token request: `get` rejects with `aborted`. Work shared
   * with other callers goes on for them.
   */
  signal?: AbortSignal;
}

/**
 * Where a provider package gets the credential for each call, made by
 * {@link createCredentialSource}. Call `get` per call rather than once: rotated keys and refreshed
 * OAuth2 tokens show up there. Sources that can replace a credential the provider refused
 * implement `invalidate`.
 *
 * @example
 * ```ts
 * const { value } = await credentials.get({ signal });
 * const client = clientFor(value); // one SDK client per credential value, the latest cached
 * ```
 */
export interface CredentialSource {
  /**
   * Resolves with the credential to use now. Cheap when nothing is due: a cached value in an
   * already resolved promise.
   *
   * @throws AgentryError `auth_failed` when no usable credential can be had (a key older than
   *   `maxAge`, a token endpoint refusal), `network` when the token endpoint cannot be reached,
   *   `aborted` when the signal aborts.
   */
  get(options?: CredentialRequestOptions): Promise<Credential>;

  /**
   * Tells the source that the provider refused `credential` (HTTP 401): when it is still the
   * credential in use, the source drops it, so that the next `get` reads a rotated key or fetches
   * a new token instead (once, shared by every caller), and never falls back to it. A credential
   * no longer in use is ignored, so concurrent refusals of one token cause one refresh.
   *
   * Returns whether the source can give another credential, which is what makes a retry worth
   * it. Sources that cannot (a fixed API key or bearer token) leave the method out; a provider
   * calls it through {@link invalidateRefusedCredential}, and the model router retries such a
   * refusal once.
   *
   * @param credential - the credential the refused call was made with
   * @returns whether a fresh credential can be had
   */
  invalidate?(credential: Credential): boolean;
}
