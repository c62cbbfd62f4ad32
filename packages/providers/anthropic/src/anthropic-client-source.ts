import Anthropic from '@anthropic-ai/sdk';
import { VERSION as SDK_VERSION } from '@anthropic-ai/sdk/version';
import {
  invalidateRefusedCredential,
  rememberSecret,
  type AgentryError,
  type Credential,
  type CredentialSource,
} from '@agentry/core';
import { VERSION } from './version.js';

/** Gives the SDK client to use for one call. @internal */
export interface AnthropicClientSource {
  /** Reads the credential and returns the client for it (cached while the credential is the same). */
  get(signal?: AbortSignal): Promise<Anthropic>;
  /**
   * Passes a call's failure through: when the API refused the credential `client` was made with,
   * it is invalidated at the source and the error marked for the router's one retry (see
   * `invalidateRefusedCredential`). `client` is undefined when the call failed before it had one.
   */
  failed(error: AgentryError, client: Anthropic | undefined): AgentryError;
}

/** What {@link createAnthropicClientSource} needs. @internal */
export interface AnthropicClientSourceOptions {
  /** The credential of each call. */
  credentials: CredentialSource;
  /** The API's base URL, without `/v1`. */
  endpoint: string;
  /** The fetch every client shares: the provider's pooled one, or the options' own. */
  fetch: typeof globalThis.fetch;
  /** How long the SDK waits for a response to start, in milliseconds. */
  timeout: number;
  /** Headers sent with every request. */
  headers: Readonly<Record<string, string>>;
}

/**
 * Creates a source of SDK clients: the credential is read for every call, and a client is made
 * for each new credential value and kept until the value changes, so calls in flight finish on the
 * client (and key) they started with. Clients never retry (`maxRetries: 0`: Agentry's retry
 * policy decides), share one fetch, and log nothing (every failure is reported as an
 * `AgentryError`). API keys go in `apiKey`, bearer and OAuth2 tokens in `authToken`.
 *
 * @internal
 */
export function createAnthropicClientSource(
  options: AnthropicClientSourceOptions,
): AnthropicClientSource {
  let latest: { scheme: string; value: string; client: Anthropic } | undefined;
  // The credential each client was made with, for a refusal of a call still on an older client.
  const credentialOf = new WeakMap<Anthropic, Credential>();
  const userAgent = `@agentry/anthropic/${VERSION} Anthropic/JS ${SDK_VERSION}`;
  return {
    async get(signal) {
      const credential = await options.credentials.get(signal !== undefined ? { signal } : {});
      if (
        latest !== undefined &&
        latest.scheme === credential.scheme &&
        latest.value === credential.value
      ) {
        return latest.client;
      }
      rememberSecret(credential.value);
      const client = new Anthropic({
        ...(credential.scheme === 'api_key'
          ? { apiKey: credential.value }
          : { authToken: credential.value }),
        baseURL: options.endpoint,
        fetch: options.fetch,
        maxRetries: 0,
        timeout: options.timeout,
        logLevel: 'off',
        defaultHeaders: { 'user-agent': userAgent, ...options.headers },
      });
      latest = { scheme: credential.scheme, value: credential.value, client };
      credentialOf.set(client, credential);
      return client;
    },
    failed(error, client) {
      if (error.code !== 'auth_failed' || client === undefined) return error;
      return invalidateRefusedCredential(error, options.credentials, credentialOf.get(client));
    },
  };
}
