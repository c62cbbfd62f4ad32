import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentryError } from '@agentry/core';
import { PROMETHEUS_CONTENT_TYPE } from './prometheus-text.js';

/**
 * A request handler for `node:http` (and frameworks that pass Node's request and response) that
 * answers a scrape: `GET` or `HEAD` get the metrics as Prometheus text; other methods get `405`.
 * It answers on whatever path it is mounted at.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import type { PrometheusHandler } from '@agentry/monitoring';
 *
 * declare const handler: PrometheusHandler;
 * createServer((request, response) => {
 *   if (request.url === '/metrics') handler(request, response);
 *   else response.writeHead(404).end();
 * }).listen(9464);
 * ```
 */
export type PrometheusHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Makes a {@link PrometheusHandler} that renders with `render` on each scrape. A render that
 * throws answers `500` with the error's message.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createMetricsRegistry, createPrometheusHandler, renderPrometheusText } from '@agentry/monitoring';
 *
 * const registry = createMetricsRegistry({ collectionInterval: 10_000, retentionPeriod: 1 });
 * const handler = createPrometheusHandler(() => renderPrometheusText(registry));
 * createServer(handler).listen(9464);
 * ```
 */
export function createPrometheusHandler(render: () => string): PrometheusHandler {
  return (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      response.end('Method not allowed: scrape with GET.\n');
      return;
    }
    let body: string;
    try {
      body = render();
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(
        `Metrics could not be rendered: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      return;
    }
    response.writeHead(200, {
      'content-type': PROMETHEUS_CONTENT_TYPE,
      'content-length': Buffer.byteLength(body),
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  };
}

/**
 * Where the Prometheus exporter's own server listens.
 *
 * @example
 * ```ts
 * import type { PrometheusServerOptions } from '@agentry/monitoring';
 *
 * const options: PrometheusServerOptions = { port: 9464, host: '0.0.0.0', path: '/metrics' };
 * ```
 */
export interface PrometheusServerOptions {
  /** The TCP port; `0` picks a free one (read it from `url`). */
  readonly port: number;
  /** The interface to listen on. Default `127.0.0.1`; set `0.0.0.0` for a scraper on another host. */
  readonly host?: string;
  /** The path served. Default `/metrics`; any other path gets `404`. */
  readonly path?: string;
}

/**
 * A running metrics server.
 *
 * @example
 * ```ts
 * import type { PrometheusServer } from '@agentry/monitoring';
 *
 * declare const server: PrometheusServer;
 * console.log(`scrape ${server.url}`);
 * await server.close();
 * ```
 */
export interface PrometheusServer {
  /** The scrape URL, such as `http://127.0.0.1:9464/metrics`. */
  readonly url: string;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/**
 * Starts an HTTP server serving `handler` at `path`.
 *
 * @throws AgentryError `config_invalid` when the port cannot be bound (in use, or not permitted),
 *   naming the host, port and the system's reason
 * @example
 * ```ts
 * import { createMetricsRegistry, createPrometheusHandler, renderPrometheusText, startPrometheusServer } from '@agentry/monitoring';
 *
 * const registry = createMetricsRegistry({ collectionInterval: 10_000, retentionPeriod: 1 });
 * const server = await startPrometheusServer({ port: 9464 }, createPrometheusHandler(() => renderPrometheusText(registry)));
 * console.log(server.url); // http://127.0.0.1:9464/metrics
 * await server.close();
 * ```
 */
export async function startPrometheusServer(
  options: PrometheusServerOptions,
  handler: PrometheusHandler,
): Promise<PrometheusServer> {
  const host = options.host ?? '127.0.0.1';
  const path = options.path ?? '/metrics';
  const server: Server = createServer((request, response) => {
    const url = request.url ?? '/';
    const query = url.indexOf('?');
    if ((query < 0 ? url : url.slice(0, query)) === path) handler(request, response);
    else
      response
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        .end(`Metrics are served at ${path}.\n`);
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        new AgentryError({
          code: 'config_invalid',
          message: `The Prometheus exporter cannot listen on ${host}:${options.port}: ${error.code ?? error.message}.`,
          details: {
            path: 'prometheus.port',
            port: options.port,
            host,
            reason: error.code ?? error.message,
          },
          suggestions: [
            error.code === 'EADDRINUSE'
              ? `Port ${options.port} is in use: choose a free port in the prometheus options, or stop the process holding it.`
              : 'Choose a port this process may bind (1024 or above without privileges) and an address of this machine.',
          ],
          cause: error,
        }),
      );
    };
    server.once('error', onError);
    server.listen(options.port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}${path}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
