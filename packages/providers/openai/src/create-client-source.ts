import type { CredentialSource } from '@agentry/core';
import OpenAI, { type ClientOptions } from 'openai';

/**
 * Gives the SDK client for the credential of the moment.
 *
 * @internal
 */
export interface ClientSource {
  /** The client for the current credential; a new one when the credential changed. */
  get(signal: AbortSignal | undefined): Promise<OpenAI>;
}

/**
 * Creates a {@link ClientSource}: the credential is read on every call (so rotated keys and
 * refreshed OAuth2 tokens take effect at once) and one client is kept for the latest value, so
 * calls in flight finish on the client they started with.
 *
 * @internal
 */
export function createClientSource(
  credentials: CredentialSource,
  clientOptions: Omit<ClientOptions, 'apiKey'>,
): ClientSource {
  let latest: { value: string; client: OpenAI } | undefined;
  return {
    async get(signal) {
      const credential = await credentials.get(signal === undefined ? {} : { signal });
      if (latest?.value !== credential.value) {
        latest = {
          value: credential.value,
          client: new OpenAI({ ...clientOptions, apiKey: credential.value }),
        };
      }
      return latest.client;
    },
  };
}
