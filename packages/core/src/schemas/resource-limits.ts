import { z } from 'zod';

/**
 * Limits an agent runs within. Units: `maxMemory` in bytes of serialized state, `maxCpu` in
 * milliseconds of tool CPU time per turn, `maxConnections` as concurrent model and tool calls, and
 * `maxTokensPerMinute` as tokens (input plus output) per minute, refilled continuously (a token
 * bucket over actual usage). All positive integers.
 *
 * @example
 * ```ts
 * resourceLimitsSchema.parse({ maxMemory: 1_048_576, maxCpu: 2_000, maxConnections: 4, maxTokensPerMinute: 90_000 });
 * ```
 */
export const resourceLimitsSchema = z.strictObject({
  /** Cap on the serialized state's size, in bytes. */
  maxMemory: z.int().positive(),
  /** Cap on tool CPU time per turn, in milliseconds. */
  maxCpu: z.int().positive(),
  /** Cap on concurrent model calls and tool calls of one agent. */
  maxConnections: z.int().positive(),
  /** Tokens per minute, as a token bucket refilled continuously and charged with actual usage. */
  maxTokensPerMinute: z.int().positive(),
});

/**
 * Limits an agent runs within.
 *
 * @example
 * ```ts
 * import { createAgent, type LanguageModel, type ResourceLimits } from '@agentry/core';
 *
 * declare const model: LanguageModel;
 * // Units: bytes, CPU milliseconds per turn, connections, tokens per minute.
 * const limits: Partial<ResourceLimits> = { maxTokensPerMinute: 20_000, maxConnections: 2 };
 * const agent = createAgent({ model, context: { resourceLimits: limits } });
 * ```
 */
export type ResourceLimits = z.infer<typeof resourceLimitsSchema>;
