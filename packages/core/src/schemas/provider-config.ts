import { z } from 'zod';
import { authenticationMethodSchema } from './authentication-method.js';
import { modelInfoSchema } from './model-info.js';
import { providerTypeSchema } from './provider-type.js';
import { httpUrlProblem } from './url-rules.js';

/**
 * A configured provider: a unique name, its vendor type, an optional endpoint (for proxies and
 * OpenAI-compatible servers), how to authenticate and which models it offers (unique names).
 *
 * Defaults: `authentication` is `{ type: 'api_key' }` (the key read from the provider type's
 * environment variable, such as `OPENAI_API_KEY`, when `validateConfiguration` runs) and `models`
 * is `[]`.
 *
 * @example
 * ```ts
 * providerConfigSchema.parse({
 *   name: 'openai', type: 'openai',
 *   authentication: { type: 'api_key', configuration: { apiKey: '${env:OPENAI_API_KEY}' } },
 *   models: [],
 * });
 * ```
 */
export const providerConfigSchema = z.strictObject({
  /** Unique name of this provider entry. */
  name: z.string().min(1),
  /** The provider type: a built-in one or an installed plug-in's own (`acme`). */
  type: providerTypeSchema,
  /** Base URL overriding the vendor's default; absolute http(s). */
  endpoint: z
    .string()
    .superRefine((value, context) => {
      const problem = httpUrlProblem(value);
      if (problem) context.addIssue({ code: 'custom', message: `The endpoint ${problem}.` });
    })
    .optional(),
  /** How to authenticate. Default `{ type: 'api_key' }`, the key from the environment. */
  authentication: authenticationMethodSchema.prefault({ type: 'api_key' }),
  /** The models it offers, beside its plug-in's catalogue. Default `[]`. */
  models: z
    .array(modelInfoSchema)
    .superRefine((models, context) => {
      const seen = new Set<string>();
      models.forEach((model, index) => {
        if (seen.has(model.name)) {
          context.addIssue({
            code: 'custom',
            path: [index, 'name'],
            message: `Model "${model.name}" is listed twice.`,
            params: { code: 'duplicate_id' },
          });
        }
        seen.add(model.name);
      });
    })
    .default([]),
});

/**
 * A configured provider.
 *
 * @example
 * ```ts
 * import type { ProviderConfig } from '@agentry/core';
 *
 * // An OpenAI-compatible server (vLLM) as a provider entry of the configuration.
 * const local: ProviderConfig = {
 *   name: 'local-vllm',
 *   type: 'openai',
 *   endpoint: 'http://localhost:8000/v1',
 *   authentication: { type: 'bearer_token', configuration: { token: '${env:VLLM_TOKEN}' } },
 *   models: [],
 * };
 * ```
 */
export type ProviderConfig = z.infer<typeof providerConfigSchema>;
