import {
  AgentryError,
  definePlugin,
  services,
  type AgentryPlugin,
  type AuthorizationDecision,
  type AuthorizationPrincipal,
  type AuthorizationRequest,
  type Authorizer,
  type AuditEntry,
  type PluginHost,
  type StateStore,
} from '@agentry/core';
import type { Redis } from 'ioredis';
import {
  compilePolicy,
  createPolicyAuthorizer,
  createRoleDirectory,
  decisionEvent,
  type CompiledPolicy,
  type RoleDirectory,
} from './access/index.js';
import { createApprovals, type ApprovalRequest } from './approvals/index.js';
import type { AuditLog } from './audit/index.js';
import { securityControls } from './compliance/index.js';
import { securityConfigSchema, type SecurityConfig } from './config/index.js';
import { requireEncryptedEndpoints } from './data-protection/config-endpoints.js';
import {
  encryptionOff,
  installEncryption,
  type InstalledEncryption,
  type SecurityKeyOptions,
  type SecurityKeys,
} from './data-protection/install-encryption.js';
import {
  createPolicyReload,
  reseed,
  type ReloadOptions,
  type ReloadReport,
} from './data-protection/policy-reload.js';
import {
  installAudit,
  type InstalledAudit,
  type SecurityAuditOptions,
} from './data-protection/install-audit.js';
import { installMasking } from './data-protection/install-masking.js';
import { requireRuntimePieces } from './data-protection/runtime-pieces.js';
import { installRateLimits } from './limits/index.js';
import type { MaskerOptions } from './masking/index.js';
import { VERSION } from './version.js';

/**
 * Options of {@link security}: what the configuration file cannot hold (live clients and stores).
 *
 * @example
 * ```ts
 * import { security, type SecurityOptions } from '@agentry/security';
 * import { Redis } from 'ioredis';
 *
 * const options: SecurityOptions = {
 *   redis: new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'),
 *   approvals: { allowSelfApproval: false },
 * };
 * export const plugin = security(options);
 * ```
 */
export interface SecurityOptions {
  /**
   * A Redis client the rate limits share across processes (`ioredis`). Without it, limits are
   * kept in this process unless `rateLimiting.redis.url` names a server. The plug-in does not
   * close a client it was given.
   */
  readonly redis?: Redis;
  /**
   * Where role assignments made with `agentry.security.roles` are kept, so that several
   * processes share them and a revocation reaches them all at their next action. In memory by
   * default (this process only), seeded from `accessControl.subjects`.
   */
  readonly roleStore?: StateStore;
  /**
   * Keys for encryption at rest: required when `security.encryption.atRest` is on (start-up fails
   * without them, naming the control), since data must not be written unencrypted while the
   * configuration says it is encrypted.
   */
  readonly keys?: SecurityKeyOptions;
  /**
   * Masking, when `security.dataMasking` is on: which detectors run, per-tenant pseudonyms instead
   * of placeholders, and which kinds of stored entries are masked before they are written
   * (`persisted`, default none: `['agent']` masks conversations and tool arguments at rest).
   */
  readonly masking?: MaskerOptions & {
    /** The kinds of stored entries masked before they are written (default none). */
    readonly persisted?: readonly string[];
  };
  /**
   * The tamper-evident audit log: required when `security.auditLogging` is on (start-up fails
   * without it, naming the control).
   */
  readonly audit?: SecurityAuditOptions;
  /** Approvals of destructive tool calls. */
  readonly approvals?: {
    /** Whether the principal a call acts for may approve it (default `false`: four eyes). */
    readonly allowSelfApproval?: boolean;
    /** How long a request waits at most, in milliseconds; the tool's timeout bounds it anyway. */
    readonly expiresAfterMs?: number;
  };
}

/**
 * What `agentry.security` offers once the plug-in is installed.
 *
 * @example
 * ```ts
 * import type { Agentry } from '@agentry/core';
 * import '@agentry/security';
 *
 * declare const agentry: Agentry;
 * await agentry.security.roles.assign('alice', 'member');
 * const { decision } = await agentry.security.authorize({
 *   principal: { id: 'alice' },
 *   action: 'read',
 *   resource: { type: 'records', id: 'r-1', attributes: { owner: 'alice' } },
 * });
 * console.log(decision, agentry.security.approvals.pending().length);
 * ```
 */
