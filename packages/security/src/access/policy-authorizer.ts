import {
  AgentryError,
  type AuthorizationDecision,
  type AuthorizationRequest,
  type Authorizer,
  type Clock,
} from '@agentry/core';
import { abilityOf, policyInternals, type CompiledPolicy } from './compile-policy.js';
import { LruMap } from './lru.js';
import { nameProblem, normalizeName, quote } from './names.js';
import {
  createPolicyAbility,
  crudActions,
  patternTarget,
  resourceSubject,
  type PolicyAbility,
  type PolicyRule,
} from './path-rules.js';
import { createRoleDirectory, type RoleDirectory } from './role-directory.js';
import { emptyRecord, safeAttributes } from './safe-copy.js';
import { parseTypedPath, resourcePathOf } from './typed-path.js';

/**
 * What {@link PolicyAuthorizerOptions.onDecision} receives for each decision.
 *
 * @example
 * ```ts
 * import type { DecisionRecord } from '@agentry/security';
 *
 * const log = (record: DecisionRecord) => console.log(record.at, record.decision.decision, record.request.action);
 * log({ request: { principal: { id: 'alice' }, action: 'read', resource: { type: 'tools' } }, decision: { decision: 'deny', reasons: [], policyIds: [] }, at: Date.now() });
 * ```
 */
export interface DecisionRecord {
  /** The request as it was asked. */
  readonly request: AuthorizationRequest;
  /** The decision returned for it. */
  readonly decision: AuthorizationDecision;
  /** When it was decided, from the authorizer's clock (epoch milliseconds with the system clock). */
  readonly at: number;
}

/**
 * Options of {@link createPolicyAuthorizer}.
 *
 * @example
 * ```ts
 * import { compilePolicy, createPolicyAuthorizer, createRoleDirectory, type PolicyAuthorizerOptions } from '@agentry/security';
 *
 * const policy = compilePolicy({ permissions: [{ roles: ['user'], resource: 'tools:*', actions: ['read'] }], decisionCacheTtlMs: 5_000 });
 * const options: PolicyAuthorizerOptions = {
 *   policy,
 *   roles: createRoleDirectory({ seed: policy.subjects }),
 *   cacheTtlMs: 1_000,
 *   onDecision: ({ decision }) => console.log(decision.decision),
 * };
 * const authorizer = createPolicyAuthorizer(options);
 * ```
 */
export interface PolicyAuthorizerOptions {
  /** The policy, from {@link compilePolicy}. */
  readonly policy: CompiledPolicy;
  /**
   * Who holds which roles, read at every decision. Left out, an in-memory directory seeded with
   * the policy's `subjects`; when given, seed it yourself (`createRoleDirectory({ seed:
   * policy.subjects })`).
   */
  readonly roles?: RoleDirectory;
  /**
   * How long a decision is reused, in milliseconds: 0 decides every request afresh. Defaults to
   * the policy's `decisionCacheTtlMs` and may not exceed it.
   */
  readonly cacheTtlMs?: number;
  /** The clock for cache ages and decision times; `now()` in epoch milliseconds. Default `Date.now`. */
  readonly clock?: Pick<Clock, 'now'>;
  /**
   * Called after every decision, allow and deny, before `authorize` resolves (emit the audit
   * event here, with {@link decisionEvent}). If it throws, `authorize` rejects, which callers
   * treat as a denial: a decision that cannot be recorded is not given.
   */
  readonly onDecision?: (record: DecisionRecord) => void;
}

const abilityCapacity = 1_000;
const decisionCapacity = 10_000;
const scopeCapacity = 256;
/** Answers kept per agent scope (action and path pairs). */
const scopeAnswerCapacity = 256;

/** Whether a principal attribute can fill a placeholder: a string, a finite number or a boolean. */
const isScalar = (value: unknown): value is string | number | boolean =>
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value));

/** An own property of the principal's attributes (an inherited value is not the principal's). */
const ownValue = (attributes: unknown, name: string): unknown =>
  typeof attributes === 'object' && attributes !== null && Object.hasOwn(attributes, name)
    ? (attributes as Record<string, unknown>)[name]
    : undefined;

/**
 * A key for the principal attributes placeholders read: strings JSON-quoted, other scalars as
 * text, anything else (which fills no placeholder) as `-`, joined with commas, which a quoted
 * string or a number cannot make ambiguous.
 */
function principalKey(names: readonly string[], attributes: unknown): string {
  let key = '';
  for (const name of names) {
    const value = ownValue(attributes, name);
    key += `${typeof value === 'string' ? JSON.stringify(value) : isScalar(value) ? String(value) : '-'},`;
  }
  return key;
}

/** The principal attributes placeholders read, in a null-prototype object: scalars only. */
function principalValues(names: readonly string[], attributes: unknown): Record<string, unknown> {
  const values = Object.create(null) as Record<string, unknown>;
  for (const name of names) {
    const value = ownValue(attributes, name);
    if (isScalar(value)) values[name] = value;
  }
  return values;
}

