import { AgentryError } from '../errors/index.js';
import type { AuditSink } from './audit-sink.js';
import type { ContextPropagator } from './context-propagator.js';
import type { Logger } from './logger.js';

/**
 * A typed key of a service plug-ins share: the id names it, the type parameter is what a provider
 * must implement and what a consumer gets. Core declares its own in {@link services}; a plug-in may
 * declare more with {@link defineServiceKey}.
 *
 * @example
 * ```ts
 * import { defineServiceKey, type ServiceKey } from '@agentry/core';
 *
 * interface Clock { now(): number }
 * const clockKey: ServiceKey<Clock> = defineServiceKey<Clock>('acme.clock');
 * console.log(clockKey.id);
 * ```
 */
export interface ServiceKey<TService> {
  /** The service's id, unique in an Agentry instance, such as `agentry.masker`. */
  readonly id: string;
  /** @internal Carries the service's type; never set. */
  readonly __service?: (service: TService) => TService;
}

/**
 * Declares a service key.
 *
 * @example
 * ```ts
 * import { defineServiceKey } from '@agentry/core';
 *
 * export const rateLimiterKey = defineServiceKey<{ consume(key: string): Promise<boolean> }>('acme.rate-limiter');
 * ```
 */
export function defineServiceKey<TService>(id: string): ServiceKey<TService> {
  return Object.freeze({ id });
}

/**
 * Where a value to mask is going, so that a masker can choose what to hide.
 *
 * @example
 * ```ts
 * import type { MaskContext } from '@agentry/core';
 *
 * const context: MaskContext = { purpose: 'log', agentId: 'a-1', field: 'tool.input' };
 * console.log(context.purpose);
 * ```
 */
export interface MaskContext {
  /**
   * What the value is for: a log line, a span or metric attribute, an event, an error, an alert,
   * or a record about to be stored (`storage`).
   */
  readonly purpose: 'log' | 'telemetry' | 'event' | 'error' | 'alert' | 'storage';
  /** The tenant the value belongs to, when known (pseudonyms are kept apart per tenant). */
  readonly tenant?: string;
  /** The agent the value belongs to, when known. */
  readonly agentId?: string;
  /** The workflow run the value belongs to, when known. */
  readonly runId?: string;
  /** Where in the record the value sits, such as `tool.input`. */
  readonly field?: string;
}

/**
 * Masks one stream of text (a message streamed token by token) whose secrets may be split across
 * chunks: `push` returns what is safe to send now and holds back the tail that could still be the
 * start of a secret; `flush` returns the rest, masked, when the stream ends.
 *
 * @example
 * ```ts
 * import type { MaskStream } from '@agentry/core';
 *
 * declare const stream: MaskStream;
 * const out = stream.push('my key is sk-') + stream.push('ant-...') + stream.flush();
 * console.log(out);
 * ```
 */
export interface MaskStream {
  /** Takes the next chunk; returns the masked text that can be sent now (maybe `''`). */
  push(chunk: string): string;
  /** Ends the stream; returns the masked remainder. */
  flush(): string;
}

/**
 * Hides secrets and personal data in text and values before they leave the process. Security
 * provides it (`services.masker`); monitoring calls it on every log line and exported attribute.
 *
 * @example
 * ```ts
 * import { definePlugin, services, type Masker } from '@agentry/core';
 *
 * const emails: Masker = {
 *   mask: <T>(value: T): T =>
 *     (typeof value === 'string' ? value.replace(/[\w.+-]+@[\w.-]+/g, '[email]') : value) as T,
 * };
 * export const maskEmails = () =>
 *   definePlugin({ name: 'agentry-plugin-mask-emails', version: '1.0.0', setup: (host) => host.provide(services.masker, emails) });
 * ```
 */
export interface Masker {
  /**
   * Returns the value with what must not leave the process masked: a string masked in place, a
   * JSON-like value copied with its strings masked. Never throws on a value it does not know.
   */
  mask<T>(value: T, context: MaskContext): T;
  /**
   * Starts masking one text stream, for text sent in chunks (realtime token deltas). Without it,
   * callers mask each chunk on its own, which cannot catch a secret split across chunks.
   */
  stream?(context: MaskContext): MaskStream;
}

/**
 * Who acts in an {@link AuthorizationRequest}: a user, a service account, or an agent acting on
 * its own. Its id is what role assignments and ownership conditions compare against.
 *
 * @example
 * ```ts
 * import type { AuthorizationPrincipal } from '@agentry/core';
 *
 * const user: AuthorizationPrincipal = { id: 'user-42', kind: 'user', roles: ['analyst'] };
 * console.log(user.id);
 * ```
 */
