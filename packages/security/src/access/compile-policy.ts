import { AgentryError, type ConfigurationIssue } from '@agentry/core';
import type { MongoQuery } from '@casl/ability';
import {
  accessControlConfigSchema,
  type AccessControlConfig,
} from '../config/access-control-config.js';
import {
  desugarConditions,
  fillPlaceholders,
  placeholdersOf,
  type PlaceholderSource,
} from './condition-language.js';
import { normalizeName } from './names.js';
import {
  createPolicyAbility,
  patternTarget,
  type PolicyAbility,
  type PolicyRule,
} from './path-rules.js';
import { parseTypedPath } from './typed-path.js';

/**
 * The part of the `accessControl` section a policy is compiled from: its permissions, and
 * optionally the subjects' starting roles and the decision cache's maximum age. A whole
 * {@link AccessControlConfig} can be passed; its other fields are not read.
 *
 * @example
 * ```ts
 * import { compilePolicy, type PolicySource } from '@agentry/security';
 *
 * const source: PolicySource = {
 *   permissions: [{ roles: ['analyst'], resource: 'records:*', actions: ['read'], conditions: { ownerOnly: true } }],
 *   subjects: { alice: ['analyst'] },
 * };
 * console.log(compilePolicy(source).policyIds); // ['permissions.0']
 * ```
 */
export type PolicySource = Pick<AccessControlConfig, 'permissions'> &
  Partial<Omit<AccessControlConfig, 'permissions'>>;

/**
 * A policy compiled once for the engine (CASL): what `createPolicyAuthorizer` decides with. Its
 * grants are not visible; what it exposes is what tools and tests read.
 *
 * @example
 * ```ts
 * import { compilePolicy, type CompiledPolicy } from '@agentry/security';
 *
 * const policy: CompiledPolicy = compilePolicy({ permissions: [{ id: 'read-tools', resource: 'tools:*', actions: ['read'] }] });
 * console.log(policy.policyIds, policy.decisionCacheTtlMs); // ['read-tools'] 0
 * ```
 */
export interface CompiledPolicy {
  /** The policy ids of its grants, in the order of `permissions`. */
  readonly policyIds: readonly string[];
  /** The roles each subject holds when the policy starts (NFC-normalised), from `subjects`. */
  readonly subjects: ReadonlyMap<string, readonly string[]>;
  /** The longest a decision may be reused, in milliseconds (0: never). */
  readonly decisionCacheTtlMs: number;
}

/** A grant as compiled: its CASL rule before placeholders are filled, and who holds it. */
interface CompiledGrant {
  readonly rule: PolicyRule;
  /** The roles holding it (NFC); `undefined` when every principal does. */
  readonly roles: ReadonlySet<string> | undefined;
  /** Whether its condition names the principal, so the rule differs per principal. */
  readonly personal: boolean;
}

/** What a compiled policy holds, kept out of reach of callers. @internal */
export interface PolicyInternals {
  readonly grants: readonly CompiledGrant[];
  /** Principal attributes that placeholders read, sorted: part of a per-principal ability's key. */
  readonly principalAttributes: readonly string[];
}

const internals = new WeakMap<CompiledPolicy, PolicyInternals>();

/** The grants of a policy made by {@link compilePolicy}. @internal */
export function policyInternals(policy: CompiledPolicy): PolicyInternals {
  const found = internals.get(policy);
  if (found === undefined)
    throw new AgentryError({
      code: 'validation_failed',
      message: 'The policy was not made by compilePolicy.',
      details: { reason: 'unknown policy object' },
      suggestions: ['Pass the value compilePolicy(accessControl) returned.'],
    });
  return found;
}

const sourceSchema = accessControlConfigSchema
  .pick({ permissions: true, subjects: true, decisionCacheTtlMs: true })
  .loose();

function configInvalid(error: {
  issues: readonly { path: PropertyKey[]; message: string; params?: unknown }[];
}): AgentryError {
  const issues: ConfigurationIssue[] = error.issues.map((issue) => {
    const segments = [
      'security',
      'accessControl',
      ...issue.path.map((part) => (typeof part === 'number' ? part : String(part))),
    ];
    const params = (issue.params ?? {}) as { suggestion?: unknown };
    return {
      path: segments.join('.'),
      segments,
      code: 'validation_failed',
      message: issue.message,
      suggestion:
        typeof params.suggestion === 'string'
          ? params.suggestion
          : 'Change the value as the message says.',
    };
  });
  const lines = issues.map((issue) => `  - ${issue.path}: ${issue.message} ${issue.suggestion}`);
  return new AgentryError({
    code: 'config_invalid',
    message: `The access-control policy has ${issues.length === 1 ? '1 problem' : `${issues.length} problems`}:\n${lines.join('\n')}`,
    details: { issues },
    suggestions: [...new Set(issues.map((issue) => issue.suggestion))],
  });
}