const deny = (reason: string): AuthorizationDecision => ({
  decision: 'deny',
  reasons: [reason],
  policyIds: [],
});

/** A decision shared by several callers (from the cache) is frozen, so none can change it for the others. */
const frozen = (decision: AuthorizationDecision): AuthorizationDecision =>
  Object.freeze({
    decision: decision.decision,
    reasons: Object.freeze([...decision.reasons]),
    policyIds: Object.freeze([...decision.policyIds]),
  });

/**
 * Creates core's `Authorizer` deciding with a compiled policy. It denies by default: a request
 * with no valid principal id, an action other than `create`, `read`, `update`, `delete`, a
 * resource that is not a typed path, or that no grant held by the principal allows, is denied with
 * a reason (never a throw). The principal's roles are those of the role directory (read at each
 * decision) and those the request's `principal.roles` vouches for. When the request names an
 * `agent`, the resource must also match one of the agent's `permissions` read as typed path
 * patterns (its scope; an entry that is not a pattern matches nothing). Conditions are read on the
 * resource's stored attributes, copied into null-prototype objects first, so `__proto__` or
 * `constructor` keys in a request change nothing. An allow names the grant that allowed it in
 * `policyIds`; a deny says only that no grant of the action on the path holds for the principal.
 *
 * With a cache age above 0, a decision is reused for the same principal, roles, agent scope,
 * action, path and attributes until it is that old; the roles are read first, so a revoke still
 * applies at once. Per-principal abilities are kept in a bounded LRU.
 *
 * @throws AgentryError `validation_failed` when `policy` was not made by {@link compilePolicy} or
 *   `cacheTtlMs` is negative or above the policy's `decisionCacheTtlMs`; `authorize` rejects with
 *   `validation_failed` only when the request is not an object
 * @example
 * ```ts
 * import { compilePolicy, createPolicyAuthorizer, decisionEvent } from '@agentry/security';
 *
 * const policy = compilePolicy({
 *   permissions: [{ id: 'own-records', roles: ['user'], resource: 'records:*', actions: ['read'], conditions: { ownerOnly: true } }],
 *   subjects: { alice: ['user'], bob: ['user'] },
 * });
 * const authorizer = createPolicyAuthorizer({
 *   policy,
 *   onDecision: ({ request, decision, at }) => console.log(decisionEvent(request, decision, { at })),
 * });
 * const record = { type: 'records', id: 'r-1', attributes: { owner: 'alice' } };
 * await authorizer.authorize({ principal: { id: 'alice' }, action: 'read', resource: record }); // allow
 * await authorizer.authorize({ principal: { id: 'bob' }, action: 'read', resource: record }); // deny
 * ```
 */
