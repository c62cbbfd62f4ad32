import { z } from 'zod';
import { apiKeyRotationConfigSchema } from './api-key-rotation-config.js';
import { oauth2ConfigSchema } from './oauth2-config.js';
import { providerConfigSchema } from './provider-config.js';

/**
 * The `authentication` section: the providers, the default one, OAuth2 client settings and API-key
 * rotation. Provider names are unique and `defaultProvider` names one of them.
 *
 * Defaults: `providers` is `[]`; `oauth2` has none and is required only when a provider entry
 * authenticates with `oauth2`; `apiKeyRotation` is `{ enabled: false, rotationInterval: 24,
 * maxAge: 720 }`; the whole section defaults to `{}`.
 *
 * @example
 * ```ts
 * authenticationConfigSchema.parse({
 *   providers: [{ name: 'openai', type: 'openai' }],
 * }); // apiKeyRotation: { enabled: false, rotationInterval: 24, maxAge: 720 }, no oauth2
 * authenticationConfigSchema.parse({
 *   providers: [],
 *   oauth2: { clientId: 'agentry', scopes: [], redirectUri: 'http://localhost:3000/cb', tokenEndpoint: 'https://auth.example.com/token' },
 *   apiKeyRotation: { enabled: true, rotationInterval: 24, maxAge: 720 },
 * });
 * ```
 */
export const authenticationConfigSchema = z
  .strictObject({
    /** The configured providers. Default `[]`. */
    providers: z.array(providerConfigSchema).default([]),
    /** The provider used when a model id does not name one. */
    defaultProvider: z.string().min(1).optional(),
    /** OAuth2 client settings. No default: required when a provider authenticates with `oauth2`. */
    oauth2: oauth2ConfigSchema.optional(),
    /** How API keys rotate. Default `{ enabled: false, rotationInterval: 24, maxAge: 720 }`. */
    apiKeyRotation: apiKeyRotationConfigSchema.prefault({}),
  })
  .superRefine((section, context) => {
    const names = new Set<string>();
    section.providers.forEach((provider, index) => {
      if (names.has(provider.name)) {
        context.addIssue({
          code: 'custom',
          path: ['providers', index, 'name'],
          message: `Provider name "${provider.name}" is used twice.`,
          params: { code: 'duplicate_id', suggestion: 'Give each provider entry its own name.' },
        });
      }
      names.add(provider.name);
    });
    const needOAuth2 = section.providers.flatMap((provider, index) =>
      provider.authentication.type === 'oauth2'
        ? [`"${provider.name}" (authentication.providers[${index}])`]
        : [],
    );
    if (needOAuth2.length > 0 && section.oauth2 === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['oauth2'],
        message: `${needOAuth2.length === 1 ? 'Provider' : 'Providers'} ${needOAuth2.join(', ')} ${needOAuth2.length === 1 ? 'authenticates' : 'authenticate'} with oauth2, which needs the OAuth2 client settings in authentication.oauth2, and there are none.`,
        params: {
          suggestion:
            'Add authentication.oauth2 with clientId, scopes, redirectUri and tokenEndpoint (the client secret as an ${env:…} reference), or give the provider api_key or bearer_token authentication.',
        },
      });
    }
    if (section.defaultProvider !== undefined && !names.has(section.defaultProvider)) {
      context.addIssue({
        code: 'custom',
        path: ['defaultProvider'],
        message: `defaultProvider "${section.defaultProvider}" is not one of the configured providers.`,
        params: {
          suggestion:
            names.size > 0
              ? `Use one of: ${[...names].join(', ')}.`
              : 'Configure the provider under providers first.',
        },
      });
    }
  });

/**
 * The `authentication` section.
 *
 * @example
 * ```ts
 * import type { Agentry, AuthenticationConfig } from '@agentry/core';
 *
 * declare const agentry: Agentry;
 * // The validated `authentication` section, references resolved: never log it unmasked.
 * const authentication: AuthenticationConfig = agentry.config.authentication;
 * console.log(authentication.providers.map((provider) => `${provider.name} (${provider.type})`));
 * ```
 */
export type AuthenticationConfig = z.infer<typeof authenticationConfigSchema>;