/**
 * Compiles the permissions of an `accessControl` section into the engine's rules, once: each
 * permission becomes one CASL rule whose subject type and path condition come from its typed path
 * pattern and whose condition is its `conditions` read on the resource's stored attributes
 * (`ownerOnly: true` becoming `owner: "${principal.id}"`). Identifiers are NFC-normalised and
 * otherwise compared exactly. The policy is checked first with the same schema as the
 * configuration.
 *
 * @param accessControl - the `accessControl` section, or its `permissions` (and `subjects`,
 *   `decisionCacheTtlMs`)
 * @throws AgentryError `config_invalid` listing every problem (a pattern that is not a typed path,
 *   an unknown condition operator, a reserved or padded role or subject name, a repeated policy
 *   id) with its path and a suggestion
 * @example
 * ```ts
 * import { compilePolicy, createPolicyAuthorizer } from '@agentry/security';
 *
 * const policy = compilePolicy({
 *   permissions: [
 *     { id: 'own-records', roles: ['user'], resource: 'records:*', actions: ['read'], conditions: { ownerOnly: true } },
 *     { id: 'any-tool', roles: ['user'], resource: 'tools:*', actions: ['read'] },
 *   ],
 *   subjects: { alice: ['user'] },
 * });
 * const authorizer = createPolicyAuthorizer({ policy });
 * const { decision } = await authorizer.authorize({
 *   principal: { id: 'alice' },
 *   action: 'read',
 *   resource: { type: 'records', id: 'r-1', attributes: { owner: 'alice' } },
 * });
 * console.log(decision); // 'allow'
 * ```
 */
export function compilePolicy(accessControl: PolicySource): CompiledPolicy {
  const parsed = sourceSchema.safeParse(accessControl);
  if (!parsed.success) throw configInvalid(parsed.error);
  const { permissions, subjects = {}, decisionCacheTtlMs = 0 } = parsed.data;
  const principalAttributes = new Set<string>();
  const grants = permissions.map((permission, index): CompiledGrant => {
    const policyId = normalizeName(permission.id ?? `permissions.${index}`);
    const pattern = parseTypedPath(permission.resource, 'pattern');
    // The schema has refused every pattern that does not parse.
    if ('problem' in pattern) throw new Error(`unreachable: ${pattern.problem}`);
    const target = patternTarget(pattern.segments);
    const query = desugarConditions(permission.conditions);
    const placeholders: PlaceholderSource[] = placeholdersOf(query);
    for (const placeholder of placeholders)
      if (placeholder.kind === 'attribute') principalAttributes.add(placeholder.name);
    const conditions: Record<string, unknown> = { ...target.conditions };
    for (const [field, value] of Object.entries(query ?? {})) conditions[field] = value;
    return {
      rule: {
        action: [...permission.actions],
        subject: target.subject,
        ...(Object.keys(conditions).length === 0 ? {} : { conditions: conditions }),
        policyId,
      },
      roles:
        permission.roles === undefined ? undefined : new Set(permission.roles.map(normalizeName)),
      personal: placeholders.length > 0,
    };
  });
  const seeded = new Map<string, string[]>();
  for (const [subject, roles] of Object.entries(subjects)) {
    const id = normalizeName(subject);
    const held = new Set([...(seeded.get(id) ?? []), ...roles.map(normalizeName)]);
    seeded.set(id, [...held].sort());
  }
  const policy: CompiledPolicy = Object.freeze({
    policyIds: Object.freeze(grants.map((grant) => grant.rule.policyId)),
    subjects: seeded,
    decisionCacheTtlMs,
  });
  internals.set(policy, { grants, principalAttributes: [...principalAttributes].sort() });
  return policy;
}

/**
 * The engine's ability of one principal: the rules of the grants it holds (through `roles`, or
 * held by everyone), with placeholders filled from its id and attributes. A grant whose
 * placeholder cannot be filled is left out.
 *
 * @internal
 */
export function abilityOf(
  policy: PolicyInternals,
  principal: { readonly id: string; readonly attributes: Readonly<Record<string, unknown>> },
  roles: ReadonlySet<string>,
): PolicyAbility {
  const rules: PolicyRule[] = [];
  for (const grant of policy.grants) {
    if (grant.roles !== undefined && ![...grant.roles].some((role) => roles.has(role))) continue;
    if (!grant.personal) {
      rules.push(grant.rule);
      continue;
    }
    const conditions = fillPlaceholders(grant.rule.conditions, principal);
    if (conditions === undefined) continue;
    rules.push({ ...grant.rule, conditions: conditions as MongoQuery });
  }
  return createPolicyAbility(rules);
}
