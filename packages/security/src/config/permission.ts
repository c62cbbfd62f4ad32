import { uniqueItemsSchema } from '@agentry/core';
import { z } from 'zod';

// A list literal rather than z.enum: the same check and message, and its type has no per-value
// properties that TypeDoc would require documentation for.
const permissionActionSchema = z.literal(['create', 'read', 'update', 'delete']);

/**
 * One grant of role-based access control: the actions allowed on a resource, optionally only when
 * conditions hold. Access control denies by default, so anything not granted is refused.
 *
 * `resource` must not be blank; `actions` must list at least one action and no action twice.
 *
 * @example
 * ```ts
 * permissionSchema.parse({
 *   resource: 'agents',
 *   actions: ['read', 'update'],
 *   conditions: { ownerOnly: true },
 * });
 * ```
 */
export const permissionSchema = z.strictObject({
  /** The resource the grant applies to, such as `agents` or `workflows`; not blank. */
  resource: z.string().refine((resource) => resource.trim() !== '', {
    error: 'resource is blank; a permission must name the resource it grants access to.',
    params: { suggestion: 'Name the resource, such as "agents" or "workflows".' },
  }),
  /** The actions allowed on the resource: at least one of `create`, `read`, `update`, `delete`, each once. */
  actions: uniqueItemsSchema(permissionActionSchema, 'actions').min(1, {
    error: 'actions must list at least one of create, read, update, delete.',
  }),
  /** Attributes that must also match for the grant to apply, such as `{ ownerOnly: true }`. */
  conditions: z.record(z.string(), z.unknown()).optional(),
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
