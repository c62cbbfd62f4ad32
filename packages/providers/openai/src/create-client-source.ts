import {
  invalidateRefusedCredential,
  rememberSecret,
  type AgentryError,
  type Credential,
  type CredentialSource,
} from '@agentry/core';
import OpenAI, { type ClientOptions } from 'openai';

/**
 * Gives the SDK client for the credential of the moment.
 *
 * @internal
 */
export interface ClientSource {
  /** The client for the current credential; a new one when the credential changed. */
  get(signal: AbortSignal | undefined): Promise<OpenAI>;
  /**
   * Passes a call's failure through: when the API refused the credential `client` was made with,
   * it is invalidated at the source and the error marked for the router's one retry (see
   * `invalidateRefusedCredential`). `client` is undefined when the call failed before it had one.
   */
  failed(error: AgentryError, client: OpenAI | undefined): AgentryError;
}

/**
 * Whether this SDK makes its User-Agent in an overridable method. The SDK builds every request's
 * headers anew, and each default header costs it a removal and an append on a `Headers` object
 * per request; answering from that method puts the User-Agent where the SDK writes its own, at no
 * cost. An SDK without the method gets the User-Agent as a default header instead.
 */
const hasUserAgentMethod =
  typeof (OpenAI.prototype as unknown as { getUserAgent?: unknown }).getUserAgent === 'function';

/**
 * Creates a {@link ClientSource}: the credential is read on every call (so rotated keys and
 * refreshed OAuth2 tokens take effect at once) and one client is kept for the latest value, so
 * calls in flight finish on the client they started with. Requests carry `userAgent` as their
 * User-Agent unless `clientOptions.defaultHeaders` names one.
 *
 * @internal
 */
export function createClientSource(
  credentials: CredentialSource,
  clientOptions: Omit<ClientOptions, 'apiKey'>,
  userAgent: string,
): ClientSource {
  const options: Omit<ClientOptions, 'apiKey'> = hasUserAgentMethod
    ? clientOptions
    : {
        ...clientOptions,
        defaultHeaders: { 'User-Agent': userAgent, ...clientOptions.defaultHeaders },
      };
  const getUserAgent = () => userAgent;
  let latest: { value: string; client: OpenAI } | undefined;
  // The credential each client was made with, for a refusal of a call still on an older client.
  const credentialOf = new WeakMap<OpenAI, Credential>();
  const clientFor = (credential: Credential): OpenAI => {
    if (latest?.value !== credential.value) {
      rememberSecret(credential.value);
      const client = new OpenAI({ ...options, apiKey: credential.value });
      if (hasUserAgentMethod)
        Object.defineProperty(client, 'getUserAgent', { value: getUserAgent });
      credentialOf.set(client, credential);
      latest = { value: credential.value, client };
    }
    return latest.client;
  };
  // A fixed credential comes as the same settled promise on every call: the client it gives is
  // then the same too, and is handed back without another asynchronous step.
  let lastRead: Promise<Credential> | undefined;
  let lastClient: Promise<OpenAI> | undefined;
  return {
    get(signal) {
      const read = credentials.get(signal === undefined ? {} : { signal });
      if (read === lastRead && lastClient !== undefined) return lastClient;
      const client = read.then(clientFor);
      lastRead = read;
      lastClient = client;
      return client;
    },
    failed(error, client) {
      if (error.code !== 'auth_failed' || client === undefined) return error;
      return invalidateRefusedCredential(error, credentials, credentialOf.get(client));
    },
  };
}
