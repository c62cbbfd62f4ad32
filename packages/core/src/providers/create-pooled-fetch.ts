import {
  Agent,
  Pool,
  Request as PoolRequest,
  fetch as poolFetch,
  type Dispatcher,
  type RequestInit as PoolRequestInit,
} from 'undici';
import { toValidationError } from '../versioning/to-validation-error.js';
import {
  connectionPoolConfigSchema,
  DEFAULT_CONNECTION_POOL_CONFIG,
  type ConnectionPoolConfig,
} from './connection-pool-config.js';
import { toIterableBodyResponse } from './iterable-body-response.js';
import { isCredentialHeader, isDirectRequest, sendPooledRequest } from './send-pooled-request.js';

/**
 * A `fetch` whose requests share one connection pool, made by {@link createPooledFetch}. Pass it
 * to an SDK client's `fetch` option; call `close()` when the client is done.
 *
 * @example
 * ```ts
 * import { createPooledFetch, type PooledFetch } from '@agentry/core';
 *
 * // One pool per provider instance; every model of the provider shares it.
 * const pool: PooledFetch = createPooledFetch({ maxConnections: 16 });
 * const response = await pool('https://api.acme.example/v1/models', { headers: { authorization: 'Bearer test' } });
 * console.log(response.status);
 * await pool.close(); // in the provider's close()
 * ```
 */
export interface PooledFetch {
  /** Makes a request over the pool, like the global `fetch`. */
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /**
   * Closes the pool: requests in flight finish, idle connections close at once, and later
   * requests fail. Resolves when every connection is closed; calling it again returns the same
   * promise.
   */
  close(): Promise<void>;
  /**
   * The same fetch over the same pool, for the official `openai` and `@anthropic-ai/sdk`
   * clients: a streamed body is read by their `for await` straight from the connection, without
   * a web `ReadableStream` between them. Its responses offer what a `Response` does (status,
   * headers, `text()`, `json()`, `clone()`, `body` as a web stream once a body method ran) but
   * are not `instanceof Response`, and their body, until then, is an async iterable of bytes
   * rather than a `ReadableStream`; give it only to clients that read bodies that way.
   * `@agentry/openai` gives it to its SDK client.
   *
   * @example
   * ```ts
   * const pool = createPooledFetch();
   * const client = new OpenAI({ apiKey, fetch: pool.sdkFetch, maxRetries: 0 });
   * ```
   */
  readonly sdkFetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
}

/**
 * Creates a `fetch` over one connection pool (undici's `Agent`), so that every call of an SDK
 * client reuses warm keep-alive connections instead of opening new ones.
 *
 * Each origin gets at most `maxConnections` connections (requests beyond that wait their turn); a
 * connection idle for `idleTimeout` milliseconds closes; a connection reused `maxReuseCount` times
 * closes after its next response. Settings not given take {@link DEFAULT_CONNECTION_POOL_CONFIG}
 * (64 connections, 30 s, 1000 reuses). Requests built with the global `Request` class work too.
 *
 * A request given as a URL with a string or bytes body (as SDK clients send) goes to the pool
 * through undici's dispatcher API, which costs a fraction of the fetch algorithm, and comes back as
 * a standard `Response`, with what `fetch` would do kept: default `accept`, `accept-encoding` and
 * `content-type` headers, compressed bodies decoded, redirects followed (by `fetch`), `TypeError`
 * when the request cannot be sent and the signal's reason when it aborts. Other requests go
 * through undici's `fetch`. Headers may be given in every form `fetch` takes: a record, a
 * `Headers` (the global class or undici's), a `Map` or another iterable of name-value pairs.
 *
 * Redirects are followed as `fetch` follows them (at most 20), with one difference on both paths:
 * when a redirect leads to another origin, every header that carries a credential is dropped, not
 * only `authorization` and `cookie` as `fetch` does, but also the vendors' key headers
 * (`x-api-key`, `x-goog-api-key`, `api-key`) and any header named like a credential, so that a
 * key never reaches a host it was not meant for. The request goes on without them (the other
 * origin then usually answers 401); a redirect within the origin keeps every header.
 *
 * The pool sets no time limit of its own: undici's `headersTimeout` and `bodyTimeout` (300 s
 * each by default) are off, so a long call, such as a model thinking for minutes before its first
 * byte, is bounded only by the provider's `timeout` and the caller's abort signal.
 *
 * @param config - the pool settings; missing ones take the defaults
 * @throws AgentryError `validation_failed` when a setting is not a positive integer.
 * @example
 * ```ts
 * const fetch = createPooledFetch({ maxConnections: 16, idleTimeout: 10_000 });
 * const client = new OpenAI({ apiKey, fetch, maxRetries: 0 });
 * // … on shutdown
 * await fetch.close();
 * ```
 */
