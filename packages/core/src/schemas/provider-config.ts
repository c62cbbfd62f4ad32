import { z } from 'zod';
import { authenticationMethodSchema } from './authentication-method.js';
import { modelInfoSchema } from './model-info.js';
import { providerTypeSchema } from './provider-type.js';
import { httpUrlProblem } from './url-rules.js';

/**
 * A configured provider: a unique name, its vendor type, an optional endpoint (for proxies and
 * OpenAI-compatible servers), how to authenticate and which models it offers (unique names).
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
  /** The vendor it speaks to. */
  type: providerTypeSchema,
  /** Base URL overriding the vendor's default; absolute http(s). */
  endpoint: z
    .string()
    .superRefine((value, context) => {
      const problem = httpUrlProblem(value);
      if (problem) context.addIssue({ code: 'custom', message: `The endpoint ${problem}.` });
    })
    .optional(),
  /** How to authenticate. */
  authentication: authenticationMethodSchema,
  /** The models it offers. */
  models: z.array(modelInfoSchema).superRefine((models, context) => {
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
  }),
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
