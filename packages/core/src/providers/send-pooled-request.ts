import { pipeline, type Readable } from 'node:stream';
import { constants, createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { isSecretName } from './is-secret-name.js';

/** What {@link sendPooledRequest} can send itself; anything else goes through undici's `fetch`. */
export type DirectBody = string | Uint8Array | null | undefined;

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const maxRedirects = 20;
// Headers that describe a body, dropped with it when a redirect turns the request into a GET.
const bodyHeaders = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
];
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);
const normalizedMethods: Record<string, string> = {
  delete: 'DELETE',
  get: 'GET',
  head: 'HEAD',
  options: 'OPTIONS',
  post: 'POST',
  put: 'PUT',
};
// zlib is told to give what it has when a stream ends early, as fetch does, rather than fail.
const lenient = { flush: constants.Z_SYNC_FLUSH, finishFlush: constants.Z_SYNC_FLUSH };
const brotliLenient = {
  flush: constants.BROTLI_OPERATION_FLUSH,
  finishFlush: constants.BROTLI_OPERATION_FLUSH,
};

/**
 * Whether a `fetch` call can be sent straight to the pool: an http(s) URL (not a `Request`), a
 * body that is a string or bytes (so that it can be sent again if the server redirects), redirects
 * followed (the default) and no body on GET or HEAD (which `fetch` refuses).
 *
 * @internal
 */
export function isDirectRequest(
  input: string | URL | Request,
  init: RequestInit | undefined,
): input is string | URL {
  if (typeof input !== 'string' && !(input instanceof URL)) return false;
  if (init === undefined) return true;
  const body = init.body;
  if (body !== undefined && body !== null && typeof body !== 'string') {
    if (!(body instanceof Uint8Array)) return false;
  }
  if (init.redirect !== undefined && init.redirect !== 'follow') return false;
  if (body !== undefined && body !== null) {
    const method = init.method?.toUpperCase();
    if (method === undefined || method === 'GET' || method === 'HEAD') return false;
  }
  return true;
}

/**
 * Sends one request through undici's dispatcher API and answers with a standard `Response`, as
 * `fetch` would: default `accept`, `accept-encoding` and `content-type` headers, a gzip, deflate
 * or brotli body decoded, a null body for HEAD and null-body statuses, `TypeError: fetch failed`
 * (with the cause) when the request cannot be sent, the signal's reason when it aborts. Redirects
 * are followed by fetch's rules (at most 20; a POST answered 301 or 302, and anything but GET or
 * HEAD answered 303, goes on as a GET without its body; no credential header goes to another
 * origin, see {@link isCredentialHeader}), each server receiving the request once. Headers may be
 * given in every form `fetch` takes (a record, any `Headers`, a `Map` or another iterable of
 * pairs). A URL that is not http(s) is handed to `follow`. This
 * skips the fetch algorithm's own bookkeeping, which costs several times what the request itself
 * does.
 *
 * @internal
 */
export async function sendPooledRequest(
  dispatcher: Dispatcher,
  input: string | URL,
  init: RequestInit | undefined,
  follow: () => Promise<Response>,
  respond: PooledResponder = toFetchResponse,
): Promise<Response> {
  let url = typeof input === 'string' ? new URL(input) : input;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return follow();
  const signal = init?.signal ?? undefined;
  if (signal?.aborted === true) throw signal.reason;
  let method = toMethod(init?.method);
  let body = (init?.body ?? undefined) as DirectBody;
  const headers = toHeaderRecord(init?.headers);
  if (typeof body === 'string' && headers['content-type'] === undefined)
    headers['content-type'] = 'text/plain;charset=UTF-8';
  headers.accept ??= '*/*';
  headers['accept-encoding'] ??= url.protocol === 'https:' ? 'br, gzip, deflate' : 'gzip, deflate';
  let data: Dispatcher.ResponseData;
  let redirected = false;
  for (let redirects = 0; ; redirects += 1) {
    try {
      data = await dispatcher.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method,
        headers,
        body: body ?? null,
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      // The signal may have aborted while the request was under way.
      if (isAborted(signal)) throw signal!.reason;
      throw new TypeError('fetch failed', { cause: error });
    }
    const location = data.headers.location;
    if (!redirectStatuses.has(data.statusCode) || typeof location !== 'string') break;
    // Read off rather than destroyed, so that the connection stays in the pool.
    data.body.dump().catch(() => undefined);
    const next = redirectTarget(url, location, redirects);
    const status = data.statusCode;
    if (
      ((status === 301 || status === 302) && method === 'POST') ||
      (status === 303 && method !== 'GET' && method !== 'HEAD')
    ) {
      method = 'GET';
      body = undefined;
      for (const name of bodyHeaders) delete headers[name];
    }
    if (next.origin !== url.origin) {
      for (const name of Object.keys(headers)) if (isCredentialHeader(name)) delete headers[name];
    }
    url = next;
    redirected = true;
  }
  const status = data.statusCode;
  const responseHeaders = new Headers();
  for (const name in data.headers) {
    const value = data.headers[name];
    if (typeof value === 'string') responseHeaders.append(name, value);
    else if (value !== undefined) for (const each of value) responseHeaders.append(name, each);
  }
  let responseBody: Readable | null = null;
  if (method === 'HEAD' || nullBodyStatuses.has(status)) data.body.resume();
  else responseBody = decode(data.body, responseHeaders.get('content-encoding'));
  return respond(responseBody, {
    status,
    statusText: (data as { statusText?: string }).statusText ?? '',
    headers: responseHeaders,
    url: url.hash === '' ? url.href : withoutHash(url),
    redirected,
  });
}

