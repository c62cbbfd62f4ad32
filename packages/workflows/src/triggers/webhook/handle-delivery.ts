import {
  AgentryError,
  systemClock,
  toAgentryError,
  verifyWebhook,
  webhookDeliveryHeader,
  webhookSignatureHeader,
} from '@agentry/core';
import type { WorkflowDefinition } from '../../definitions/workflow-definition.js';
import type { WebhookTrigger } from '../../definitions/workflow-trigger.js';
import { listWorkflows } from '../workflow-source.js';
import type { WebhookErrorContext, WebhookHandlerOptions } from './webhook-types.js';

const defaultMaxBodyBytes = 1_048_576;

/** A request as the adapters present it. @internal */
export interface DeliveryRequest {
  method: string;
  /** The path without query string. */
  path: string;
  header(name: string): string | undefined;
  /** Reads the body, stopping as soon as more than `limit` bytes arrived. */
  readBody(limit: number): Promise<Uint8Array | 'too-large'>;
}

/** What the adapters answer. @internal */
export interface DeliveryResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** The body was not read to its end: the connection must not be reused. */
  abandonBody?: boolean;
}

interface Route {
  definition: WorkflowDefinition;
  trigger: WebhookTrigger;
}

const routeCache = new WeakMap<object, Map<string, Route>>();

/**
 * The webhook routes of a workflow source by path.
 *
 * @throws AgentryError `conflict` when two webhook triggers share a path
 * @internal
 */
export function buildRoutes(options: Pick<WebhookHandlerOptions, 'workflows'>): Map<string, Route> {
  const collection =
    typeof options.workflows === 'function' ? options.workflows() : options.workflows;
  const cached = routeCache.get(collection);
  if (cached) return cached;
  const routes = new Map<string, Route>();
  for (const definition of listWorkflows(collection)) {
    for (const trigger of definition.triggers) {
      if (trigger.type !== 'webhook') continue;
      const existing = routes.get(trigger.configuration.path);
      if (existing && existing.definition.id !== definition.id) {
        throw new AgentryError({
          code: 'conflict',
          message: `The webhook path "${trigger.configuration.path}" belongs to both "${existing.definition.id}" and "${definition.id}".`,
          details: {
            path: trigger.configuration.path,
            workflows: [existing.definition.id, definition.id],
          },
          suggestions: ['Give each webhook trigger its own path.'],
        });
      }
      if (!existing) routes.set(trigger.configuration.path, { definition, trigger });
    }
  }
  routeCache.set(collection, routes);
  return routes;
}

const json = (status: number, body: unknown, extra: Partial<DeliveryResponse> = {}) => ({
  status,
  body,
  ...extra,
});

const failure = (
  status: number,
  code: string,
  message: string,
  extra: Partial<DeliveryResponse> = {},
) => json(status, { error: { code, message } }, extra);

const unauthorized = () => failure(401, 'auth_failed', 'The request is not signed correctly.');

/**
 * Routes, verifies and starts one delivery; every adapter calls it.
 *
 * @internal
 */
