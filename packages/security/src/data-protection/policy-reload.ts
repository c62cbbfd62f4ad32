import {
  AgentryError,
  requireAuthorization,
  type AuditEntry,
  type AuthorizationPrincipal,
  type Authorizer,
} from '@agentry/core';
import type { RoleDirectory } from '../access/index.js';
import { securityConfigSchema, type SecurityConfig } from '../config/index.js';

/**
 * Options of `agentry.security.reload`.
 *
 * @example
 * ```ts
 * import type { ReloadOptions } from '@agentry/security';
 *
 * const options: ReloadOptions = { principal: { id: 'ops-1', roles: ['admin'] } };
 * console.log(options.principal?.id);
 * ```
 */
export interface ReloadOptions {
  /**
   * Who reloads: with access control on, they need `update` on `config`. Leave it out only for
   * the application's own trusted code (a deploy hook, say).
   */
  readonly principal?: AuthorizationPrincipal;
}

/**
 * What a reload changed.
 *
 * @example
 * ```ts
 * import type { ReloadReport } from '@agentry/security';
 *
 * const report: ReloadReport = { changed: ['security.accessControl.permissions'] };
 * console.log(report.changed);
 * ```
 */
export interface ReloadReport {
  /** The paths whose value changed; empty when the new section equals the running one. */
  readonly changed: readonly string[];
}

/** The parts of the section a running instance can take without a restart. */
const reloadable = ['permissions', 'subjects', 'decisionCacheTtlMs'] as const;

/** @internal What {@link createPolicyReload} needs from the plug-in. */
export interface PolicyReloadInput {
  /** The running section. */
  readonly current: () => SecurityConfig | undefined;
  /** Makes the new section the running one; rejects (config_invalid) when it cannot compile. */
  readonly apply: (next: SecurityConfig) => Promise<void>;
  readonly authorizer: () => Authorizer | undefined;
  /** Appends the reload's audit entry; rejects when it cannot be recorded. */
  readonly audit: (entry: Omit<AuditEntry, 'at'>) => Promise<void>;
}

/**
 * `agentry.security.reload`: validates a new `security` section and, when only the access-control
 * policy changed (`permissions`, `subjects`, `decisionCacheTtlMs`), makes it the running one for
 * the next decision. Anything else changed (encryption, masking, audit, rate limits, `rbac`
 * itself) needs a restart and is refused. An invalid or refused reload keeps the running
 * configuration; every attempt, kept or refused, is audited (`configuration.reload`), and a
 * reload whose audit entry cannot be recorded is not applied.
 *
 * @internal
 */
export function createPolicyReload(
  input: PolicyReloadInput,
): (section: unknown, options?: ReloadOptions) => Promise<ReloadReport> {
  return async (section, options = {}) => {
    const actor = options.principal?.id ?? 'application';
    const authorizer = input.authorizer();
    if (options.principal !== undefined && authorizer !== undefined) {
      await requireAuthorization(authorizer, {
        principal: options.principal,
        action: 'update',
        resource: { type: 'config' },
        context: { operation: 'config.reload', section: 'security' },
      });
    }
    const refuse = async (error: AgentryError): Promise<never> => {
      await input.audit({
        category: 'configuration',
        action: 'configuration.reload',
        actor,
        subject: 'security',
        outcome: 'failed',
        details: { code: error.code, problems: problemPaths(error) },
      });
      throw error;
    };
    const parsed = securityConfigSchema.safeParse(section);
    if (!parsed.success) {
      return refuse(
        new AgentryError({
          code: 'config_invalid',
          message: `The new security section is not valid; the running one is kept: ${parsed.error.issues
            .map((issue) => `security.${issue.path.join('.')}: ${issue.message}`)
            .join('; ')}`,
          details: {
            problems: parsed.error.issues.map((issue) => ['security', ...issue.path].join('.')),
          },
          suggestions: ['Fix the paths named and reload again.'],
        }),
      );
    }
    const next = parsed.data;
    const running = input.current();
    const changed = differences(running, next);
    const fixed = changed.filter(
      (path) => !reloadable.some((part) => path === `security.accessControl.${part}`),
    );
    if (fixed.length > 0) {
      return refuse(
        new AgentryError({
          code: 'config_invalid',
          message: `A reload can change only the access-control policy; ${fixed.join(', ')} changed and need a restart. The running configuration is kept.`,
          details: { problems: fixed },
          suggestions: ['Restart the instance with the new configuration to change these.'],
        }),
      );
    }
    if (changed.length === 0) return { changed };
    try {
      // Compiled (and refused when it does not compile) before anything is swapped.
      await input.apply(next);
    } catch (error) {
      return refuse(
        AgentryError.isInstance(error)
          ? error
          : new AgentryError({
              code: 'config_invalid',
              message: 'The new access-control policy does not compile; the running one is kept.',
              suggestions: ['Check the permissions and subjects.'],
              cause: error,
            }),
      );
    }
    await input.audit({
      category: 'configuration',
      action: 'configuration.reload',
      actor,
      subject: 'security',
      outcome: 'succeeded',
      details: { changed },
    });
    return { changed };
  };
}

function problemPaths(error: AgentryError): unknown {
  const problems = (error.details as { problems?: unknown } | undefined)?.problems;
  return Array.isArray(problems) ? problems : [];
}

/** The top-level and access-control paths whose values differ (compared as JSON). */
function differences(before: SecurityConfig | undefined, after: SecurityConfig): string[] {
  if (before === undefined) return ['security'];
  const changed: string[] = [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of [...keys].sort()) {
    const a = (before as Record<string, unknown>)[key];
    const b = (after as Record<string, unknown>)[key];
    if (key === 'accessControl' && isObject(a) && isObject(b)) {
      const inner = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const part of [...inner].sort()) {
        if (JSON.stringify(a[part]) !== JSON.stringify(b[part])) {
          changed.push(`security.accessControl.${part}`);
        }
      }
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      changed.push(`security.${key}`);
    }
  }
  return changed;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Applies a reload's change of seeded role assignments: new grants assigned, dropped ones revoked. */
/** @internal */
export async function reseed(
  roles: RoleDirectory,
  before: ReadonlyMap<string, readonly string[]>,
  after: ReadonlyMap<string, readonly string[]>,
): Promise<void> {
  for (const [subject, held] of after) {
    const had = new Set(before.get(subject) ?? []);
    for (const role of held) if (!had.has(role)) await roles.assign(subject, role);
  }
  for (const [subject, held] of before) {
    const keeps = new Set(after.get(subject) ?? []);
    for (const role of held) if (!keeps.has(role)) await roles.revoke(subject, role);
  }
}
