import { z } from 'zod';

/**
 * How Agentry authenticates to a provider: `api_key` (`configuration.apiKey`), `bearer_token`
 * (`configuration.token`) or `oauth2` (a client-credentials token from the `oauth2` settings;
 * `configuration.scopes` may narrow the scopes). Secrets belong in `${env:…}` or `${secret:…}`
 * references.
 *
 * @example
 * ```ts
 * authenticationMethodSchema.parse({ type: 'api_key', configuration: { apiKey: '${env:OPENAI_API_KEY}' } });
 * ```
 */
export const authenticationMethodSchema = z.discriminatedUnion('type', [
  z.strictObject({
    /** Discriminant. */
    type: z.literal('api_key'),
    /** The API key. */
    configuration: z.strictObject({
      /** The key, best as a `${env:…}` or `${secret:…}` reference. */
      apiKey: z.string().min(1),
    }),
  }),
  z.strictObject({
    /** Discriminant. */
    type: z.literal('bearer_token'),
    /** The bearer token. */
    configuration: z.strictObject({
      /** The token, best as a `${env:…}` or `${secret:…}` reference. */
      token: z.string().min(1),
    }),
  }),
  z.strictObject({
    /** Discriminant. */
    type: z.literal('oauth2'),
    /** Optional narrower scopes than the `oauth2` settings request. */
    configuration: z.strictObject({
      /** Scopes narrower than the `oauth2` settings request. */
      scopes: z.array(z.string().min(1)).optional(),
    }),
  }),
]);

/**
 * How Agentry authenticates to a provider.
 *
 * @example
 * ```ts
 * import type { AuthenticationMethod } from '@agentry/core';
 *
 * // Secrets as references, resolved when Agentry starts.
 * const apiKey: AuthenticationMethod = { type: 'api_key', configuration: { apiKey: '${env:OPENAI_API_KEY}' } };
 * const bearer: AuthenticationMethod = { type: 'bearer_token', configuration: { token: '${secret:gateway-token}' } };
 * const oauth2: AuthenticationMethod = { type: 'oauth2', configuration: { scopes: ['models.read'] } };
 * ```
 */
export type AuthenticationMethod = z.infer<typeof authenticationMethodSchema>;