export function createPolicyAuthorizer(options: PolicyAuthorizerOptions): Authorizer {
  const policy = policyInternals(options.policy);
  const maxTtl = options.policy.decisionCacheTtlMs;
  const ttl = options.cacheTtlMs ?? maxTtl;
  if (!Number.isFinite(ttl) || ttl < 0 || ttl > maxTtl)
    throw new AgentryError({
      code: 'validation_failed',
      message: `cacheTtlMs ${String(ttl)} is outside 0 to ${maxTtl}, the policy's decisionCacheTtlMs.`,
      details: { cacheTtlMs: ttl, decisionCacheTtlMs: maxTtl },
      suggestions: [
        `Pass a cacheTtlMs from 0 to ${maxTtl}, or raise decisionCacheTtlMs in the accessControl section (at most 60000).`,
      ],
    });
  const directory = options.roles ?? createRoleDirectory({ seed: options.policy.subjects });
  const clock = options.clock ?? { now: () => Date.now() };
  const abilities = new LruMap<string, PolicyAbility>(abilityCapacity);
  const scopes = new LruMap<string, { ability: PolicyAbility; answers: LruMap<string, boolean> }>(
    scopeCapacity,
  );
  const decisions =
    ttl > 0
      ? new LruMap<string, { decision: AuthorizationDecision; expires: number }>(decisionCapacity)
      : undefined;

  /**
   * Whether an agent whose permissions serialize to `key` may do `action` on `path`. The scope's
   * rules come from the permissions alone and are checked on the path alone (no stored
   * attributes), so the answer is a function of the key, the action and the path, kept in a
   * bounded LRU beside the scope's ability: a repeat costs one string and one map lookup instead
   * of a CASL check. The key is the permissions as they are at this decision, so a changed scope is
   * another key and is decided afresh.
   */
  function inScope(
    key: string,
    permissions: readonly unknown[],
    action: string,
    path: readonly string[],
    pathText: string,
  ): boolean {
    let scope = scopes.get(key);
    if (scope === undefined) {
      const rules: PolicyRule[] = [];
      for (const entry of permissions) {
        const pattern = parseTypedPath(entry, 'pattern');
        if ('problem' in pattern) continue;
        const target = patternTarget(pattern.segments);
        rules.push({
          action: [...crudActions],
          subject: target.subject,
          ...(Object.keys(target.conditions).length === 0 ? {} : { conditions: target.conditions }),
          policyId: 'agent-scope',
        });
      }
      scope = { ability: createPolicyAbility(rules), answers: new LruMap(scopeAnswerCapacity) };
      scopes.set(key, scope);
    }
    const question = `${action}\u0000${pathText}`;
    let answer = scope.answers.get(question);
    if (answer === undefined) {
      answer = scope.ability.can(action, resourceSubject(path, emptyRecord()));
      scope.answers.set(question, answer);
    }
    return answer;
  }

  async function decide(
    request: AuthorizationRequest,
    now: number,
  ): Promise<AuthorizationDecision> {
    const principal: unknown = request.principal;
    if (typeof principal !== 'object' || principal === null)
      return deny('the request names no principal');
    const rawId = (principal as { id?: unknown }).id;
    const idProblem = nameProblem(rawId);
    if (idProblem !== undefined) return deny(`the principal id ${idProblem}`);
    const id = normalizeName(rawId as string);
    const action: unknown = request.action;
    if (typeof action !== 'string' || !crudActions.includes(action))
      return deny(
        `unknown action ${quote(action)}: only create, read, update and delete are granted`,
      );
    const resource: unknown = request.resource;
    if (typeof resource !== 'object' || resource === null)
      return deny('the request names no resource');
    const rawPath = resourcePathOf(resource);
    const path = parseTypedPath(rawPath, 'path');
    if ('problem' in path)
      return deny(`the resource path ${quote(rawPath)} is not a typed path: ${path.problem}`);
    const pathText = path.segments.join(':');

    const agent: unknown = request.agent;
    let scopeKey = '';
    if (agent !== undefined) {
      const permissions =
        typeof agent === 'object' && agent !== null
          ? (agent as { permissions?: unknown }).permissions
          : undefined;
      const agentId =
        typeof agent === 'object' && agent !== null ? (agent as { id?: unknown }).id : undefined;
      if (!Array.isArray(permissions))
        return deny(`the agent ${quote(agentId)} has no permissions`);
      scopeKey = JSON.stringify(permissions);
      if (!inScope(scopeKey, permissions, action, path.segments, pathText))
        return deny(`the agent ${quote(agentId)} has no permission covering ${pathText}`);
    }

    // The ability's key is built from the roles as listed, without copying them into a set: a
    // hit (the usual case) then costs one string and one map lookup. Names are free of control
    // characters, so the separators keep the key unambiguous.
    const listed = await directory.list(id);
    const vouched: unknown = (principal as { roles?: unknown }).roles;
    const carried =
      Array.isArray(vouched) && vouched.length > 0
        ? vouched
            .filter((role) => nameProblem(role) === undefined)
            .map((role) => normalizeName(role as string))
            .sort()
        : [];
    const rawAttributes: unknown = (principal as { attributes?: unknown }).attributes;
    const filledKey =
      policy.principalAttributes.length === 0
        ? ''
        : principalKey(policy.principalAttributes, rawAttributes);
    const abilityKey = `${id}\u0000${listed.join('\u0001')}\u0000${carried.join('\u0001')}\u0000${filledKey}`;
    const attributes = safeAttributes((resource as { attributes?: unknown }).attributes);

    let cacheKey: string | undefined;
    if (decisions !== undefined) {
      cacheKey = `${abilityKey}\u0000${scopeKey}\u0000${action}\u0000${pathText}\u0000${JSON.stringify(attributes)}`;
      const cached = decisions.get(cacheKey);
      if (cached !== undefined && cached.expires > now) return cached.decision;
    }

    let ability = abilities.get(abilityKey);
    if (ability === undefined) {
      const held = new Set(carried);
      for (const role of listed) if (nameProblem(role) === undefined) held.add(normalizeName(role));
      const values = principalValues(policy.principalAttributes, rawAttributes);
      ability = abilityOf(policy, { id, attributes: values }, held);
      abilities.set(abilityKey, ability);
    }
    const rule = ability.relevantRuleFor(action, resourceSubject(path.segments, attributes));
    const decision =
      rule === null
        ? deny(`no grant of ${action} on ${pathText} for ${id}`)
        : {
            decision: 'allow' as const,
            reasons: [`${(rule.origin as PolicyRule).policyId} grants ${action} on ${pathText}`],
            policyIds: [(rule.origin as PolicyRule).policyId],
          };
    if (decisions !== undefined && cacheKey !== undefined) {
      const shared = frozen(decision);
      decisions.set(cacheKey, { decision: shared, expires: now + ttl });
      return shared;
    }
    return decision;
  }

  return {
    async authorize(request) {
      if (typeof request !== 'object' || request === null || Array.isArray(request))
        throw new AgentryError({
          code: 'validation_failed',
          message: `authorize() was given ${request === null ? 'null' : Array.isArray(request) ? 'a list' : typeof request}, not a request object.`,
          details: { received: request === null ? 'null' : typeof request },
          suggestions: ['Pass { principal, action, resource } (an AuthorizationRequest).'],
        });
      const at = clock.now();
      const decision = await decide(request, at);
      options.onDecision?.({ request, decision, at });
      return decision;
    },
  };
}
