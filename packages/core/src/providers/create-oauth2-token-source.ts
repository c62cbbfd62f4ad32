import { AgentryError } from '../errors/agentry-error.js';
import { createAbortedError } from '../resilience/create-aborted-error.js';
import type { Clock } from '../resilience/clock.js';
import type { OAuth2Config } from '../schemas/oauth2-config.js';
import type { Credential, CredentialSource } from './credential-source.js';
import { oauth2ErrorResponseSchema, oauth2TokenResponseSchema } from './oauth2-token-response.js';
import { sanitizeUrl, sanitizeUrlsInText } from './sanitize-url.js';
import { rememberSecret } from './known-secrets.js';
import { waitFor } from './wait-for.js';

/** The lifetime assumed for a token whose response has no `expires_in`, in seconds. */
const DEFAULT_TOKEN_LIFETIME = 300;
/** A token is refreshed once less than this much of it is left (or 10% of its lifetime). */
const REFRESH_MARGIN_MS = 60_000;

/** What {@link createOAuth2TokenSource} needs. @internal */
export interface OAuth2TokenSourceOptions {
  /** The client settings. */
  oauth2: OAuth2Config;
  /** The scopes to request (may be empty). */
  scopes: readonly string[];
  /** The source of time. */
  clock: Clock;
  /** The fetch to call the token endpoint with. */
  fetch: typeof globalThis.fetch;
}

interface Refresh {
  readonly promise: Promise<Credential>;
  readonly controller: AbortController;
  /** Callers waiting that may still give up (they passed a signal). */
  waiters: number;
  /** Whether a caller without a signal waits: then the request always goes on. */
  pinned: boolean;
}

/**
 * A bearer-token source using the OAuth2 client credentials grant (RFC 6749 §4.4). See
 * `createCredentialSource`.
 *
 * @internal
 */
export function createOAuth2TokenSource(options: OAuth2TokenSourceOptions): CredentialSource {
  const { oauth2, clock } = options;
  // Errors name the endpoint without its user info or secret query parameters.
  const endpoint = sanitizeUrl(oauth2.tokenEndpoint);
  // Masked in every error, whatever an authorization server echoes (see rememberSecret).
  if (oauth2.clientSecret !== undefined) rememberSecret(oauth2.clientSecret);
  let token: { credential: Credential; refreshAt: number; expiresAt: number } | undefined;
  let refresh: Refresh | undefined;

  const startRefresh = (): Refresh => {
    const controller = new AbortController();
    const startedAt = clock.now();
    const promise = requestToken(options, endpoint, controller.signal).then(
      (response) => {
        const lifetimeMs = (response.expires_in ?? DEFAULT_TOKEN_LIFETIME) * 1000;
        const credential: Credential = Object.freeze({
          scheme: 'bearer',
          value: response.access_token,
        });
        rememberSecret(credential.value);
        token = {
          credential,
          refreshAt: startedAt + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 10),
          expiresAt: startedAt + lifetimeMs,
        };
        return credential;
      },
      (error: unknown) => {
        // An early refresh that fails leaves the current token usable until it expires.
        if (token !== undefined && clock.now() < token.expiresAt) return token.credential;
        throw error;
      },
    );
    const started: Refresh = { promise, controller, waiters: 0, pinned: false };
    const clear = (): void => {
      if (refresh === started) refresh = undefined;
    };
    promise.then(clear, clear);
    return started;
  };

  return {
    get(requestOptions) {
      if (token !== undefined && clock.now() < token.refreshAt) {
        return Promise.resolve(token.credential);
      }
      const signal = requestOptions?.signal;
      if (signal?.aborted) {
        return Promise.reject(createAbortedError(signal, 'The OAuth2 token request'));
      }
      const current = (refresh ??= startRefresh());
      if (signal === undefined) current.pinned = true;
      else current.waiters += 1;
      return waitFor(current.promise, signal, 'The OAuth2 token request', () => {
        current.waiters -= 1;
        if (current.waiters === 0 && !current.pinned) {
          // Nobody waits for this request any more: stop it, and let the next call start afresh.
          if (refresh === current) refresh = undefined;
          current.controller.abort();
        }
      });
    },
    invalidate(credential) {
      // The token is dropped rather than marked: the next get fetches a new one, and a refresh
      // that fails then has no token to fall back on.
      if (token !== undefined && token.credential.value === credential.value) token = undefined;
      return true;
    },
  };
}

