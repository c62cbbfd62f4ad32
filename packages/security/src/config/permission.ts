import { uniqueItemsSchema } from '@agentry/core';
import { z } from 'zod';
import { conditionProblems } from '../access/condition-language.js';
import { nameProblem } from '../access/names.js';
import { parseTypedPath } from '../access/typed-path.js';

// A list literal rather than z.enum: the same check and message, and its type has no per-value
// properties that TypeDoc would require documentation for.
const permissionActionSchema = z.literal(['create', 'read', 'update', 'delete']);

/**
 * An identifier of access control (a role, a subject, a policy id): a non-empty string without
 * leading or trailing whitespace, control or invisible characters, and not `__proto__`,
 * `constructor` or `prototype`. Identifiers are compared exactly after NFC normalisation.
 *
 * @internal
 */
export const accessNameSchema = (what: string) =>
  z.string().superRefine((value, context) => {
    const problem = nameProblem(value);
    if (problem === undefined) return;
    context.addIssue({
      code: 'custom',
      message: `${what} ${JSON.stringify(value.slice(0, 60))} ${problem}.`,
      params: {
        suggestion: `Use a plain name such as "analyst": ${what}s are compared exactly, never trimmed or case-folded.`,
      },
    });
  });

/**
 * An object of names to values that refuses an own `__proto__` key (as `JSON.parse` makes one)
 * instead of letting `z.record` drop it silently; the other reserved names reach the record's own
 * checks. The input side is a plain `unknown`, so the schema stays representable in JSON Schema.
 *
 * @internal
 */
export const guardedRecordSchema = <TValue extends z.ZodType>(what: string, value: TValue) =>
  z
    .unknown()
    .check((context) => {
      const input = context.value;
      if (typeof input !== 'object' || input === null || !Object.hasOwn(input, '__proto__')) return;
      context.issues.push({
        code: 'custom',
        input,
        path: ['__proto__'],
        message: `${what} has the key "__proto__", which reaches an object's prototype.`,
        params: { suggestion: `Remove the "__proto__" key from ${what}.` },
      });
    })
    .pipe(z.record(z.string(), value));

/**
 * One grant of role-based access control: the actions allowed on a resource, optionally only when
 * conditions hold. Access control denies by default, so anything not granted is refused.
 *
 * `resource` is a typed path pattern (`type`, `type:id`, `type:*`, `type:id:...`): segments
 * separated by `:`, each non-empty, without `.`/`..`, whitespace, control or invisible characters,
 * and `*` only as a whole segment, where it matches exactly one segment (`tools:*` matches
 * `tools:search`, never `tools` nor `tools:a:b`). `actions` must list at least one action and no
 * action twice. `conditions` is a MongoDB-style query on the resource's stored attributes, using
 * only the field operators `$eq`, `$ne`, `$lt`, `$lte`, `$gt`, `$gte`, `$in`, `$nin`, `$all`,
 * `$size`, `$regex`, `$options`, `$elemMatch` and `$exists`; a compared value may be
 * `"${principal.id}"` or `"${principal.attributes.<name>}"`, and `ownerOnly: true` is short for
 * `owner: "${principal.id}"`. `id` names the grant in decisions (default `permissions.<index>`);
 * `roles` lists the roles holding it (left out, every principal holds it).
 *
 * @example
 * ```ts
 * import { permissionSchema } from '@agentry/security';
 *
 * permissionSchema.parse({
 *   id: 'own-records',
 *   roles: ['analyst'],
 *   resource: 'records:*',
 *   actions: ['read', 'update'],
 *   conditions: { ownerOnly: true },
 * });
 * ```
 */
export const permissionSchema = z.strictObject({
  /** The grant's policy id, named in decisions and events; unique in the policy. Default `permissions.<index>`. */
  id: accessNameSchema('policy id').optional(),
  /** The roles that hold the grant; left out, every principal holds it. */
  roles: uniqueItemsSchema(accessNameSchema('role'), 'roles')
    .check((context) => {
      if (context.value.length > 0) return;
      context.issues.push({
        code: 'custom',
        input: context.value,
        message: 'roles is empty, so no principal would hold the grant.',
        params: {
          suggestion: 'List the roles holding it, or leave roles out to grant every principal.',
        },
      });
    })
    .optional(),
  /** The typed path pattern the grant applies to, such as `agents`, `tools:*` or `records:r-1`. */
  resource: z.string().superRefine((resource, context) => {
    if (resource.trim() === '') {
      context.addIssue({
        code: 'custom',
        message: 'resource is blank; a permission must name the resource it grants access to.',
        params: { suggestion: 'Name the resource, such as "agents" or "workflows".' },
      });
      return;
    }
    const parsed = parseTypedPath(resource, 'pattern');
    if ('problem' in parsed)
      context.addIssue({
        code: 'custom',
        message: `resource ${JSON.stringify(resource.slice(0, 60))} is not a typed path pattern: ${parsed.problem}.`,
        params: {
          suggestion:
            'Write type[:id[:...]] with non-empty segments and "*" only as a whole segment, such as "tools:*".',
        },
      });
  }),
  /** The actions allowed on the resource: at least one of `create`, `read`, `update`, `delete`, each once. */
  actions: uniqueItemsSchema(permissionActionSchema, 'actions').min(1, {
    error: 'actions must list at least one of create, read, update, delete.',
  }),
  /**
   * A query on the resource's stored attributes that must also hold, such as `{ ownerOnly: true }`
   * or `{ tenant: '${principal.attributes.tenant}' }`.
   */
  conditions: guardedRecordSchema('conditions', z.unknown())
    .superRefine((conditions, context) => {
      for (const problem of conditionProblems(conditions))
        context.addIssue({
          code: 'custom',
          path: problem.path,
          message: `conditions${problem.path.map((part) => `.${part}`).join('')}: ${problem.message}`,
          params: { suggestion: problem.suggestion },
        });
    })
    .optional(),
});

/**
 * One grant of role-based access control; see {@link permissionSchema}.
 *
 * @example
 * ```ts
 * import type { Permission } from '@agentry/security';
 *
 * const permissions: Permission[] = [
 *   { resource: 'agents', actions: ['create', 'read'] },
 *   // Workflows may be changed only by their owner.
 *   { resource: 'workflows', actions: ['update', 'delete'], conditions: { ownerOnly: true } },
 * ];
 * ```
 */
export type Permission = z.infer<typeof permissionSchema>;
