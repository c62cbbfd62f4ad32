import { GoogleGenAI } from '@google/genai';
import {
  invalidateRefusedCredential,
  rememberSecret,
  type AgentryError,
  type Credential,
  type CredentialSource,
} from '@agentry/core';
import { normalizeEventStream } from './normalize-event-stream.js';
import { VERSION } from './version.js';

/** Where and how the SDK clients of one model talk to Gemini. @internal */
export interface GoogleClientSettings {
  /** The API's base URL, without the version. */
  endpoint: string;
  /** The API version in the path: `v1beta`. */
  apiVersion: string;
  /** Headers sent with every request. */
  headers: Readonly<Record<string, string>>;
}

/**
 * One `@google/genai` client per credential value, the latest one cached: a rotated key or a
 * refreshed token gets a new client while calls in flight finish on the old one.
 *
 * The client is always built for the Gemini API (`vertexai: false`) with an explicit base URL and
 * API key, so that neither `GOOGLE_GENAI_USE_VERTEXAI`, `GOOGLE_GEMINI_BASE_URL`,
 * `GEMINI_API_KEY` nor Application Default Credentials (which may query a metadata server) come
 * into play. The SDK has no bearer-token option for the Gemini API, so a bearer credential is
 * given to it as the key and {@link createCallFetch} sends it as `Authorization: Bearer` instead.
 * Retries stay off: the SDK retries only when `httpOptions.retryOptions` is set, which Agentry
 * never sets.
 *
 * @internal
 */
export class GoogleClientCache {
  readonly #settings: GoogleClientSettings;
  #latest: { scheme: Credential['scheme']; value: string; client: GoogleGenAI } | undefined;

  constructor(settings: GoogleClientSettings) {
    this.#settings = settings;
  }

  /** The client for a credential. */
  clientFor(credential: Credential): GoogleGenAI {
    const latest = this.#latest;
    if (latest?.scheme === credential.scheme && latest.value === credential.value) {
      return latest.client;
    }
    rememberSecret(credential.value);
    const client = new GoogleGenAI({
      vertexai: false,
      apiKey: credential.value,
      apiVersion: this.#settings.apiVersion,
      httpOptions: { baseUrl: this.#settings.endpoint, headers: { ...this.#settings.headers } },
    });
    this.#latest = { scheme: credential.scheme, value: credential.value, client };
    return client;
  }
}

/**
 * What a call's fetch saw: the credential it sent and the headers of its response, for
 * `retry-after` and for refreshing a refused credential. @internal
 */
export interface CallExchange {
  /** The credential the call is made with, once it has one. */
  credential?: Credential;
  /** The response headers, once the response has started. */
  headers?: Headers;
}

/**
 * Passes a call's failure through: when the API refused the credential the call was made with,
 * it is invalidated at `credentials` and the error marked for the router's one retry (see
 * `invalidateRefusedCredential`).
 *
 * @internal
 */
export function checkRefusedCredential(
  error: AgentryError,
  credentials: CredentialSource,
  exchange: CallExchange,
): AgentryError {
  if (error.code !== 'auth_failed') return error;
  return invalidateRefusedCredential(error, credentials, exchange.credential);
}

/**
 * The fetch of one call, given to the SDK per request: it sends the credential (a bearer token as
 * `Authorization: Bearer`, without the key header), adds Agentry to the User-Agent, keeps the
 * response headers, which the SDK's errors do not carry, and gives a stream's events to the SDK
 * as the SSE specification reads them (see {@link normalizeEventStream}), which the SDK's own
 * parser does not.
 *
 * @internal
 */
export function createCallFetch(
  fetch: typeof globalThis.fetch,
  credential: Credential,
  exchange: CallExchange,
): typeof globalThis.fetch {
  exchange.credential = credential;
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    if (credential.scheme === 'bearer') {
      headers.delete('x-goog-api-key');
      headers.set('authorization', `Bearer ${credential.value}`);
    }
    const agent = headers.get('user-agent');
    headers.set('user-agent', `${agent === null ? '' : `${agent} `}agentry-google/${VERSION}`);
    const response = await fetch(input, { ...init, headers });
    exchange.headers = response.headers;
    if (!response.ok || response.body === null || !isEventStreamRequest(input)) return response;
    return new Response(normalizeEventStream(response.body), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/** Whether the SDK asked for server-sent events (`streamGenerateContent?alt=sse`). */
function isEventStreamRequest(input: Parameters<typeof globalThis.fetch>[0]): boolean {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  return url.includes('alt=sse');
}