export interface AuthorizationPrincipal {
  /** The principal's id (a user id, a service account name, an agent id); compared exactly. */
  readonly id: string;
  /** What it is; `user` when left out. */
  readonly kind?: 'user' | 'service' | 'agent';
  /**
   * Roles the caller vouches for (from a verified token, say), added to those an authorizer
   * assigns itself. Roles an authorizer assigns are looked up at every decision, so revoking one
   * takes effect at the next action; roles given here hold for the calls they are given to.
   */
  readonly roles?: readonly string[];
  /** Its other attributes (a tenant, a department), for attribute-based rules. */
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/**
 * One question to an {@link Authorizer}: may this principal do this action to this resource?
 *
 * Core and Agentry's packages ask with `action` one of the specification's actions (`create`,
 * `read`, `update`, `delete`), `resource.type` one of the typed paths' types (`agents`, `tools`,
 * `workflows`, `runs`, `channels`, `config`, `keys`) and `context.operation` naming the operation
 * (`tool.call`, `agent.send`, `workflow.start`, `workflow.resume`, `channel.read`, ...):
 *
 * | Operation | Action | Resource |
 * | --- | --- | --- |
 * | `agent.send` | `update` | `agents:<agent id>` |
 * | `tool.call` | the tool's `access` (`read` unless set; `delete` for a destructive tool) | `tools:<tool name>` |
 * | `tool.approve` (`@agentry/security`'s approvals) | `update` | `approvals:<tool name>` (attributes: the call's `action`, `requestedBy`) |
 * | `workflow.start` | `create` | `workflows:<workflow id>` |
 * | `workflow.resume` | `update` | `runs:<run id>` |
 * | `channel.read`, `channel.create`, `channel.append`, `channel.delete` | `read`, `create`, `update`, `delete` | `channels:<name>` |
 * | `run.cancel` | `update` | `channels:<name>` |
 *
 * @example
 * ```ts
 * import type { AuthorizationRequest } from '@agentry/core';
 *
 * const request: AuthorizationRequest = {
 *   principal: { id: 'user-42', roles: ['analyst'] },
 *   action: 'delete',
 *   resource: { type: 'tools', id: 'delete_order', attributes: { destructive: true } },
 *   agent: { id: 'a-1', permissions: ['tools:*'] },
 *   context: { operation: 'tool.call', runId: 'r-1' },
 * };
 * console.log(request.action);
 * ```
 */
export interface AuthorizationRequest {
  /** Who acts: a user, a service, or an agent on its own. */
  readonly principal: AuthorizationPrincipal;
  /** What it does: `create`, `read`, `update` or `delete` (see the table above). */
  readonly action: string;
  /** What it acts on, with its stored attributes. */
  readonly resource: {
    /** The kind of resource: `agents`, `tools`, `workflows`, `runs`, `channels`, `config`, `keys`, or an application's own. */
    readonly type: string;
    /** Which one, when the action is on one resource. */
    readonly id?: string;
    /**
     * Its stored attributes (owner, tenant, labels), read from where the resource is kept, never
     * from the request being authorized; conditions are evaluated on these.
     */
    readonly attributes?: Readonly<Record<string, unknown>>;
  };
  /**
   * The agent acting for the principal, when an agent acts: its `ExecutionContext.permissions`
   * bound what it may do for its user, on top of what the principal may do.
   */
  readonly agent?: {
    /** The agent's id. */
    readonly id: string;
    /** The agent's execution-context permissions. */
    readonly permissions: readonly string[];
  };
  /**
   * Anything else the policy or the audit may use: `operation`, `runId`, `toolCallId`,
   * `traceId`, the time.
   */
  readonly context?: Readonly<Record<string, unknown>>;
}

/**
 * An {@link Authorizer}'s answer.
 *
 * @example
 * ```ts
 * import type { AuthorizationDecision } from '@agentry/core';
 *
 * const denied: AuthorizationDecision = { decision: 'deny', reasons: ['no rule allows delete on tools:drop_table'], policyIds: [] };
 * console.log(denied.decision);
 * ```
 */
export interface AuthorizationDecision {
  /** Allowed or denied. */
  readonly decision: 'allow' | 'deny';
  /** Why, in words a log or an error can carry. */
  readonly reasons: readonly string[];
  /** The policies that decided. */
  readonly policyIds: readonly string[];
}

/**
 * A policy-decision point. Security provides it (`services.authorizer`); agents, workflows and
 * realtime call it at every action (see {@link AuthorizationRequest} for what they ask), and deny
 * when it denies or throws. Without one, nothing is asked and nothing is refused.
 *
 * @example
 * ```ts
 * import { definePlugin, services, type Authorizer } from '@agentry/core';
 *
 * const adminsOnly: Authorizer = {
 *   authorize: async ({ principal }) =>
 *     principal.roles?.includes('admin')
 *       ? { decision: 'allow', reasons: ['admin'], policyIds: ['admins-only'] }
 *       : { decision: 'deny', reasons: ['not an admin'], policyIds: ['admins-only'] },
 * };
 * export const admins = () =>
 *   definePlugin({ name: 'agentry-plugin-admins', version: '1.0.0', setup: (host) => host.provide(services.authorizer, adminsOnly) });
 * ```
 */
export interface Authorizer {
  /** Decides one request. */
  authorize(request: AuthorizationRequest): Promise<AuthorizationDecision>;
}

/**
 * The service keys core declares: plug-ins provide and consume these without importing each other.
 *
 * @example
 * ```ts
 * import { services, type Agentry } from '@agentry/core';
 *
 * declare const agentry: Agentry;
 * const masker = agentry.services.lookup(services.masker);
 * console.log(masker ? masker.mask('mail me at a@b.example', { purpose: 'log' }) : 'no masker installed');
 * ```
 */
export const services = Object.freeze({
  /** Masks secrets and personal data (security provides it). */
  masker: defineServiceKey<Masker>('agentry.masker'),
  /** Decides whether an action is allowed (security provides it). */
  authorizer: defineServiceKey<Authorizer>('agentry.authorizer'),
  /**
   * The structured logger (monitoring provides one on pino). Plug-ins log through `host.logger`,
   * which writes to it once provided and to core's default (see `createConsoleLogger`) until then.
   */
  logger: defineServiceKey<Logger>('agentry.logger'),
  /** Where audit entries go (monitoring provides a simple one; security a tamper-evident one). */
  auditSink: defineServiceKey<AuditSink>('agentry.audit-sink'),
  /** Carries trace context across workflow steps and resumes (the OpenTelemetry preset provides it). */
  contextPropagator: defineServiceKey<ContextPropagator>('agentry.context-propagator'),
});

/**
 * The services of an Agentry instance, as `agentry.services`; plug-ins use the same methods on
 * their host.
 *
 * @example
 * ```ts
 * import { services, type Agentry, type ServiceLookup } from '@agentry/core';
 *
 * declare const agentry: Agentry;
 * const lookup: ServiceLookup = agentry.services;
 * const decision = await lookup
 *   .require(services.authorizer)
 *   .authorize({ principal: { id: 'user-42' }, action: 'create', resource: { type: 'workflows', id: 'order-review' } });
 * console.log(decision.decision);
 * ```
 */
export interface ServiceLookup {
  /** The service's provider, or `undefined` when no plug-in provides it. */
  lookup<TService>(key: ServiceKey<TService>): TService | undefined;
  /**
   * The service's provider.
   *
   * @throws AgentryError `plugin_missing` when no plug-in provides it
   */
  require<TService>(key: ServiceKey<TService>): TService;
}

/** @internal */
export interface ServiceRegistry extends ServiceLookup {
  provide<TService>(
    key: ServiceKey<TService>,
    service: TService,
    plugin: string,
    options?: { readonly fallback?: boolean },
  ): void;
}

/** @internal */
export function createServiceRegistry(): ServiceRegistry {
  const provided = new Map<string, { service: unknown; plugin: string; fallback: boolean }>();
  return {
    provide(key, service, plugin, options) {
      if (typeof key?.id !== 'string' || key.id.length === 0) {
        throw new AgentryError({
          code: 'validation_failed',
          message: `Plug-in ${plugin} provides a service under ${JSON.stringify(key)}, which is not a service key.`,
          details: { plugin },
          suggestions: [
            'Pass a key from services (services.masker) or one made by defineServiceKey().',
          ],
        });
      }
      if (service === undefined || service === null) {
        throw new AgentryError({
          code: 'validation_failed',
          message: `Plug-in ${plugin} provides ${String(service)} as the service ${key.id}.`,
          details: { plugin, service: key.id },
          suggestions: [`Pass the object implementing ${key.id}.`],
        });
      }
      const fallback = options?.fallback === true;
      const owner = provided.get(key.id);
      // A fallback stands only while nothing else is provided: it yields to a later provider and
      // is not used when one is there already.
      if (owner !== undefined && fallback) return;
      if (owner !== undefined && !owner.fallback) {
        throw new AgentryError({
          code: 'plugin_duplicate',
          message: `Plug-in ${plugin} provides the service ${key.id}, but ${owner.plugin} already does.`,
          details: { service: key.id, plugin, owner: owner.plugin },
          suggestions: [
            `Install only one of ${owner.plugin} and ${plugin}, or switch the service off in one's options.`,
          ],
        });
      }
      provided.set(key.id, { service, plugin, fallback });
    },
    lookup: <TService>(key: ServiceKey<TService>) =>
      provided.get(key.id)?.service as TService | undefined,
    require<TService>(key: ServiceKey<TService>): TService {
      const entry = provided.get(key.id);
      if (entry !== undefined) return entry.service as TService;
      throw new AgentryError({
        code: 'plugin_missing',
        message: `No plug-in provides the service ${key.id}.`,
        details: { service: key.id, provided: [...provided.keys()] },
        suggestions: [
          key.id === services.masker.id || key.id === services.authorizer.id
            ? 'Install @agentry/security and add security() to plugins.'
            : key.id === services.logger.id || key.id === services.auditSink.id
              ? 'Install @agentry/monitoring and add monitoring() to plugins.'
              : `Install the plug-in that provides ${key.id}, or use lookup() and go on without it.`,
        ],
      });
    },
  };
}
