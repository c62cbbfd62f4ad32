import { z } from 'zod';

/**
 * A successful token endpoint answer (RFC 6749 §5.1) as far as Agentry reads it. `expires_in` is
 * seconds; some servers send it as a string of digits.
 *
 * @internal
 */
export const oauth2TokenResponseSchema = z.object({
  /** The token to send as `Authorization: Bearer …`. */
  access_token: z.string().min(1),
  /** Must be `Bearer`, in any case. */
  token_type: z.string().refine((type) => type.toLowerCase() === 'bearer', {
    message: 'token_type must be "Bearer"',
  }),
  /** The token's lifetime in seconds. */
  expires_in: z
    .union([z.number().nonnegative(), z.string().regex(/^\d+$/).transform(Number)])
    .optional(),
});

/**
 * A token endpoint error answer (RFC 6749 §5.2).
 *
 * @internal
 */
export const oauth2ErrorResponseSchema = z.object({
  /** The OAuth error code: `invalid_client`, `invalid_scope`, … */
  error: z.string().min(1),
  /** A human-readable explanation. */
  error_description: z.string().optional(),
});
