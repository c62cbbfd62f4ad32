import {
  AgentryError,
  type ModelMiddleware,
  type ModelRequest,
  type ModelStreamPart,
  type PluginHost,
  type SecurityEvent,
} from '@agentry/core';
import { Redis } from 'ioredis';
import type { RateLimitConfig } from '../config/rate-limit-config.js';
import { ADMITTED } from './limiter-core.js';
import { createRateLimiterWith } from './rate-limiter.js';
import { rateLimitKey, type RateLimitKeyDimension } from './rate-limit-key.js';
import { StoreHealth } from './store-guard.js';
import { createTokenBudgetWith, type TokenReservation } from './token-budget.js';

/**
 * The output tokens a model call is assumed to use when its request sets no
 * `parameters.maxTokens`, for the token budget's reservation (settled with the real usage after).
 *
 * @example
 * ```ts
 * import { DEFAULT_OUTPUT_TOKEN_ESTIMATE } from '@agentry/security';
 *
 * console.log(`A call without maxTokens reserves its input plus ${DEFAULT_OUTPUT_TOKEN_ESTIMATE} tokens.`);
 * ```
 */
export const DEFAULT_OUTPUT_TOKEN_ESTIMATE = 1024;

/**
 * The options of {@link installRateLimits}.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import type { InstallRateLimitsOptions } from '@agentry/security';
 *
 * const options: InstallRateLimitsOptions = {
 *   redis: new Redis('redis://127.0.0.1:6379'),
 *   emit: (event) => console.log(event.category, event.subject),
 * };
 * ```
 */
export interface InstallRateLimitsOptions {
  /**
   * The Redis client (ioredis 5) of the `redis` store; not closed by `close()`. Without it, a
   * `redis.url` in the configuration makes a client that `close()` closes.
   */
  readonly redis?: Redis;
  /** Publishes the security events (`rate-limited`, `rate-limit-store-unavailable`, …). */
  emit(this: void, event: SecurityEvent): void;
}

/**
 * What {@link installRateLimits} returns.
 *
 * @example
 * ```ts
 * import type { InstalledRateLimits } from '@agentry/security';
 *
 * declare const installed: InstalledRateLimits;
 * await installed.close(); // in the plug-in's onShutdown
 * ```
 */
export interface InstalledRateLimits {
  /** Fails every waiting call with `aborted`, stops the limiters, closes a Redis client it made. */
  close(): Promise<void>;
}

/** Roughly the tokens of a request's input: 4 characters a token, plus the output bound. */
function estimateTokens(request: ModelRequest): number {
  let characters = request.system?.length ?? 0;
  for (const message of request.messages) {
    const content: unknown = message.content;
    if (typeof content === 'string') characters += content.length;
    else if (Array.isArray(content)) {
      for (const part of content as { text?: unknown }[])
        if (typeof part.text === 'string') characters += part.text.length;
    }
  }
  return (
    Math.ceil(characters / 4) + (request.parameters?.maxTokens ?? DEFAULT_OUTPUT_TOKEN_ESTIMATE)
  );
}

/** Settles the reservation with the usage of the stream's `response-end` part. */
async function* settling(
  stream: AsyncIterable<ModelStreamPart>,
  reservation: TokenReservation,
): AsyncIterable<ModelStreamPart> {
  for await (const part of stream) {
    // A stream that fails keeps its whole reservation: its real usage is unknown.
    if (part.type === 'response-end') await reservation.settle(part.usage.totalTokens);
    yield part;
  }
}

/**
 * Installs `config`'s rate limits on a plug-in host, when `config.enabled`:
 *
 * - a send admission check (`host.useSendAdmission`): each turn sent to an agent takes one request
 *   from its key (`config.keyBy`, default the principal it is sent for) before it joins the agent's
 *   queue; a refused turn fails its run (`rate_limited` or `queue_full`) and leaves the agent idle,
 *   a queued one waits (its run's abort removes it);
 * - with `config.tokensPerMinute`, a model middleware (`host.useModelMiddleware`) reserving each
 *   call's estimated tokens before calling the model (the request's text at 4 characters a token
 *   plus `parameters.maxTokens`, else {@link DEFAULT_OUTPUT_TOKEN_ESTIMATE}) and settling with the
 *   `response-end` part's `usage.totalTokens`. A refusal there happens before the model is called,
 *   so core neither retries it nor falls back to another model.
 *
 * Every refusal is published as a security event `{ category: 'rate-limited', severity: 'medium' }`
 * naming the subject and the resource; a Redis outage as `rate-limit-store-unavailable` (once per
 * outage). Call `close()` from the plug-in's `onShutdown`.
 *
 * @param host - the plug-in host (its `useSendAdmission` and `useModelMiddleware`)
 * @param config - the `rateLimiting` section, validated
 * @param options - the Redis client, and where events go
 * @example
 * ```ts
 * import { definePlugin } from '@agentry/core';
 * import { installRateLimits } from '@agentry/security';
 *
 * export const limits = definePlugin({
 *   name: 'my-limits',
 *   version: '1.0.0',
 *   setup(host) {
 *     const installed = installRateLimits(
 *       host,
 *       { enabled: true, requestsPerMinute: 60, burstLimit: 10, penaltyStrategy: 'queue', tokensPerMinute: 90_000 },
 *       { emit: (event) => host.emit(event) },
 *     );
 *     host.onShutdown(() => installed.close());
 *   },
 * });
 * ```
 */
