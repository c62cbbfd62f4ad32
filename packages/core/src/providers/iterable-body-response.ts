import type { Readable } from 'node:stream';
import { toWebStream, type PooledResponseInit } from './send-pooled-request.js';

/**
 * A response of {@link PooledFetch.sdkFetch}: what a `Response` offers, but its body is read
 * straight from the connection when it is iterated with `for await`, which is how the official
 * `openai` and `@anthropic-ai/sdk` clients read a stream (they iterate a body that is async
 * iterable, and fall back to `getReader()` otherwise). A standard `Response` makes a web
 * `ReadableStream` per call and hands every chunk through its reader and queue: on the workload
 * of bench/provider-overhead.bench.ts (a short streamed answer over loopback) the `openai` SDK
 * spent 90 to 145 µs less CPU per call on this response than on the standard one (of 650 to
 * 770 µs, measured on a loaded shared machine), and no more than on it on a 500-chunk answer.
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

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    this.disturbed = true;
    return new ChunkIterator(this.#source);
  }

  /** The body as a web stream (for the standard `Response`). */
  stream(): ReadableStream<Uint8Array> {
    return toWebStream(this.#source);
  }
}

/**
 * Reads a Node stream as the web stream of `toWebStream` would hand it over, without the web
 * stream: chunks arrive by `data` events and wait in a queue, the stream pauses while a chunk is
 * unread and resumes when the reader asks for more (the web stream's high-water mark of one
 * chunk), an error drops what is queued and fails the next read, and `return()` (a `break`, or a
 * client cancelling a body it does not need) destroys the stream, which closes the connection as
 * cancelling the web stream does. A reader that waits gets the next chunk straight from the
 * event, one promise per chunk. Node's own stream iterator would do, but it reads through
 * `readable` events and joins buffered chunks: on a 500-chunk answer the SDK then spent up to 10%
 * more CPU than over the web stream (7.6 ms against 7.0 ms a call), where this iterator spends
 * the same (6.4 to 7.6 ms against 6.7 to 7.4 ms).
 */
class ChunkIterator implements AsyncIterator<Uint8Array> {
  readonly #source: Readable;
  readonly #queue: Uint8Array[] = [];
  #read = 0;
  #ended = false;
  #failed = false;
  #failure: unknown;
  #waiting:
    | { resolve: (result: IteratorResult<Uint8Array>) => void; reject: (error: unknown) => void }
    | undefined;

  constructor(source: Readable) {
    this.#source = source;
    source.on('data', (chunk: Uint8Array) => this.#push(chunk));
    source.once('end', () => this.#end());
    source.on('error', (error) => this.#fail(error));
    // Destroyed before its end without an error: the body will never end, so the read fails.
    source.once('close', () => {
      if (!this.#ended && !this.#failed) this.#fail(new Error('The response body closed early.'));
    });
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    const queue = this.#queue;
    if (this.#read < queue.length) {
      const value = queue[this.#read]!;
      this.#read += 1;
      if (this.#read === queue.length) {
        queue.length = 0;
        this.#read = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    if (this.#failed) return Promise.reject(this.#failure);
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    this.#source.resume();
    return new Promise((resolve, reject) => (this.#waiting = { resolve, reject }));
  }

  return(): Promise<IteratorResult<Uint8Array>> {
    if (!this.#ended && !this.#failed) {
      this.#ended = true;
      this.#source.destroy();
    }
    this.#queue.length = 0;
    this.#read = 0;
    return Promise.resolve({ value: undefined, done: true });
  }

  #push(chunk: Uint8Array): void {
    if (this.#ended || this.#failed) return;
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      waiting.resolve({ value: chunk, done: false });
      return;
    }
    this.#queue.push(chunk);
    this.#source.pause();
  }

  #end(): void {
    if (this.#failed) return;
    this.#ended = true;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.resolve({ value: undefined, done: true });
  }

  #fail(error: unknown): void {
    if (this.#ended || this.#failed) return;
    this.#failed = true;
    this.#failure = error;
    this.#queue.length = 0;
    this.#read = 0;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(error);
  }
}

/** @internal Makes an {@link IterableBodyResponse}, typed as the `Response` a `fetch` returns. */
export function toIterableBodyResponse(body: Readable | null, init: PooledResponseInit): Response {
  return new IterableBodyResponse(body, init) as unknown as Response;
}