export interface SecurityApi {
  /**
   * Decides one request with the instance's policy, as `services.authorizer` does (and emits its
   * decision event).
   *
   * @throws AgentryError `config_invalid` when access control is off (`accessControl.rbac` is
   *   `false`, or the configuration has no `security` section)
   */
  authorize(request: AuthorizationRequest): Promise<AuthorizationDecision>;
  /**
   * Replaces the running access-control policy (`permissions`, `subjects`,
   * `decisionCacheTtlMs`) with the new section's, from the next decision on. An invalid section,
   * or one that changes anything else (which needs a restart), is refused and the running
   * configuration kept; every attempt is audited (`configuration.reload`).
   *
   * @throws AgentryError `config_invalid` for a refused section (the running one is kept);
   *   `permission_denied` when the principal may not `update` `config`
   */
  reload(section: unknown, options?: ReloadOptions): Promise<ReloadReport>;
  /**
   * Key operations (list, rotate, re-encrypt, retire).
   *
   * @throws AgentryError `config_invalid` from each method when encryption at rest is off
   */
  readonly keys: SecurityKeys;
  /**
   * The tamper-evident audit log (`verify`, `checkpoint`, `proveInclusion`, ...) when
   * `security.auditLogging` is on; `undefined` otherwise.
   */
  readonly auditLog: AuditLog | undefined;
  /** Role assignments, read at every decision: a revocation holds from the next action on. */
  readonly roles: RoleDirectory;
  /** Destructive tool calls waiting for a person. */
  readonly approvals: {
    /** The requests waiting now, oldest first. */
    pending(): ApprovalRequest[];
    /**
     * Approves a request; the approver must be allowed the call's action by the same policy.
     *
     * @throws AgentryError `permission_denied` for an approver the policy refuses (or the
     *   requester, unless self-approval is allowed); `not_found` for an unknown or settled id
     */
    approve(id: string, approver: AuthorizationPrincipal): Promise<void>;
    /**
     * Denies a request: the call is refused and its tool never runs.
     *
     * @throws AgentryError as `approve` does
     */
    deny(id: string, approver: AuthorizationPrincipal, reason?: string): Promise<void>;
  };
}

/**
 * Creates the security plug-in. With a `security` section whose `accessControl.rbac` is `true`, it
 * provides the instance's authorizer (`services.authorizer`): agents, workflows and realtime then
 * ask it at every send, tool call, start, resume and subscription, and deny by default. Calls of
 * destructive tools wait for an approver. With `rateLimiting.enabled`, turns are held to the
 * configured rate per user (or session, agent, model), in this process or, with Redis, across
 * every process that shares it. Every decision is an event on `agentry.events$` (monitoring turns
 * them into telemetry and its audit trail records them). See the security guide.
 *
 * Data protection (see the data-protection guide): with `encryption.atRest`, every store the
 * instance hands out is encrypted with keys from `options.keys`; with `encryption.inTransit`, a
 * plain endpoint off loopback in the configuration fails start-up; with `dataMasking`, the
 * instance's masker (`services.masker`) hides secrets and personal data in logs, spans, realtime
 * events and audit entries; with `auditLogging`, a hash-chained audit log signed at checkpoints
 * (`options.audit`) records every security-relevant action. A section asking for a piece the
 * options do not give fails start-up with `compliance_failed`, naming the controls.
 *
 * Without the section nothing runs and nothing is claimed: when another plug-in switches SOC 2 or
 * GDPR on, every control reading the section fails as "not set".
 *
 * @example
 * ```ts
 * import { createAgentry, loadConfiguration } from '@agentry/core';
 * import { security } from '@agentry/security';
 *
 * // agentry.config.json holds the core sections and a "security" section with rbac on.
 * const agentry = await createAgentry({
 *   config: await loadConfiguration('agentry.config.json'),
 *   plugins: [security()],
 * });
 * await agentry.security.roles.assign('alice', 'member');
 * const agent = agentry.createAgent({ context: { permissions: ['tools:*'] } });
 * const { text } = await agent.send('What is on my list?', { principal: { id: 'alice' } }).result;
 * console.log(text);
 * ```
 */
export function security(options: SecurityOptions = {}): AgentryPlugin<SecurityConfig> {
  return definePlugin({
    name: '@agentry/security',
    version: VERSION,
    // Released together with core (one fixed version group), so it needs core's same minor.
    requires: { '@agentry/core': `^${VERSION}` },
    // Optional: without the section the plug-in switches no framework on and claims nothing.
    config: { key: 'security', schema: securityConfigSchema, required: false },
    compliance: { controls: securityControls },
    async setup(host) {
      host.extend('security', await install(host, options));
    },
  });
}

