import { z } from 'zod';

/**
 * How API keys rotate: the key source is re-read every `rotationInterval` hours and a key older
 * than `maxAge` hours is refused. Both positive integers; `maxAge` is at least `rotationInterval`.
 *
 * @example
 * ```ts
 * apiKeyRotationConfigSchema.parse({ enabled: true, rotationInterval: 24, maxAge: 720 });
 * ```
 */
export const apiKeyRotationConfigSchema = z
  .strictObject({
    /** Whether keys rotate. */
    enabled: z.boolean(),
    /** Hours between re-reads of the key source. */
    rotationInterval: z.int().positive(),
    /** Hours after which a key is refused. */
    maxAge: z.int().positive(),
  })
  .refine((rotation) => rotation.maxAge >= rotation.rotationInterval, {
    path: ['maxAge'],
    message: 'maxAge must be at least rotationInterval, or every key expires before it is rotated.',
  });

/**
 * How API keys rotate.
 *
 * @example
 * ```ts
 * import type { ApiKeyRotationConfig } from '@agentry/core';
 *
 * // Re-read the key every day; refuse a key older than 30 days (both in hours).
 * const rotation: ApiKeyRotationConfig = { enabled: true, rotationInterval: 24, maxAge: 720 };
 * ```
 */
export type ApiKeyRotationConfig = z.infer<typeof apiKeyRotationConfigSchema>;
