import { z } from 'zod';

/** Default of `apiKeyRotation.rotationInterval`, in hours: one day. */
export const DEFAULT_ROTATION_INTERVAL_HOURS = 24;
/** Default of `apiKeyRotation.maxAge`, in hours: 30 days. */
export const DEFAULT_KEY_MAX_AGE_HOURS = 720;

/**
 * How API keys rotate: the key source is re-read every `rotationInterval` hours and a key older
 * than `maxAge` hours is refused. Both positive integers; `maxAge` is at least `rotationInterval`.
 * Every field has a default, so `{}` (or leaving the block out of `authentication`) means
 * `{ enabled: false, rotationInterval: 24, maxAge: 720 }`: keys are used as given, never re-read.
 *
 * @example
 * ```ts
 * apiKeyRotationConfigSchema.parse({ enabled: true, rotationInterval: 24, maxAge: 720 });
 * apiKeyRotationConfigSchema.parse({ enabled: true }); // rotationInterval 24, maxAge 720
 * ```
 */
export const apiKeyRotationConfigSchema = z
  .strictObject({
    /** Whether keys rotate. Default `false`. */
    enabled: z.boolean().default(false),
    /** Hours between re-reads of the key source. Default `24`. */
    rotationInterval: z.int().positive().default(DEFAULT_ROTATION_INTERVAL_HOURS),
    /** Hours after which a key is refused. Default `720` (30 days). */
    maxAge: z.int().positive().default(DEFAULT_KEY_MAX_AGE_HOURS),
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