async function install(
  host: PluginHost<SecurityConfig>,
  options: SecurityOptions,
): Promise<SecurityApi> {
  let section = host.section as SecurityConfig | undefined;
  const accessControl = section?.accessControl;
  const policy = accessControl?.rbac === true ? compilePolicy(accessControl) : undefined;
  // Whatever sink stands when the entry is written (this plug-in's log, or another's).
  const audit = (entry: Omit<AuditEntry, 'at'>): Promise<void> =>
    host.lookup(services.auditSink)?.append({ at: new Date().toISOString(), ...entry }) ??
    Promise.resolve();
  requireRuntimePieces(section, options);
  if (section?.encryption.inTransit === true) requireEncryptedEndpoints(host.config);
  const encryption: InstalledEncryption | undefined =
    section?.encryption.atRest === true && options.keys !== undefined
      ? await installEncryption(host, section.encryption, options.keys, {
          authorizer: () => host.lookup(services.authorizer),
          audit,
        })
      : undefined;
  if (section?.dataMasking === true) installMasking(host, options.masking);
  const roles = createRoleDirectory({
    ...(policy ? { seed: policy.subjects } : {}),
    ...(options.roleStore ? { store: options.roleStore } : {}),
  });
  const decide = (compiled: CompiledPolicy) =>
    createPolicyAuthorizer({
      policy: compiled,
      roles,
      // The event goes only to `events$` subscribers (monitoring and the audit trail subscribe
      // while they run), so with none it is not built: no copy of the decision, no trace lookup.
      // `hasSubscribers` is asked at each decision, so a subscriber added later gets every
      // decision from then on.
      onDecision: ({ request, decision, at }) => {
        if (host.hasSubscribers())
          host.emit(decisionEvent(request, decision, { at, ...traceOf(host, request) }));
      },
    });
  // The running policy's authorizer; a reload replaces it, and the next decision uses the new one.
  let running = policy;
  let current: Authorizer | undefined = policy && decide(policy);
  const authorizer: Authorizer | undefined = current && {
    authorize: (request) => current!.authorize(request),
  };
  if (authorizer) host.provide(services.authorizer, authorizer);
  const reload = createPolicyReload({
    current: () => section,
    authorizer: () => host.lookup(services.authorizer),
    audit,
    async apply(next) {
      if (running === undefined) throw accessControlOff();
      const compiled = compilePolicy(next.accessControl);
      await reseed(roles, running.subjects, compiled.subjects);
      running = compiled;
      current = decide(compiled);
      section = next;
    },
  });
  const approvals = createApprovals({
    authorizer: () => host.lookup(services.authorizer),
    emit: (event) => host.emit(event),
    masker: () => host.lookup(services.masker),
    ...(options.approvals?.allowSelfApproval === undefined
      ? {}
      : { allowSelfApproval: options.approvals.allowSelfApproval }),
    ...(options.approvals?.expiresAfterMs === undefined
      ? {}
      : { expiresAfterMs: options.approvals.expiresAfterMs }),
  });
  // Destructive calls wait for a person only where someone can be checked to approve them.
  if (policy) host.useToolMiddleware(approvals.middleware);
  // After the approvals: a destructive call is recorded once approved, just before it runs.
  const auditLog: InstalledAudit | undefined =
    section?.auditLogging === true && options.audit !== undefined
      ? installAudit(
          host,
          options.audit,
          encryption && ((store) => encryption.wrap(store, 'audit-keys')),
        )
      : undefined;
  const limits = accessControl
    ? installRateLimits(host, accessControl.rateLimiting, {
        ...(options.redis ? { redis: options.redis } : {}),
        emit: (event) => host.emit(event),
      })
    : undefined;
  host.onShutdown(async () => {
    approvals.close();
    await limits?.close();
    await auditLog?.close();
    await encryption?.close();
  });
  return {
    reload,
    keys: encryption?.keys ?? encryptionOff(),
    auditLog: auditLog?.log,
    authorize(request) {
      return authorizer === undefined
        ? Promise.reject(accessControlOff())
        : authorizer.authorize(request);
    },
    roles,
    approvals: {
      pending: () => approvals.pending(),
      approve: (id, approver) => approvals.approve(id, approver),
      deny: (id, approver, reason) => approvals.deny(id, approver, reason),
    },
  };
}

/** The trace a decision happened in: the request's own, else the propagator's current one. */
function traceOf(host: PluginHost, request: AuthorizationRequest): { traceId?: string } {
  const given = request.context?.traceId;
  if (typeof given === 'string') return { traceId: given };
  const traceparent = host.lookup(services.contextPropagator)?.capture()?.traceparent;
  const traceId = traceparent?.split('-')[1];
  return traceId && /^[0-9a-f]{32}$/.test(traceId) ? { traceId } : {};
}

function accessControlOff(): AgentryError {
  return new AgentryError({
    code: 'config_invalid',
    message:
      'Access control is off (security.accessControl.rbac is not true), so there is no policy to decide with.',
    details: { path: ['security', 'accessControl', 'rbac'] },
    suggestions: ['Set security.accessControl.rbac to true and list the permissions it grants.'],
  });
}

declare module '@agentry/core' {
  interface PluginSections {
    /** The `security` section, validated by `@agentry/security`. */
    security: SecurityConfig;
  }
  interface AgentryExtensions {
    /** Access control, role assignments and approvals (`@agentry/security`). */
    security: SecurityApi;
  }
}
