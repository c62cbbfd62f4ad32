/**
 * How typed paths meet the engine. A resource is handed to CASL as a subject object
 * `{ kind, path, attributes }`: `kind` is the path's first segment and its length (`tools/2`),
 * `path` holds the segments by index and the length, `attributes` the resource's stored attributes.
 * A pattern compiles to a CASL subject type and a condition on `path`: its first segment and length
 * become the subject type (so CASL's index picks only rules of the same type and length), a `*`
 * first segment becomes the any-subject type `*` with a condition on the length, and each later
 * segment that is not `*` becomes an equality on `path.<index>`. A `*` therefore matches exactly
 * one segment: `tools:*` compiles to (`tools/2`, {}), which `tools` (`tools/1`) and `tools:a:b`
 * (`tools/3`) never meet.
 *
 * @internal
 */
import { createMongoAbility, type MongoAbility, type MongoQuery } from '@casl/ability';
import type { PathSegments } from './typed-path.js';

/** The actions a grant can name. @internal */
export const crudActions: readonly string[] = ['create', 'read', 'update', 'delete'];

/** The subject object a decision hands to CASL. @internal */
export interface ResourceSubject {
  readonly kind: string;
  readonly path: Readonly<Record<string, string | number>>;
  readonly attributes: Readonly<Record<string, unknown>>;
}

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
  if (first === '*') conditions['path.length'] = segments.length;
  rest.forEach((segment, index) => {
    if (segment !== '*') conditions[`path.${index + 1}`] = segment;
  });
  return { subject, conditions };
}

/** The subject object of a concrete path and its (already safe) attributes. @internal */
export function resourceSubject(
  segments: PathSegments,
  attributes: Readonly<Record<string, unknown>>,
): ResourceSubject {
  const path = Object.create(null) as Record<string, string | number>;
  path.length = segments.length;
  segments.forEach((segment, index) => {
    path[index] = segment;
  });
  return { kind: `${segments[0]}/${segments.length}`, path, attributes };
}

/** Builds the engine's ability from compiled rules. @internal */
export function createPolicyAbility(rules: readonly PolicyRule[]): PolicyAbility {
  return createMongoAbility<PolicyAbility>(rules as PolicyRule[] as never, {
    anySubjectType: '*',
    detectSubjectType: (subject) => subject.kind,
  });
}
