/**
 * Authorization benchmark (`@agentry/security`), against the target of the access-control work:
 * one decision of `createPolicyAuthorizer` on a 200-rule policy with conditions takes at most 5 µs
 * (median).
 *
 * The policy: 200 permissions over 20 roles and 10 resource types (20 grants each), every one with
 * a condition on two stored attributes (half `ownerOnly`, half a tenant placeholder filled from the
 * principal, each with its own `project`). The principal holds all 20 roles through the role
 * directory, so its ability holds all 200 rules, and the request's resource type has 20 of them:
 * the allowing grant is the one CASL tries last, so the other 19 conditions are evaluated and fail
 * first. The denied request (another project) fails all 20. The decision cache is off (TTL 0, the default), so each
 * call reads the directory, checks the request, copies the stored attributes and asks the engine.
 *
 * Floors measured in the same run: (a) an awaited no-op authorizer returning a constant decision
 * (what any asynchronous `Authorizer` costs its caller), (b) the engine alone: CASL's
 * `relevantRuleFor` on an ability holding the same 200 rules, with a prebuilt subject.
 *
 * Method: batches of 2,000 decisions rotate between the three, each batch records the mean per
 * call, and the figures are medians over batches; the compiled benchmark runs on the built
 * packages under plain `node`.
 */
import type { AuthorizationDecision, AuthorizationRequest, Authorizer } from '@agentry/core';
import {
  compilePolicy,
  createPolicyAuthorizer,
  createRoleDirectory,
  type Permission,
} from '@agentry/security';
import { createMongoAbility, type MongoAbility } from '@casl/ability';
import { median } from './instant-model.js';

const roles = Array.from({ length: 20 }, (_, index) => `role-${index}`);
const typeOf = (index: number) => `type-${Math.floor(index / 20)}`;
const permissions: Permission[] = Array.from({ length: 200 }, (_, index) => ({
  id: `grant-${index}`,
  roles: [roles[index % 20]!],
  resource: `${typeOf(index)}:*`,
  actions: ['read', 'update'],
  conditions:
    index % 2 === 0
      ? { ownerOnly: true, project: `p-${index}` }
      : { tenant: '${principal.attributes.tenant}', project: `p-${index}` },
}));
const policy = compilePolicy({ permissions });
if (policy.policyIds.length !== 200) throw new Error('expected a 200-rule policy');
const directory = createRoleDirectory({ seed: { alice: roles } });
const authorizer = createPolicyAuthorizer({ policy, roles: directory });

// type-0 holds grants 0 to 19; grant-0, defined first, is the last CASL tries (later rules win).
const request: AuthorizationRequest = {
  principal: { id: 'alice', attributes: { tenant: 't-1' } },
  action: 'read',
  resource: {
    type: 'type-0',
    id: 'r-42',
    attributes: { owner: 'alice', tenant: 't-1', project: 'p-0' },
  },
  context: { operation: 'tool.resource' },
};
const denied: AuthorizationRequest = {
  ...request,
  resource: {
    type: 'type-0',
    id: 'r-43',
    attributes: { owner: 'alice', tenant: 't-1', project: 'p-999' },
  },
};

const constant: AuthorizationDecision = {
  decision: 'allow',
  reasons: ['constant'],
  policyIds: ['c'],
};
// eslint-disable-next-line @typescript-eslint/require-await
const noop: Authorizer = { authorize: async () => constant };

// The engine alone: the same 200 rules as CASL sees them for alice, checked directly.
type Subject = Record<string, unknown>;
const engine: MongoAbility<[string, Subject | string]> = createMongoAbility<
  MongoAbility<[string, Subject | string]>
>(
  permissions.map((permission, index) => ({
    action: [...permission.actions],
    subject: `${typeOf(index)}/2`,
    conditions:
      index % 2 === 0
        ? { owner: 'alice', project: `p-${index}` }
        : { tenant: 't-1', project: `p-${index}` },
  })) as never,
  { anySubjectType: '*', detectSubjectType: (subject) => subject['kind'] as string },
);
const subject: Subject = { kind: 'type-0/2', owner: 'alice', tenant: 't-1', project: 'p-0' };

async function decisions(
  target: Authorizer,
  count: number,
  expected: 'allow' | 'deny',
  asked = request,
): Promise<number> {
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) {
    const decision = await target.authorize(asked);
    if (decision.decision !== expected)
      throw new Error(`unexpected ${decision.decision}: ${decision.reasons.join('; ')}`);
  }
  return Number(process.hrtime.bigint() - started) / 1000 / count;
}

function engineChecks(count: number): number {
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1)
    if (engine.relevantRuleFor('read', subject) === null) throw new Error('engine denied');
  return Number(process.hrtime.bigint() - started) / 1000 / count;
}

const BATCH = 2_000;
const batches = Number(process.env['BENCH_BATCHES'] ?? 40);
for (let warm = 0; warm < 20; warm += 1) {
  await decisions(authorizer, BATCH, 'allow');
  await decisions(authorizer, BATCH / 4, 'deny', denied);
  await decisions(noop, BATCH, 'allow');
  engineChecks(BATCH);
}
const measured: number[] = [];
const deniedTimes: number[] = [];
const noopTimes: number[] = [];
const engineTimes: number[] = [];
for (let batch = 0; batch < batches; batch += 1) {
  measured.push(await decisions(authorizer, BATCH, 'allow'));
  deniedTimes.push(await decisions(authorizer, BATCH, 'deny', denied));
  noopTimes.push(await decisions(noop, BATCH, 'allow'));
  engineTimes.push(engineChecks(BATCH));
}

const decision = median(measured);
const rows = [
  ['decision, 200 rules with conditions (median, µs)', decision.toFixed(2), '<= 5', decision <= 5],
  ['  denied decision, same policy (median, µs)', median(deniedTimes).toFixed(2), '', true],
  ['  floor: awaited no-op authorizer (median, µs)', median(noopTimes).toFixed(2), '', true],
  ['  floor: CASL relevantRuleFor alone (median, µs)', median(engineTimes).toFixed(2), '', true],
  [
    '  beyond both floors (median, µs)',
    (decision - median(noopTimes) - median(engineTimes)).toFixed(2),
    '',
    true,
  ],
] as const;
for (const [name, value, target, ok] of rows)
  console.log(`${ok ? 'ok  ' : 'MISS'} ${name.padEnd(50)} ${value.padStart(10)}  ${target}`);
if (rows.some(([, , , ok]) => !ok)) process.exitCode = 1;
