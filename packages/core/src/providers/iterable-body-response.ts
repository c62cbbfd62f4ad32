import type { Readable } from 'node:stream';
import { toWebStream, type PooledResponseInit } from './send-pooled-request.js';

/**
 * A response of {@link PooledFetch.sdkFetch}: what a `Response` offers, but its body is read
 * straight from the connection when it is iterated with `for await`, which is how the official
 * `openai` and `@anthropic-ai/sdk` clients read a stream (they iterate a body that is async
 * iterable, and fall back to `getReader()` otherwise). A standard `Response` makes a web
 * `ReadableStream` per call and hands every chunk through its reader and queue: on the workload
 * of bench/provider-overhead.bench.ts (a short streamed answer over loopback) the `openai` SDK
 * spent 90 to 130 µs less CPU per call on this response than on the standard one (of 650 to
 * 770 µs, measured on a loaded shared machine).
 *
 * Everything else works as on a `Response`: `text()`, `json()`, `arrayBuffer()`, `blob()`,
 * `formData()` and `clone()` (and `body` once one of them ran) go through a standard `Response`
 * made on first use over the same connection, and a body already iterated is refused as
 * `Response` refuses it. It is not `instanceof Response`, nor its body `instanceof
 * ReadableStream`: give it only to clients that read bodies as above.
 *
 * @internal
 */
export class IterableBodyResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly url: string;
  readonly redirected: boolean;
  readonly type = 'basic' as const;
  readonly #body: IterableBody | null;
  #response: Response | undefined;

  constructor(body: Readable | null, init: PooledResponseInit) {
    this.status = init.status;
    this.statusText = init.statusText;
    this.headers = init.headers;
    this.url = init.url;
    this.redirected = init.redirected;
    this.#body = body === null ? null : new IterableBody(body);
  }

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  /** The body: async iterable over the connection; a web stream once a body method ran. */
  get body(): AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | null {
    return this.#response ? this.#response.body : this.#body;
  }

  get bodyUsed(): boolean {
    return this.#response ? this.#response.bodyUsed : this.#body?.disturbed === true;
  }

  text(): Promise<string> {
    return this.#settled((response) => response.text());
  }

  json(): Promise<unknown> {
    return this.#settled((response) => response.json());
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#settled((response) => response.arrayBuffer());
  }

  blob(): Promise<Blob> {
    return this.#settled((response) => response.blob());
  }

  formData(): Promise<FormData> {
    return this.#settled((response) => response.formData());
  }

  clone(): Response {
    return this.#standard().clone();
  }

  #settled<T>(read: (response: Response) => Promise<T>): Promise<T> {
    try {
      return read(this.#standard());
    } catch (error) {
      // A Response's body methods reject, rather than throw, when the body was already read.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return Promise.reject(error);
    }
  }

  /** The standard `Response` over the same body, made once. */
  #standard(): Response {
    if (this.#response) return this.#response;
    const body = this.#body;
    if (body?.disturbed === true)
      throw new TypeError('Body is unusable: Body has already been read');
    const response = new Response(body === null ? null : body.stream(), {
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
    });
    Object.defineProperty(response, 'url', { value: this.url });
    if (this.redirected) Object.defineProperty(response, 'redirected', { value: true });
    this.#response = response;
    return response;
  }
}

/** A body that is iterated straight from its Node stream. */
class IterableBody implements AsyncIterable<Uint8Array> {
  /** Whether iteration began, after which the body cannot be read another way. */
  disturbed = false;
  readonly #source: Readable;

  constructor(source: Readable) {
    this.#source = source;
  }

  /**
   * Node's stream iterator: `return()` (a `break`, or an SDK cancelling a body it does not need)
   * destroys the stream, which closes the connection as cancelling the web stream does, and an
   * error of the connection or an abort is thrown from `next()` as the web stream's reader
   * rejects with it.
   */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    this.disturbed = true;
    return this.#source[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  }

  /** The body as a web stream (for the standard `Response`). */
  stream(): ReadableStream<Uint8Array> {
    return toWebStream(this.#source);
  }
}

/** @internal Makes an {@link IterableBodyResponse}, typed as the `Response` a `fetch` returns. */
export function toIterableBodyResponse(body: Readable | null, init: PooledResponseInit): Response {
  return new IterableBodyResponse(body, init) as unknown as Response;
}
