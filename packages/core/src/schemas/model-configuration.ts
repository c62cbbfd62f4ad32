import { z } from 'zod';
import { jsonRecordSchema } from './json-record.js';
import { modelCapabilitiesSchema } from './model-capabilities.js';
import { providerTypeSchema } from './provider-type.js';

/**
 * The model an agent runs on: provider, model id, version, optional key, call parameters
 * (temperature and so on) and capabilities. `provider:model` must be registered in the model
 * registry of the Agentry instance that holds the agent.
 *
 * @example
 * ```ts
 * modelConfigurationSchema.parse({
 *   provider: 'openai', model: 'gpt-4o', version: '2024-11-20', parameters: { temperature: 0.2 },
 *   capabilities: { maxTokens: 16384, supportsStreaming: true, supportsFunctions: true, supportsVision: true, maxConcurrency: 8 },
 * });
 * ```
 */
export const modelConfigurationSchema = z.strictObject({
  /** The provider type that serves the model: a built-in one or an installed plug-in's own. */
  provider: providerTypeSchema,
  /** The provider's model id. */
  model: z.string().min(1),
  /** The model version or snapshot the agent was built against. */
  version: z.string().min(1),
  /** A key for this agent only; prefer the provider's configured authentication. */
  apiKey: z.string().min(1).optional(),
  /** Call parameters passed to the model (temperature, topP, …); JSON values only. */
  parameters: jsonRecordSchema,
  /** What the model can do. */
  capabilities: modelCapabilitiesSchema,
});

/**
 * The model an agent runs on.
 *
 * @example
 * ```ts
 * import type { Agentry, ModelConfiguration } from '@agentry/core';
 *
 * declare const agentry: Agentry;
 * // The model each held agent runs on, as persisted with it.
 * for (const instance of agentry.agents.list()) {
 *   const model: ModelConfiguration = instance.model;
 *   console.log(`${instance.id}: ${model.provider}:${model.model}`, model.parameters);
 * }
 * ```
 */
export type ModelConfiguration = z.infer<typeof modelConfigurationSchema>;