/**
 * What a pooled response is made of: its decoded body (null for HEAD and null-body statuses) and
 * its status line, headers, final URL and whether a redirect led there.
 *
 * @internal
 */
export interface PooledResponseInit {
  status: number;
  statusText: string;
  headers: Headers;
  url: string;
  redirected: boolean;
}

/** @internal Makes the response {@link sendPooledRequest} answers with. */
export type PooledResponder = (body: Readable | null, init: PooledResponseInit) => Response;

/** @internal The standard `Response`, whose body is a web stream fed by the connection. */
export function toFetchResponse(body: Readable | null, init: PooledResponseInit): Response {
  const response = new Response(body === null ? null : toWebStream(body), init);
  Object.defineProperty(response, 'url', { value: init.url });
  if (init.redirected) Object.defineProperty(response, 'redirected', { value: true });
  return response;
}

/** Where a redirect leads, refused as fetch refuses it: too many, or not http(s). */
function redirectTarget(from: URL, location: string, redirects: number): URL {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch (error) {
    throw new TypeError('fetch failed', { cause: error });
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:')
    throw new TypeError('fetch failed', {
      cause: new Error(`A redirect leads to ${next.protocol}, which is not http(s).`),
    });
  if (redirects >= maxRedirects)
    throw new TypeError('fetch failed', {
      cause: new Error('The request was redirected too many times.'),
    });
  return next;
}

function toMethod(method: string | undefined): string {
  if (method === undefined) return 'GET';
  return normalizedMethods[method.toLowerCase()] ?? method;
}

/**
 * Whether a request header carries a credential, and so is dropped when a redirect leads to
 * another origin: `authorization`, `proxy-authorization` and `cookie` (which `fetch` drops too),
 * the headers the vendors take keys in (`x-api-key`, `x-goog-api-key`, Azure's `api-key`), and
 * any other whose name says it holds a credential (`…auth…`, `…token`, `…secret…`, `…session…`,
 * `…password…`, `…signature…`), such as a gateway's `cf-aig-authorization`. The rule is
 * `isSecretName`, the one that also masks credentials in errors and removes them from URLs, so
 * they cannot drift.
 *
 * @internal
 */
export function isCredentialHeader(name: string): boolean {
  return isSecretName(name);
}

/**
 * The headers of a request in lower case, from every form `fetch` takes: a record, a `Headers` of
 * any fetch implementation, or any iterable of name-value pairs (an array, a `Map`). Repeated
 * names are joined with `, `; a pair that is not two long is a `TypeError`, as in `fetch`.
 */
function toHeaderRecord(headers: RequestInit['headers'] | null): Record<string, string> {
  const record: Record<string, string> = {};
  if (headers === undefined || headers === null) return record;
  if (headers instanceof Headers) {
    headers.forEach((value, name) => (record[name] = value));
    return record;
  }
  const add = (name: string, value: string) => {
    const key = name.toLowerCase();
    const before = record[key];
    record[key] = before === undefined ? value : `${before}, ${value}`;
  };
  // An array, a Map, undici's own Headers and any other iterable are sequences of pairs, as
  // fetch's HeadersInit reads them; only an object that is not iterable is a record.
  if (typeof (headers as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function') {
    for (const entry of headers as Iterable<Iterable<unknown>>) {
      const pair = Array.isArray(entry) ? (entry as unknown[]) : [...entry];
      if (pair.length !== 2)
        throw new TypeError(`A header must be a name-value pair; got ${pair.length} values.`);
      add(String(pair[0]), String(pair[1]));
    }
  } else {
    for (const name of Object.keys(headers)) add(name, (headers as Record<string, string>)[name]!);
  }
  return record;
}

/** The body as fetch gives it: decoded when every content coding is one fetch decodes. */
function decode(body: Readable, encoding: string | null): Readable {
  if (encoding === null) return body;
  const decoders: NodeJS.ReadWriteStream[] = [];
  const codings = encoding.toLowerCase().split(',');
  for (let index = codings.length - 1; index >= 0; index -= 1) {
    const coding = codings[index]!.trim();
    if (coding === 'gzip' || coding === 'x-gzip') decoders.push(createGunzip(lenient));
    else if (coding === 'deflate') decoders.push(createInflate(lenient));
    else if (coding === 'br') decoders.push(createBrotliDecompress(brotliLenient));
    else if (coding !== 'identity') return body;
  }
  if (decoders.length === 0) return body;
  return pipeline([body, ...decoders], () => undefined) as unknown as Readable;
}

/**
 * A web stream fed by a Node stream's `data` events. `ReadableStream.from` would do, but it pulls
 * through the Node stream's async iterator, a promise and a turn per chunk, which a stream of
 * hundreds of small events feels.
 *
 * @internal
 */
export function toWebStream(body: Readable): ReadableStream<Uint8Array> {
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      body.on('data', (chunk: Uint8Array) => {
        if (cancelled) return;
        controller.enqueue(chunk);
        if ((controller.desiredSize ?? 0) <= 0) body.pause();
      });
      body.once('end', () => {
        if (!cancelled) controller.close();
      });
      body.on('error', (error) => controller.error(error));
    },
    pull() {
      body.resume();
    },
    cancel(reason) {
      cancelled = true;
      body.destroy(reason instanceof Error ? reason : undefined);
    },
  });
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function withoutHash(url: URL): string {
  const copy = new URL(url);
  copy.hash = '';
  return copy.href;
}
