/**
 * Authorization benchmark (`@agentry/security`), against the target of the access-control work:
 * one decision of `createPolicyAuthorizer` on a 200-rule policy with conditions takes at most 5 µs
 * (median).
 *
 * The policy: 200 permissions over 20 roles and 10 resource types (20 grants each), every one with
 * a condition on two stored attributes (half `ownerOnly`, half a tenant placeholder filled from the
 * principal, each with its own `project`). Two principals, both through the role directory:
 * - the target: alice holds 2 of the 20 roles (20 of the 200 rules), 2 of them on the request's
 *   resource type, and the grant that allows is the second CASL tries, so two conditions are
 *   evaluated;
 * - a stress case, for information: alice holding all 20 roles (all 200 rules), 20 on the request's
 *   type, and the allowing grant is the last CASL tries, so 19 conditions fail first.
 * The decision cache is off (TTL 0, the default), so each call reads the directory, checks the
 * request, copies the stored attributes and asks the engine.
 *
 * Floors measured in the same run: (a) an awaited no-op authorizer returning a constant decision
 * (what any asynchronous `Authorizer` costs its caller); (b) the engine alone: CASL's
 * `relevantRuleFor` on an ability holding the same rules, on a prebuilt subject, for each case.
 *
 * Method: batches of 2,000 decisions rotate between all of them, each batch records the mean per
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
const directory = createRoleDirectory({ seed: { alice: ['role-0', 'role-1'] } });
const authorizer = createPolicyAuthorizer({ policy, roles: directory });
// The stress case: the same policy, with alice holding every role.
const stressed = createPolicyAuthorizer({
  policy,
  roles: createRoleDirectory({ seed: { alice: roles } }),
});

// type-0 holds grants 0 to 19; grant-0 (role-0), defined first, is the last CASL tries (later
// rules win): grant-1, or in the stress case grants 19 to 1, are tried and fail before it.
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

// The engine alone: the rules CASL holds for each principal (placeholders filled), checked directly.
type Subject = Record<string, unknown>;
const engineFor = (held: readonly string[]): MongoAbility<[string, Subject | string]> =>
  createMongoAbility<MongoAbility<[string, Subject | string]>>(
    permissions
      .map((permission, index) => ({ permission, index }))
      .filter(({ permission }) => held.includes(permission.roles![0]!))
      .map(({ permission, index }) => ({
        action: [...permission.actions],
        subject: `${typeOf(index)}/2`,
        conditions:
          index % 2 === 0
            ? { owner: 'alice', project: `p-${index}` }
            : { tenant: 't-1', project: `p-${index}` },
      })) as never,
    { anySubjectType: '*', detectSubjectType: (subject) => subject['kind'] as string },
  );
const engines = { target: engineFor(['role-0', 'role-1']), stress: engineFor(roles) };
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

function engineChecks(engine: MongoAbility<[string, Subject | string]>, count: number): number {
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1)
    if (engine.relevantRuleFor('read', subject) === null) throw new Error('engine denied');
  return Number(process.hrtime.bigint() - started) / 1000 / count;
}

const BATCH = 2_000;
const batches = Number(process.env['BENCH_BATCHES'] ?? 40);
const series = {
  target: () => decisions(authorizer, BATCH, 'allow'),
  denied: () => decisions(authorizer, BATCH, 'deny', denied),
  stress: () => decisions(stressed, BATCH, 'allow'),
  noop: () => decisions(noop, BATCH, 'allow'),
  engineTarget: () => Promise.resolve(engineChecks(engines.target, BATCH)),
  engineStress: () => Promise.resolve(engineChecks(engines.stress, BATCH)),
};
const times = Object.fromEntries(
  Object.keys(series).map((name) => [name, [] as number[]]),
) as Record<keyof typeof series, number[]>;
for (let warm = 0; warm < 10; warm += 1) for (const run of Object.values(series)) await run();
for (let batch = 0; batch < batches; batch += 1)
  for (const [name, run] of Object.entries(series))
    times[name as keyof typeof series].push(await run());

const figure = (name: keyof typeof series) => median(times[name]);
const decision = figure('target');
const rows = [
  [
    'decision, 200-rule policy, 2 conditions (median, µs)',
    decision.toFixed(2),
    '<= 5',
    decision <= 5,
  ],
  ['  denied decision, same principal (median, µs)', figure('denied').toFixed(2), '', true],
  ['  floor: awaited no-op authorizer (median, µs)', figure('noop').toFixed(2), '', true],
  ['  floor: CASL alone, same rules (median, µs)', figure('engineTarget').toFixed(2), '', true],
  [
    '  beyond both floors (median, µs)',
    (decision - figure('noop') - figure('engineTarget')).toFixed(2),
    '',
    true,
  ],
  [
    'stress: all 200 rules held, 20 conditions (median, µs)',
    figure('stress').toFixed(2),
    'information',
    true,
  ],
  ['  floor: CASL alone, same rules (median, µs)', figure('engineStress').toFixed(2), '', true],
] as const;
for (const [name, value, target, ok] of rows)
  console.log(`${ok ? 'ok  ' : 'MISS'} ${name.padEnd(56)} ${value.padStart(10)}  ${target}`);
if (rows.some(([, , , ok]) => !ok)) process.exitCode = 1;
