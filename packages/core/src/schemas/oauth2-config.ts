import { z } from 'zod';
import { uniqueItemsSchema } from './unique-items.js';
import { secureUrlProblem } from './url-rules.js';

const secureUrl = (what: string) =>
  z.string().superRefine((value, context) => {
    const problem = secureUrlProblem(value);
    if (problem) {
      context.addIssue({
        code: 'custom',
        message: `The ${what} ${problem}.`,
        params: {
          suggestion: `Use an absolute https URL for the ${what}; http is accepted only for localhost, 127.0.0.1 and [::1].`,
        },
      });
    }
  });

/**
 * OAuth2 client settings used to obtain provider tokens. The redirect URI and token endpoint are
 * absolute https URLs (http only for a loopback host). Put the client secret in the environment:
 * `"clientSecret": "${env:OAUTH_CLIENT_SECRET}"`.
 *
 * @example
 * ```ts
 * oauth2ConfigSchema.parse({
 *   clientId: 'agentry', scopes: ['models.read'],
 *   redirectUri: 'https://app.example.com/oauth/callback', tokenEndpoint: 'https://auth.example.com/token',
 * });
 * ```
 */
export const oauth2ConfigSchema = z.strictObject({
  /** The OAuth2 client id. */
  clientId: z.string().min(1),
  /** The OAuth2 client secret; a `${env:…}` or `${secret:…}` reference. */
  clientSecret: z.string().min(1).optional(),
  /** The scopes to request; no duplicates. */
  scopes: uniqueItemsSchema(z.string().min(1), 'scopes'),
  /** Where the authorization server sends the user back. */
  redirectUri: secureUrl('redirect URI'),
  /** Where tokens are obtained. */
  tokenEndpoint: secureUrl('token endpoint'),
});

/**
 * OAuth2 client settings.
 *
 * @example
 * ```ts
 * import type { OAuth2Config } from '@agentry/core';
 *
 * // Client credentials for a gateway that issues tokens; the client secret comes from a reference.
 * const oauth2: OAuth2Config = {
 *   clientId: 'agentry',
 *   clientSecret: '${env:OAUTH_CLIENT_SECRET}',
 *   scopes: ['models.read'],
 *   redirectUri: 'https://app.example.com/oauth/callback',
 *   tokenEndpoint: 'https://auth.example.com/token',
 * };
 * ```
 */
export type OAuth2Config = z.infer<typeof oauth2ConfigSchema>;