async function requestToken(
  options: OAuth2TokenSourceOptions,
  endpoint: string,
  signal: AbortSignal,
) {
  const { oauth2, scopes } = options;
  const body = new URLSearchParams({ grant_type: 'client_credentials' });
  if (scopes.length > 0) body.set('scope', scopes.join(' '));
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (oauth2.clientSecret === undefined) {
    body.set('client_id', oauth2.clientId);
  } else {
    // RFC 6749 §2.3.1: both parts are form-encoded before they are joined and base64-encoded.
    const pair = `${formEncode(oauth2.clientId)}:${formEncode(oauth2.clientSecret)}`;
    headers.authorization = `Basic ${btoa(pair)}`;
  }

  let status: number;
  let text: string;
  try {
    const response = await options.fetch(oauth2.tokenEndpoint, {
      method: 'POST',
      headers,
      body: body.toString(),
      signal,
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    if (signal.aborted) throw createAbortedError(signal, 'The OAuth2 token request');
    throw new AgentryError({
      code: 'network',
      message: `Could not reach the OAuth2 token endpoint ${endpoint}: ${describeFailure(error)}.`,
      details: { tokenEndpoint: endpoint },
      suggestions: [
        'Check oauth2.tokenEndpoint, the network connection and proxy settings, then retry.',
      ],
      // fetch quotes the URL it was given, credentials included, in its own error.
      cause: withoutUrlSecrets(error),
    });
  }

  const json = parseJson(text);
  if (status < 200 || status > 299) throw refusalError(endpoint, status, json);
  const parsed = oauth2TokenResponseSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where =
      issue === undefined ? '' : ` (${issue.path.join('.') || 'body'}: ${issue.message})`;
    throw new AgentryError({
      code: 'auth_failed',
      message: `The OAuth2 token endpoint ${endpoint} answered HTTP ${status} without a usable bearer token${where}.`,
      details: { tokenEndpoint: endpoint, status },
      suggestions: [
        'Check that oauth2.tokenEndpoint is the token endpoint of an OAuth2 server that issues bearer tokens.',
      ],
      cause: parsed.error,
    });
  }
  return parsed.data;
}

function refusalError(endpoint: string, status: number, json: unknown): AgentryError {
  const parsed = oauth2ErrorResponseSchema.safeParse(json);
  const oauthError = parsed.success ? parsed.data.error : undefined;
  const description = parsed.success ? parsed.data.error_description : undefined;
  const said = oauthError === undefined ? '' : ` with ${oauthError}`;
  const explained = description === undefined ? '' : `: ${description.slice(0, 300)}`;
  const details: Record<string, unknown> = { tokenEndpoint: endpoint, status };
  if (oauthError !== undefined) details.oauthError = oauthError;
  return new AgentryError({
    code: 'auth_failed',
    // An overloaded or failing authorization server may answer differently on a retry.
    recoverable: status === 429 || status >= 500,
    message: `The OAuth2 token endpoint ${endpoint} refused the client credentials request${said} (HTTP ${status})${explained}.`,
    details,
    suggestions: [refusalSuggestion(oauthError, status)],
  });
}

function refusalSuggestion(oauthError: string | undefined, status: number): string {
  if (oauthError !== undefined && Object.hasOwn(refusalSuggestions, oauthError)) {
    return refusalSuggestions[oauthError] as string;
  }
  return status >= 500 || status === 429
    ? 'Retry later: the authorization server is failing or overloaded.'
    : "Check the oauth2 settings against the authorization server's documentation.";
}

/** What to do about each RFC 6749 §5.2 error code. */
const refusalSuggestions: Readonly<Record<string, string>> = {
  invalid_client:
    'Check oauth2.clientId and oauth2.clientSecret: the authorization server did not accept them.',
  invalid_scope:
    "Request only scopes the client may have: check oauth2.scopes and the method's configuration.scopes.",
  unauthorized_client:
    'Allow the client_credentials grant for this client at the authorization server.',
  unsupported_grant_type:
    'This authorization server does not offer the client credentials grant; use api_key or bearer_token authentication.',
};

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

function describeFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return sanitizeUrlsInText(cause.message);
  return sanitizeUrlsInText(error instanceof Error ? error.message : String(error));
}

/**
 * The error of a failed fetch, rebuilt where its message (or its cause's) quotes a URL with
 * secrets; the stack of a rebuilt error is dropped, since it repeats the message.
 */
function withoutUrlSecrets(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error) || depth > 4) return error;
  const message = sanitizeUrlsInText(error.message);
  const cause = withoutUrlSecrets(error.cause, depth + 1);
  if (message === error.message && cause === error.cause) return error;
  const copy = new Error(message, cause === undefined ? undefined : { cause });
  copy.name = error.name;
  copy.stack = `${error.name}: ${message}`;
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) Object.assign(copy, { code });
  return copy;
}