export function createPooledFetch(config: Partial<ConnectionPoolConfig> = {}): PooledFetch {
  const parsed = connectionPoolConfigSchema.safeParse({
    maxConnections: config.maxConnections ?? DEFAULT_CONNECTION_POOL_CONFIG.maxConnections,
    idleTimeout: config.idleTimeout ?? DEFAULT_CONNECTION_POOL_CONFIG.idleTimeout,
    maxReuseCount: config.maxReuseCount ?? DEFAULT_CONNECTION_POOL_CONFIG.maxReuseCount,
  });
  if (!parsed.success) throw toValidationError(parsed.error, 'The connection pool configuration');
  const { maxConnections, idleTimeout, maxReuseCount } = parsed.data;
  const agent = new Agent({
    connections: maxConnections,
    keepAliveTimeout: idleTimeout,
    // A server's `Keep-Alive: timeout=…` hint replaces keepAliveTimeout; capping it here keeps
    // idleTimeout the longest a connection idles.
    keepAliveMaxTimeout: idleTimeout,
    maxRequestsPerClient: maxReuseCount,
    // 0 turns undici's own 300 s limits off: the provider's timeout and the signal decide.
    headersTimeout: 0,
    bodyTimeout: 0,
    factory: createLastingPool,
  });

  const fetchThroughPool = (
    input: string | URL | Request,
    init: RequestInit | undefined,
  ): Promise<Response> => {
    const request =
      typeof input === 'string' || input instanceof URL ? input : toPoolRequest(input);
    return poolFetch(request, {
      ...(init as PoolRequestInit | undefined),
      dispatcher: credentialsStayAt(agent, request),
    });
  };
  // A URL with a string or bytes body (what SDK clients send) skips the fetch algorithm.
  const pooledFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
    isDirectRequest(input, init)
      ? sendPooledRequest(agent, input, init, () => fetchThroughPool(input, init))
      : fetchThroughPool(input, init);
  const sdkFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
    isDirectRequest(input, init)
      ? sendPooledRequest(
          agent,
          input,
          init,
          () => fetchThroughPool(input, init),
          toIterableBodyResponse,
        )
      : fetchThroughPool(input, init);
  let closing: Promise<void> | undefined;
  return Object.assign(pooledFetch, {
    close: () => (closing ??= agent.close().then(() => undefined)),
    sdkFetch,
  });
}

/**
 * Creates an origin's pool and keeps it for the agent's lifetime. undici's `Agent` counts an
 * origin's connections through the pool's `connect` and `disconnect` events and closes the pool
 * when the count reaches zero; a disconnect reported by a pool it already replaced then counts
 * against the new one, which it closes too, so back-to-back requests after one retired connection
 * each open a new connection. Hiding those two events keeps one pool per origin (an idle pool
 * holds no sockets: `idleTimeout` closes them).
 */
function createLastingPool(origin: URL | string, options: object): Dispatcher {
  const pool = new Pool(origin, options);
  const on = pool.on.bind(pool) as (
    event: string,
    listener: (...values: unknown[]) => void,
  ) => Pool;
  return Object.assign(pool, {
    on: (event: string, listener: (...values: unknown[]) => void): Pool =>
      event === 'disconnect' || event === 'connectionError' ? pool : on(event, listener),
  });
}

/**
 * The pool, seen by one fetch call through a dispatcher that drops every credential header (see
 * {@link isCredentialHeader}) from the requests fetch sends to another origin than the first, as
 * it does when it follows a redirect. The pooled path applies the same rule in its own loop.
 */
function credentialsStayAt(agent: Agent, request: string | URL | PoolRequest): Dispatcher {
  let origin: string;
  try {
    origin = new URL(
      typeof request === 'string' ? request : request instanceof URL ? request.href : request.url,
    ).origin;
  } catch {
    // fetch refuses a URL it cannot parse before it sends anything.
    return agent;
  }
  return agent.compose(
    (dispatch) => (options, handler) =>
      dispatch(
        String(options.origin) === origin
          ? options
          : { ...options, headers: withoutCredentials(options.headers) },
        handler,
      ),
  );
}

/** A copy of a dispatch's headers, in any of the forms undici takes, without credential headers. */
function withoutCredentials(
  headers: Dispatcher.DispatchOptions['headers'],
): Dispatcher.DispatchOptions['headers'] {
  if (headers === null || headers === undefined) return headers;
  if (Array.isArray(headers)) {
    // A flat list: name, value, name, value, …
    const kept: string[] = [];
    for (let index = 0; index + 1 < headers.length; index += 2) {
      if (!isCredentialHeader(String(headers[index])))
        kept.push(headers[index]!, headers[index + 1]!);
    }
    return kept;
  }
  if (typeof (headers as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function') {
    const pairs = headers as Iterable<[string, string | string[] | undefined]>;
    return [...pairs].filter(([name]) => !isCredentialHeader(name));
  }
  const kept: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(
    headers as Record<string, string | string[] | undefined>,
  )) {
    if (!isCredentialHeader(name)) kept[name] = value;
  }
  return kept;
}

/** Copies a `Request` of another fetch implementation (the global one) into undici's class. */
function toPoolRequest(request: Request): PoolRequest {
  if (request instanceof PoolRequest) return request;
  return new PoolRequest(request.url, {
    method: request.method,
    headers: [...request.headers],
    body: request.body as PoolRequestInit['body'],
    duplex: 'half',
    signal: request.signal,
    redirect: request.redirect,
    integrity: request.integrity,
    keepalive: request.keepalive,
    referrer: request.referrer,
    referrerPolicy: request.referrerPolicy,
  });
}
