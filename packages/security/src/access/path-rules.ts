/**
 * How typed paths meet the engine. A resource is handed to CASL as one flat null-prototype object:
 * the (safe) copy of its stored attributes, plus the path under keys that start with U+0000
 * (`"\u0000kind"`, `"\u0000length"`, `"\u0000<index>"`), which no attribute can carry (`safeCopy`
 * drops such keys) and no condition can name (condition fields refuse control characters). A
 * pattern compiles to a CASL subject type and a condition on those keys: its first segment and
 * length become the subject type (`tools/2`, so CASL's index picks only rules of the same type and
 * length), a `*` first segment becomes the any-subject type `*` with a condition on the length,
 * and each later segment that is not `*` becomes an equality on its index. A `*` therefore matches
 * exactly one segment: `tools:*` compiles to (`tools/2`, {}), which `tools` (`tools/1`) and
 * `tools:a:b` (`tools/3`) never meet. Keeping conditions flat (no `attributes.` prefix) spares the
 * engine a dotted-path walk per field (about half of a check's cost; bench/authorization.bench.ts).
 *
 * @internal
 */
import { createMongoAbility, type MongoAbility, type MongoQuery } from '@casl/ability';
import type { PathSegments } from './typed-path.js';

/** The actions a grant can name. @internal */
export const crudActions: readonly string[] = ['create', 'read', 'update', 'delete'];

/** The key prefix of the path's entries in a subject; see the module comment. @internal */
export const pathKey = '\u0000';

/** The subject object a decision hands to CASL: attributes and path entries. @internal */
export type ResourceSubject = Readonly<Record<string, unknown>>;

const kindKey = `${pathKey}kind`;
const lengthKey = `${pathKey}length`;
const indexKeys = Array.from({ length: 16 }, (_, index) => `${pathKey}${index}`);
const indexKey = (index: number) => indexKeys[index] ?? `${pathKey}${index}`;

/** A CASL rule of a compiled grant, carrying the grant's policy id. @internal */
export interface PolicyRule {
  readonly action: string[];
  readonly subject: string;
  readonly conditions?: MongoQuery;
  readonly policyId: string;
}

/** The engine's ability over {@link ResourceSubject}s. @internal */
export type PolicyAbility = MongoAbility<[string, ResourceSubject | string]>;

/** The CASL subject type and path condition of a pattern. @internal */
export function patternTarget(segments: PathSegments): {
  subject: string;
  conditions: Record<string, string | number>;
} {
  const [first = '', ...rest] = segments;
  const conditions: Record<string, string | number> = {};
  const subject = first === '*' ? '*' : `${first}/${segments.length}`;
  if (first === '*') conditions[lengthKey] = segments.length;
  rest.forEach((segment, index) => {
    if (segment !== '*') conditions[indexKey(index + 1)] = segment;
  });
  return { subject, conditions };
}

/**
 * The subject object of a concrete path: `attributes` (a fresh null-prototype copy made by
 * `safeAttributes`, which this adds the path entries to).
 *
 * @internal
 */
export function resourceSubject(
  segments: PathSegments,
  attributes: Record<string, unknown>,
): ResourceSubject {
  attributes[kindKey] = `${segments[0]}/${segments.length}`;
  attributes[lengthKey] = segments.length;
  for (let index = 1; index < segments.length; index += 1)
    attributes[indexKey(index)] = segments[index];
  return attributes;
}

/** Builds the engine's ability from compiled rules. @internal */
export function createPolicyAbility(rules: readonly PolicyRule[]): PolicyAbility {
  return createMongoAbility<PolicyAbility>(rules as PolicyRule[] as never, {
    anySubjectType: '*',
    detectSubjectType: (subject) => subject[kindKey] as string,
  });
}