export async function handleDelivery(
  options: WebhookHandlerOptions,
  request: DeliveryRequest,
): Promise<DeliveryResponse> {
  const path = stripBase(request.path, options.basePath);
  const context: WebhookErrorContext = { path: request.path };
  const report = (error: unknown): void => {
    try {
      options.onError?.(toAgentryError(error), context);
    } catch {
      // A failing error handler must not change the answer.
    }
  };
  try {
    let route: Route | undefined;
    try {
      route = path === undefined ? undefined : buildRoutes(options).get(path);
    } catch (error) {
      report(error);
      return failure(500, 'internal', 'The webhook is not configured correctly.');
    }
    if (!route) return failure(404, 'not_found', 'There is no webhook at this path.');
    context.workflowId = route.definition.id;
    if (request.method !== 'POST') {
      return failure(405, 'invalid_request', 'Webhooks accept POST only.', {
        headers: { allow: 'POST' },
      });
    }
    const limit = route.trigger.configuration.maxBodyBytes ?? defaultMaxBodyBytes;
    const tooLarge = () =>
      failure(413, 'limit_exceeded', `The body is larger than ${limit} bytes.`, {
        abandonBody: true,
      });
    const declared = Number(request.header('content-length'));
    if (Number.isFinite(declared) && declared > limit) return tooLarge();
    let body: Uint8Array | 'too-large';
    try {
      body = await request.readBody(limit);
    } catch {
      // The client went away or sent a broken stream: nothing to report, nobody to answer.
      return failure(400, 'invalid_request', 'The body could not be read.');
    }
    if (body === 'too-large') return tooLarge();

    const signature = request.header(options.signatureHeader ?? webhookSignatureHeader);
    if (signature === undefined) return unauthorized();
    let secret: string;
    try {
      secret = await options.secrets(route.trigger.configuration.secretName);
      if (typeof secret !== 'string' || secret === '') throw new TypeError('empty secret');
    } catch (error) {
      report(
        new AgentryError({
          code: 'secret_unresolved',
          message: `The signing secret "${route.trigger.configuration.secretName}" of the webhook at "${route.trigger.configuration.path}" could not be resolved.`,
          details: {
            secretName: route.trigger.configuration.secretName,
            path: route.trigger.configuration.path,
          },
          suggestions: ['Store the secret under this name with your secret resolver.'],
          cause: error,
        }),
      );
      return failure(500, 'internal', 'The webhook is not configured correctly.');
    }
    try {
      verifyWebhook({
        secret,
        body,
        header: signature,
        now: (options.clock ?? systemClock).now(),
        toleranceSeconds: options.timestampToleranceSeconds ?? 300,
        // The 0.1 format (`sha256=` with its own timestamp header) still verifies, deprecated.
        legacy: {
          timestamp: request.header(options.timestampHeader ?? 'x-agentry-timestamp'),
          allowMissingTimestamp: options.requireTimestamp !== true,
        },
      });
    } catch (error) {
      // Every refusal answers the same 401, which tells a forger nothing about what was wrong.
      if (AgentryError.isInstance(error) && error.code === 'unauthenticated') return unauthorized();
      throw error;
    }

    const deliveryId = request.header(options.deliveryHeader ?? webhookDeliveryHeader);
    if (deliveryId !== undefined && !/^[\x21-\x7e]{1,200}$/.test(deliveryId)) {
      return failure(
        400,
        'validation_failed',
        'The delivery id must be 1 to 200 visible ASCII characters.',
      );
    }
    if (deliveryId !== undefined) context.deliveryId = deliveryId;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body).toString('utf8'));
    } catch {
      return failure(400, 'validation_failed', 'The body is not valid JSON.');
    }
    const input = options.mapInput
      ? options.mapInput(parsed, {
          definition: route.definition,
          path: route.trigger.configuration.path,
          ...(deliveryId === undefined ? {} : { deliveryId }),
          header: (name) => request.header(name),
        })
      : parsed;
    let run;
    try {
      run = await options.starter.start(route.definition.id, input, {
        ...(deliveryId === undefined ? {} : { idempotencyKey: `webhook:${deliveryId}` }),
        ...(options.principal === undefined ? {} : { principal: options.principal }),
        origin: {
          type: 'webhook',
          details: {
            path: route.trigger.configuration.path,
            ...(deliveryId === undefined ? {} : { deliveryId }),
          },
        },
      });
    } catch (error) {
      const agentryError = toAgentryError(error);
      report(agentryError);
      return agentryError.httpStatus < 500
        ? failure(agentryError.httpStatus, agentryError.code, agentryError.message)
        : failure(500, 'internal', 'The run could not be started.');
    }
    return json(run.deduplicated ? 200 : 202, { runId: run.runId, deduplicated: run.deduplicated });
  } catch (error) {
    report(error);
    return failure(500, 'internal', 'The request could not be handled.');
  }
}

/** The path with `basePath` removed, or `undefined` when it is outside it. @internal */
export function stripBase(path: string, basePath: string | undefined): string | undefined {
  if (!basePath || basePath === '/') return path;
  const base = basePath.endsWith('/') ? basePath.slice(0, -1) : basePath;
  if (path === base) return '/';
  return path.startsWith(`${base}/`) ? path.slice(base.length) : undefined;
}