export function installRateLimits(
  host: Pick<PluginHost, 'useSendAdmission' | 'useModelMiddleware'>,
  config: RateLimitConfig,
  options: InstallRateLimitsOptions,
): InstalledRateLimits {
  if (!config.enabled) return { close: () => Promise.resolve() };
  const keyBy: readonly RateLimitKeyDimension[] = config.keyBy ?? ['user'];
  const wantsRedis =
    config.store === 'redis' ||
    (config.store === undefined && (options.redis !== undefined || config.redis !== undefined));
  let owned: Redis | undefined;
  let redis = options.redis;
  if (wantsRedis && redis === undefined) {
    if (config.redis === undefined) {
      throw new AgentryError({
        code: 'config_invalid',
        message:
          "rateLimiting.store is 'redis' but neither a Redis client nor rateLimiting.redis.url was given.",
        details: { path: 'security.accessControl.rateLimiting.redis' },
        suggestions: [
          'Set rateLimiting.redis.url to ${env:REDIS_URL}, or pass a Redis client to the plug-in.',
        ],
      });
    }
    owned = new Redis(config.redis.url, { maxRetriesPerRequest: 1 });
    // Outages are reported as security events by the limiter; the client's own errors say no more.
    owned.on('error', () => undefined);
    redis = owned;
  }
  const storeOptions = {
    store: wantsRedis ? ('redis' as const) : ('memory' as const),
    ...(redis === undefined ? {} : { redis }),
    onStoreUnavailable: config.onStoreUnavailable ?? 'insurance',
    expectedProcesses: config.expectedProcesses ?? 1,
    maxKeys: config.maxKeys ?? 100_000,
    maxQueue: config.maxQueue ?? 1000,
  };
  const health = new StoreHealth(storeOptions.onStoreUnavailable, (event) => options.emit(event));
  const refused = (error: unknown, subject: string, action: string, resource: string): void => {
    if (
      error instanceof AgentryError &&
      (error.code === 'rate_limited' || error.code === 'queue_full')
    ) {
      options.emit({
        type: 'security',
        category: 'rate-limited',
        severity: 'medium',
        at: Date.now(),
        subject,
        action,
        resource,
        reason: error.message,
      });
    }
  };

  const requests = createRateLimiterWith(
    {
      ...storeOptions,
      requestsPerMinute: config.requestsPerMinute,
      burstLimit: config.burstLimit,
      penaltyStrategy: config.penaltyStrategy,
    },
    health,
  );
  // The model of each agent, from its sends, for the `model` dimension of model calls (whose
  // context names the model only once it has answered).
  const models = new Map<string, string>();
  const maxKeys = storeOptions.maxKeys;
  host.useSendAdmission((context) => {
    if (keyBy.includes('model') && models.get(context.agentId) !== context.model) {
      models.delete(context.agentId);
      models.set(context.agentId, context.model);
      if (models.size > maxKeys) models.delete(models.keys().next().value!);
    }
    const key = rateLimitKey(keyBy, {
      principalId: context.principal.id,
      userId: context.userId,
      sessionId: context.sessionId,
      agentId: context.agentId,
      model: context.model,
    });
    // The limiter answers a call admitted at once (an in-memory bucket with room) with the one
    // shared resolved promise, `ADMITTED`: the check then returns nothing and the turn goes on
    // without waiting a microtask. Every other answer (a wait, a refusal, a Redis round trip) is
    // returned, and a refusal is reported as before.
    const pending = requests.acquire(key, context);
    if (pending === ADMITTED) return;
    return pending.catch((error: unknown) => {
      refused(error, context.principal.id, 'agent.send', `agents:${context.agentId}`);
      throw error;
    });
  });

  const tokensPerMinute = config.tokensPerMinute;
  const budget =
    tokensPerMinute === undefined
      ? undefined
      : createTokenBudgetWith(
          {
            ...storeOptions,
            tokensPerMinute,
            penaltyStrategy: config.penaltyStrategy,
          },
          health,
        );
  if (budget !== undefined) {
    const middleware: ModelMiddleware = async (context, next) => {
      const key = rateLimitKey(keyBy, {
        principalId: context.principal.id,
        userId: context.userId,
        sessionId: context.sessionId,
        agentId: context.agentId,
        model: models.get(context.agentId),
      });
      let reservation: TokenReservation;
      try {
        // Read lazily: the agent makes the signal only when something reads it.
        reservation = await budget.reserve(key, estimateTokens(context.request), {
          get signal() {
            return context.options.signal;
          },
        });
      } catch (error) {
        refused(error, context.principal.id, 'model.call', `agents:${context.agentId}`);
        throw error;
      }
      await next();
      if (context.stream !== undefined) context.stream = settling(context.stream, reservation);
    };
    host.useModelMiddleware(middleware);
  }

  return {
    async close() {
      requests.close();
      budget?.close();
      if (owned !== undefined) {
        try {
          await owned.quit();
        } catch {
          owned.disconnect();
        }
      }
    },
  };
}
