import { z } from 'zod';
import { resourceLimitsSchema } from './resource-limits.js';
import { uniqueItemsSchema } from './unique-items.js';

/**
 * Who an agent works for and within which bounds: the session, the user, the permissions that
 * travel with every call, the resource limits and the timeout of a whole turn.
 *
 * @example
 * ```ts
 * executionContextSchema.parse({
 *   sessionId: 's1', userId: 'u1', permissions: ['tools:search'], timeout: 30_000,
 *   resourceLimits: { maxMemory: 1_048_576, maxCpu: 2_000, maxConnections: 4, maxTokensPerMinute: 90_000 },
 * });
 * ```
 */
export const executionContextSchema = z.strictObject({
  /** The session the agent serves. */
  sessionId: z.string().min(1),
  /** The user the agent serves, when known. */
  userId: z.string().min(1).optional(),
  /** Permissions granted to the agent; each a non-empty string, no duplicates. */
  permissions: uniqueItemsSchema(z.string().min(1), 'permissions'),
  /** The limits the agent runs within. */
  resourceLimits: resourceLimitsSchema,
  /** The longest a whole turn may take, in milliseconds; a positive integer. */
  timeout: z.int().positive(),
});

/**
 * Who an agent works for and within which bounds.
 *
 * @example
 * ```ts
 * import type { Agent, ExecutionContext } from '@agentry/core';
 *
 * declare const agent: Agent;
 * const context: Readonly<ExecutionContext> = agent.context;
 * if (!context.permissions.includes('tools:search')) console.warn(`user ${context.userId} may not search`);
 * console.log(`turn timeout ${context.timeout} ms, ${context.resourceLimits.maxTokensPerMinute} tokens a minute`);
 * ```
 */
export type ExecutionContext = z.infer<typeof executionContextSchema>;
