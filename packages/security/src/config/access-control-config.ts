import { z } from 'zod';
import { nameProblem } from '../access/names.js';
import { guardedRecordSchema, permissionSchema } from './permission.js';
import { rateLimitConfigSchema } from './rate-limit-config.js';

/**
 * Who may do what, and how often: role-based access control with its permissions, the roles
 * subjects hold from the start, how long a decision may be reused, and rate limiting.
 *
 * Policy ids (given or defaulted to `permissions.<index>`) must be unique. `subjects` maps subject
 * ids to the roles they hold when the policy starts; its names follow the same rules as roles
 * (non-empty, no surrounding whitespace, not `__proto__`, `constructor` or `prototype`).
 * `decisionCacheTtlMs` is 0 (no cache, the default) to 60000.
 *
 * @example
 * ```ts
 * import { accessControlConfigSchema } from '@agentry/security';
 *
 * accessControlConfigSchema.parse({
 *   rbac: true,
 *   permissions: [{ id: 'read-agents', roles: ['operator'], resource: 'agents:*', actions: ['read'] }],
 *   subjects: { alice: ['operator'] },
 *   decisionCacheTtlMs: 0,
 *   rateLimiting: { enabled: true, requestsPerMinute: 600, burstLimit: 50, penaltyStrategy: 'reject' },
 * });
 * ```
 */
export const accessControlConfigSchema = z.strictObject({
  /** Whether role-based access control is on; when on, only what `permissions` grants is allowed. */
  rbac: z.boolean(),
  /** The grants role-based access control allows; policy ids must be unique. */
  permissions: z.array(permissionSchema).superRefine((permissions, context) => {
    const seen = new Map<string, number>();
    permissions.forEach((permission, index) => {
      const id = (permission.id ?? `permissions.${index}`).normalize('NFC');
      const first = seen.get(id);
      if (first === undefined) {
        seen.set(id, index);
        return;
      }
      context.addIssue({
        code: 'custom',
        path: [index, 'id'],
        message: `policy id ${JSON.stringify(id)} is already the id of permissions.${first}.`,
        params: { suggestion: 'Give each permission its own id, or leave id out.' },
      });
    });
  }),
  /** Subject ids and the roles each holds when the policy starts (more are assigned at run time). */
  subjects: guardedRecordSchema('subjects', z.array(z.string()))
    .superRefine((subjects, context) => {
      for (const [subject, roles] of Object.entries(subjects)) {
        const problem = nameProblem(subject);
        if (problem !== undefined)
          context.addIssue({
            code: 'custom',
            path: [subject],
            message: `subject ${JSON.stringify(subject.slice(0, 60))} ${problem}.`,
            params: {
              suggestion: 'Use the subject id exactly as principals carry it, such as "alice".',
            },
          });
        roles.forEach((role, index) => {
          const roleProblem = nameProblem(role);
          if (roleProblem !== undefined)
            context.addIssue({
              code: 'custom',
              path: [subject, index],
              message: `role ${JSON.stringify(role.slice(0, 60))} ${roleProblem}.`,
              params: {
                suggestion:
                  'Use a plain role name such as "analyst": roles are compared exactly, never trimmed or case-folded.',
              },
            });
        });
      }
    })
    .optional(),
  /**
   * How long, in milliseconds, a decision may be reused for the same principal, roles, action,
   * resource and attributes: 0 (the default) decides every request afresh; at most 60000.
   */
  decisionCacheTtlMs: z
    .number()
    .int({ error: 'decisionCacheTtlMs must be a whole number of milliseconds.' })
    .min(0, { error: 'decisionCacheTtlMs cannot be negative.' })
    .max(60_000, {
      error:
        'decisionCacheTtlMs is at most 60000 (one minute), so a revoked grant stops within it.',
    })
    .optional(),
  /** Rate limiting of requests. */
  rateLimiting: rateLimitConfigSchema,
});

/**
 * Who may do what, and how often; see {@link accessControlConfigSchema}.
 *
 * @example
 * ```ts
 * import type { AccessControlConfig } from '@agentry/security';
 *
 * // Operators may read and update agents; everyone is held to 600 requests a minute.
 * const accessControl: AccessControlConfig = {
 *   rbac: true,
 *   permissions: [{ resource: 'agents', actions: ['read', 'update'] }],
 *   rateLimiting: { enabled: true, requestsPerMinute: 600, burstLimit: 50, penaltyStrategy: 'reject' },
 * };
 * ```
 */
export type AccessControlConfig = z.infer<typeof accessControlConfigSchema>;
