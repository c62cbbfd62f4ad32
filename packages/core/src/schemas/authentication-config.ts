import { z } from 'zod';
import { apiKeyRotationConfigSchema } from './api-key-rotation-config.js';
import { oauth2ConfigSchema } from './oauth2-config.js';
import { providerConfigSchema } from './provider-config.js';

/**
 * The `authentication` section: the providers, the default one, OAuth2 client settings and API-key
 * rotation. Provider names are unique and `defaultProvider` names one of them.
 *
 * @example
 * ```ts
 * authenticationConfigSchema.parse({
 *   providers: [],
 *   oauth2: { clientId: 'agentry', scopes: [], redirectUri: 'http://localhost:3000/cb', tokenEndpoint: 'https://auth.example.com/token' },
 *   apiKeyRotation: { enabled: false, rotationInterval: 24, maxAge: 720 },
 * });
 * ```
 */
export const authenticationConfigSchema = z
  .strictObject({
    /** The configured providers. */
    providers: z.array(providerConfigSchema),
    /** The provider used when a model id does not name one. */
    defaultProvider: z.string().min(1).optional(),
    /** OAuth2 client settings. */
    oauth2: oauth2ConfigSchema,
    /** How API keys rotate. */
    apiKeyRotation: apiKeyRotationConfigSchema,
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
