import { z } from 'zod';
import { permissionSchema } from './permission.js';
import { rateLimitConfigSchema } from './rate-limit-config.js';

/**
 * Who may do what, and how often: role-based access control with its permissions, and rate
 * limiting.
 *
 * @example
 * ```ts
 * accessControlConfigSchema.parse({
 *   rbac: true,
 *   permissions: [{ resource: 'agents', actions: ['read'] }],
 *   rateLimiting: { enabled: true, requestsPerMinute: 600, burstLimit: 50, penaltyStrategy: 'reject' },
 * });
 * ```
 */
export const accessControlConfigSchema = z.strictObject({
  /** Whether role-based access control is on; when on, only what `permissions` grants is allowed. */
  rbac: z.boolean(),
  /** The grants role-based access control allows. */
  permissions: z.array(permissionSchema),
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
