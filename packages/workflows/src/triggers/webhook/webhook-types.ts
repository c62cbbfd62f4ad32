import type { AgentryError, AuthorizationPrincipal, Clock } from '@agentry/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WorkflowDefinition } from '../../definitions/workflow-definition.js';
import type { WorkflowStarter } from '../../workflow-starter.js';
import type { WorkflowSource } from '../workflow-source.js';

/**
 * A verified delivery, given to `mapInput`.
 *
 * @example
 * ```ts
 * import { createWebhookHandler, type WebhookDelivery, type WorkflowRegistry, type WorkflowStarter } from '@agentry/workflows';
 *
 * declare const runner: WorkflowStarter;
 * declare const registry: WorkflowRegistry;
 * declare const secrets: (name: string) => Promise<string>;
 * // The run's input: GitHub's payload, with the event name from its header.
 * const mapInput = (body: unknown, delivery: WebhookDelivery) => ({
 *   event: delivery.header('x-github-event'),
 *   deliveryId: delivery.deliveryId,
 *   payload: body,
 * });
 * const handler = createWebhookHandler({ starter: runner, workflows: registry, secrets, mapInput });
 * ```
 */
export interface WebhookDelivery {
  /** The workflow the path belongs to. */
  definition: WorkflowDefinition;
  /** The trigger's path. */
  path: string;
  /** The delivery id header's value, when sent. */
  deliveryId?: string;
  /** Reads a request header (case-insensitive). */
  header(name: string): string | undefined;
}

/**
 * Where an error reported to `onError` of {@link createWebhookHandler} happened.
 *
 * @example
 * ```ts
 * import {
 *   createWebhookHandler,
 *   type WebhookErrorContext,
 *   type WorkflowRegistry,
 *   type WorkflowStarter,
 * } from '@agentry/workflows';
 * import type { AgentryError } from '@agentry/core';
 *
 * declare const runner: WorkflowStarter;
 * declare const registry: WorkflowRegistry;
 * declare const secrets: (name: string) => Promise<string>;
 * // Refused deliveries (bad signature, too large, replayed) are answered with 4xx and reported here.
 * const onError = (error: AgentryError, where: WebhookErrorContext) =>
 *   console.warn(`webhook ${where.path} (${where.deliveryId ?? 'no delivery id'}): ${error.code}`);
 * const handler = createWebhookHandler({ starter: runner, workflows: registry, secrets, onError });
 * ```
 */
export interface WebhookErrorContext {
  /** The request's path. */
  path: string;
  /** The workflow, once the path is known. */
  workflowId?: string;
  /** The delivery id, when sent. */
  deliveryId?: string;
}

/**
 * Options of {@link createWebhookHandler}.
 *
 * @example
 * ```ts
 * import {
 *   createWebhookHandler,
 *   type WebhookHandlerOptions,
 *   type WorkflowRegistry,
 *   type WorkflowStarter,
 * } from '@agentry/workflows';
 *
 * declare const runner: WorkflowStarter;
 * declare const registry: WorkflowRegistry;
 * const options: WebhookHandlerOptions = {
 *   starter: runner,
 *   workflows: registry,
 *   // A trigger's secretName is looked up here when a delivery arrives.
 *   secrets: async (name) => {
 *     const secret = process.env[`WEBHOOK_SECRET_${name.replaceAll('-', '_').toUpperCase()}`];
 *     if (!secret) throw new Error(`No secret for ${name}`);
 *     return secret;
 *   },
 *   basePath: '/hooks', // mounted under /hooks: a trigger path /orders answers /hooks/orders
 *   requireTimestamp: true,
 *   timestampToleranceSeconds: 300,
 * };
 * const handler = createWebhookHandler(options);
 * ```
 */
