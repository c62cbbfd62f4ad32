import { z } from 'zod';

/**
 * The API key of an `api_key` method. It may be left out of a configuration: `validateConfiguration`
 * (and so `createAgentry`) then reads the provider type's conventional environment variable
 * (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, `GOOGLE_API_KEY` or `GEMINI_API_KEY`; see
 * `providerApiKeyVariables`) and fills it in, so a validated method always has its key.
 */
const apiKeySchema = z
  .string()
  .min(1)
  .optional()
  .pipe(
    z.string({
      error: () =>
        'No API key is given. Set configuration.apiKey, best as an ${env:NAME} or ${secret:name} reference; createAgentry reads the provider type’s API-key environment variable when it is left out.',
    }),
  );

/**
 * How Agentry authenticates to a provider: `api_key` (`configuration.apiKey`), `bearer_token`
 * (`configuration.token`) or `oauth2` (a client-credentials token from the `oauth2` settings;
 * `configuration.scopes` may narrow the scopes). Secrets belong in `${env:…}` or `${secret:…}`
 * references.
 *
 * Defaults: `configuration` may be left out of `api_key` and `oauth2` (it defaults to `{}`), and
 * `apiKey` may be left out of a configuration validated by `validateConfiguration`, which then
 * reads the provider type's API-key environment variable (see `providerApiKeyVariables`). Parsed on
 * its own, a method without a key is refused.
 *
 * @example
 * ```ts
 * authenticationMethodSchema.parse({ type: 'api_key', configuration: { apiKey: '${env:OPENAI_API_KEY}' } });
 * authenticationMethodSchema.parse({ type: 'oauth2' }); // configuration: {}
 * ```
 */
export const authenticationMethodSchema = z.discriminatedUnion('type', [
  z.strictObject({
    /** Discriminant. */
    type: z.literal('api_key'),
    /** The API key. Default `{}`: the key comes from the environment. */
    configuration: z
      .strictObject({
        /**
         * The key, best as a `${env:…}` or `${secret:…}` reference. Default (in a configuration):
         * the provider type's API-key environment variable, such as `OPENAI_API_KEY`.
         */
        apiKey: apiKeySchema,
      })
      .prefault({}),
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
    /** Optional narrower scopes than the `oauth2` settings request. Default `{}`. */
    configuration: z
      .strictObject({
        /** Scopes narrower than the `oauth2` settings request. Default: the `oauth2` settings' scopes. */
        scopes: z.array(z.string().min(1)).optional(),
      })
      .prefault({}),
  }),
]);

/**
 * How Agentry authenticates to a provider, as validated (an `api_key` method always has its key).
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
