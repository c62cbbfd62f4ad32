import { AgentryError } from '@agentry/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  buildRoutes,
  handleDelivery,
  stripBase,
  type DeliveryRequest,
  type DeliveryResponse,
} from './handle-delivery.js';
import type {
  WebhookNextFunction,
  WebhookHandler,
  WebhookHandlerOptions,
} from './webhook-types.js';

/**
 * Serves the `webhook` triggers of a set of workflows over HTTP. A request is routed by its path
 * to the trigger with that `path`, then:
 *
 * 1. anything but `POST` answers 405;
 * 2. a body over the trigger's `maxBodyBytes` answers 413: at once when `content-length` says so,
 *    otherwise as soon as the cap is passed; nothing more is read and the connection is closed;
 * 3. the signature header (`x-agentry-signature: t=<unix seconds>,v1=<hex>`, made by
 *    `signWebhook` of `@agentry/core`: HMAC-SHA256 of `<t>.<raw body>` with the secret named by
 *    the trigger's `secretName`) is checked with core's `verifyWebhook`, in constant time, and its
 *    time must be within the tolerance (300 s). The deprecated 0.1 format, `sha256=<hex>` with an
 *    optional `x-agentry-timestamp` header, is still accepted (see `requireTimestamp`). Any failure
 *    answers 401 with the same message, which tells nothing about what was wrong;
 * 4. a body that is not JSON answers 400;
 * 5. the run starts with the body (or `mapInput`'s result) as input and, when the delivery header
 *    (`x-agentry-delivery`) is sent, the idempotency key `webhook:<delivery id>`: a new run answers
 *    202 `{ runId, deduplicated: false }`, a redelivery 200 `{ runId, deduplicated: true }` with
 *    the first run's id, and no second run is started.
 *
 * Unknown paths answer 404. Errors answer `{ error: { code, message } }`. Secrets are resolved by
 * name through `secrets` and never logged, answered or put in errors.
 *
 * @returns a `node:http` request listener with `middleware` (Express, Connect) and `fetch`
 *   (Fetch API servers) adapters
 * @throws AgentryError `conflict` when two webhook triggers share a path
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 *
 * const webhooks = createWebhookHandler({
 *   starter: runner,
 *   workflows: registry,
 *   secrets: (name) => secretStore.get(name),
 * });
 * createServer(webhooks).listen(8080);
 * // or: app.use(webhooks.middleware); or in Hono: app.post('/hooks/*', (c) => webhooks.fetch(c.req.raw));
 * ```
 */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  // Fails fast on a static source with clashing paths; dynamic sources are checked per request.
  if (typeof options.workflows !== 'function') buildRoutes(options);

  const serveNode = (
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    readBody: DeliveryRequest['readBody'],
  ): void => {
    void handleDelivery(options, {
      method: request.method ?? 'GET',
      path,
      header: (name) => nodeHeader(request, name),
      readBody,
    }).then((result) => writeNode(request, response, result));
  };

  const listener = ((request: IncomingMessage, response: ServerResponse) => {
    serveNode(request, response, pathOf(request.url), (limit) => readNodeBody(request, limit));
  }) as WebhookHandler;

  listener.middleware = (request, response, next: WebhookNextFunction) => {
    let routes;
    try {
      routes = buildRoutes(options);
    } catch (error) {
      next(error);
      return;
    }
    const path = pathOf(request.originalUrl ?? request.url);
    const stripped = stripBase(path, options.basePath);
    if (stripped === undefined || !routes.has(stripped)) {
      next();
      return;
    }
    const preRead = Buffer.isBuffer(request.rawBody)
      ? request.rawBody
      : Buffer.isBuffer(request.body)
        ? request.body
        : undefined;
    if (!preRead && request.readableEnded) {
      // A body parser ran first: the raw bytes the signature covers are gone.
      options.onError?.(
        new AgentryError({
          code: 'internal',
          message: `The body of the webhook request to "${path}" was already read by another middleware, so its signature cannot be checked.`,
          details: { path },
          suggestions: [
            'Mount the webhook middleware before body parsers, or use express.raw() so request.body is a Buffer.',
          ],
        }),
        { path },
      );
      writeNode(request, response, {
        status: 500,
        body: { error: { code: 'internal', message: 'The webhook is not configured correctly.' } },
      });
      return;
    }
    serveNode(request, response, path, (limit) =>
      preRead
        ? Promise.resolve(preRead.length > limit ? 'too-large' : preRead)
        : readNodeBody(request, limit),
    );
  };

  listener.fetch = async (request: Request): Promise<Response> => {
    const result = await handleDelivery(options, {
      method: request.method,
      path: new URL(request.url).pathname,
      header: (name) => request.headers.get(name) ?? undefined,
      readBody: (limit) => readStreamBody(request.body, limit),
    });
    const headers = new Headers({ 'content-type': 'application/json; charset=utf-8' });
    for (const [name, value] of Object.entries(result.headers ?? {})) headers.set(name, value);
    if (result.abandonBody) headers.set('connection', 'close');
    return new Response(JSON.stringify(result.body), { status: result.status, headers });
  };

  return listener;
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const end = raw.search(/[?#]/);
  return end === -1 ? raw : raw.slice(0, end);
}

function nodeHeader(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Reads a Node request body, keeping at most `limit` bytes; stops reading once past it. */
function readNodeBody(request: IncomingMessage, limit: number): Promise<Uint8Array | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        request.pause();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('The client closed the connection before the body was read.'));
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}

/** Reads a Fetch body stream, keeping at most `limit` bytes; cancels it once past it. */
async function readStreamBody(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Uint8Array | 'too-large'> {
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return 'too-large';
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function writeNode(
  request: IncomingMessage,
  response: ServerResponse,
  result: DeliveryResponse,
): void {
  if (response.headersSent || response.destroyed) return;
  response.statusCode = result.status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  for (const [name, value] of Object.entries(result.headers ?? {})) response.setHeader(name, value);
  if (result.abandonBody && !request.readableEnded) {
    // The rest of the body is never read: close the connection once the answer is out.
    response.setHeader('connection', 'close');
    response.once('finish', () => request.socket.destroySoon());
  }
  response.end(JSON.stringify(result.body));
}