export interface WebhookHandlerOptions {
  /** Starts the runs. */
  starter: WorkflowStarter;
  /**
   * Who the runs this trigger starts act for (a service principal, say), passed to each start as
   * `StartRunOptions.principal`. A runner with an authorizer asks whether it may start each
   * workflow, and refuses every start made without one.
   */
  principal?: AuthorizationPrincipal;
  /** The workflows whose `webhook` triggers are served; read again for each request. */
  workflows: WorkflowSource;
  /**
   * Resolves a trigger's `secretName` to the signing secret. Called for each verified request;
   * cache inside it if lookups are slow. Secrets are never logged, answered or put in errors.
   */
  secrets: (name: string) => string | Promise<string>;
  /**
   * The signature header; default `x-agentry-signature`. Its value is
   * `t=<unix seconds>,v1=<hex>`, made by `signWebhook` of `@agentry/core`; the deprecated 0.1
   * value `sha256=<hex>` is still accepted.
   */
  signatureHeader?: string;
  /**
   * The timestamp header of the deprecated `sha256=` format (Unix seconds); default
   * `x-agentry-timestamp`. Not read for `t=…,v1=…` signatures, which carry their own time.
   *
   * @deprecated Only for senders still on the 0.1 format; see `docs/migrations/workflows-0.2.0.md`.
   */
  timestampHeader?: string;
  /**
   * Whether a deprecated `sha256=` signature sent without a timestamp header is refused; default
   * false. Such a request can be replayed (under a new delivery id), so set it once your senders
   * send a time. Signatures in the current format always carry a time and are always checked.
   */
  requireTimestamp?: boolean;
  /** How far a signature's time may be from now, in seconds, either way; default 300. */
  timestampToleranceSeconds?: number;
  /** The delivery id header, used as the idempotency key; default `x-agentry-delivery`. */
  deliveryHeader?: string;
  /**
   * A prefix removed from request paths before they are matched against trigger paths, for
   * handlers mounted under a prefix (a Next.js route at `/api/webhooks/[...path]` uses
   * `/api/webhooks`). Default none.
   */
  basePath?: string;
  /** Turns the parsed JSON body into the run's input; by default the body is the input. */
  mapInput?: (body: unknown, delivery: WebhookDelivery) => unknown;
  /** The clock for timestamp checks; default core's `systemClock` (wall-clock `now()`). */
  clock?: Pick<Clock, 'now'>;
  /**
   * Told about failures the sender cannot fix: a secret that cannot be resolved, a start that is
   * refused, an unexpected error. The sender gets a status and a generic message.
   */
  onError?: (error: AgentryError, context: WebhookErrorContext) => void;
}

/**
 * Express or Connect `next`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import type { WebhookHandler, WebhookNextFunction } from '@agentry/workflows';
 *
 * declare const handler: WebhookHandler;
 * // As Express middleware: requests for paths no trigger serves go on to `next`.
 * createServer((request, response) => {
 *   const next: WebhookNextFunction = (error) => {
 *     response.statusCode = error ? 500 : 404;
 *     response.end();
 *   };
 *   handler.middleware(request, response, next);
 * }).listen(3000);
 * ```
 */
export type WebhookNextFunction = (error?: unknown) => void;

/**
 * A `node:http` request listener for webhook triggers, with adapters for other servers; see
 * {@link createWebhookHandler}.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createWebhookHandler, type WebhookHandler, type WorkflowRegistry, type WorkflowStarter } from '@agentry/workflows';
 *
 * declare const runner: WorkflowStarter;
 * declare const registry: WorkflowRegistry;
 * declare const secrets: (name: string) => Promise<string>;
 * const handler: WebhookHandler = createWebhookHandler({ starter: runner, workflows: registry, secrets });
 * // A Node request listener as it is; `handler.middleware` for Express, `handler.fetch` for
 * // servers built on the Fetch API (Hono, Bun, Deno, workers).
 * createServer(handler).listen(3000);
 * ```
 */
export interface WebhookHandler {
  /** Answers a request; use as `http.createServer(handler)`. Unknown paths answer 404. */
  (request: IncomingMessage, response: ServerResponse): void;
  /**
   * Express and Connect middleware: answers requests to webhook paths and passes others to
   * `next()`. Mount it before any body parser (it needs the raw body), or give it the raw body
   * as a `Buffer` in `request.rawBody` or `request.body` (`express.raw()`). Paths are read from
   * `originalUrl`, so mounting under a prefix does not change them.
   */
  middleware(
    request: IncomingMessage & { originalUrl?: string; body?: unknown; rawBody?: unknown },
    response: ServerResponse,
    next: WebhookNextFunction,
  ): void;
  /** A Fetch API handler, for Hono, Next.js route handlers, Deno, Bun and workers. */
  fetch(request: Request): Promise<Response>;
}
