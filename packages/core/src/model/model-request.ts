import type { ModelMessage } from './model-message.js';

/**
 * A JSON Schema document (draft 2020-12 subset that all three vendors accept).
 *
 * @example
 * ```ts
 * import type { JsonSchema, ToolSpec } from '@agentry/core';
 *
 * // A plain JSON Schema object, as tools and structured output send it to the vendor.
 * const inputSchema: JsonSchema = {
 *   type: 'object',
 *   properties: { city: { type: 'string' } },
 *   required: ['city'],
 *   additionalProperties: false,
 * };
 * const weather: ToolSpec = { name: 'get_weather', description: 'Current weather for a city.', inputSchema };
 * ```
 */
export type JsonSchema = Record<string, unknown>;

/**
 * A tool the model may call.
 *
 * @example
 * ```ts
 * import type { LanguageModel, ToolSpec } from '@agentry/core';
 *
 * declare const model: LanguageModel;
 * // What the model sees of a tool (defineTool builds it from a zod schema for agents).
 * const weather: ToolSpec = {
 *   name: 'get_weather',
 *   description: 'Current weather for a city.',
 *   inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
 * };
 * const response = await model.generate({
 *   messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather in Lisbon?' }] }],
 *   tools: [weather],
 * });
 * ```
 */
export interface ToolSpec {
  /** The tool's name: letters, digits, `_` and `-`, at most 64 characters. */
  name: string;
  /** What the tool does and when to use it; the model reads this. */
  description?: string;
  /** JSON Schema of the arguments object. */
  inputSchema: JsonSchema;
}

/**
 * Whether and which tool the model must call.
 *
 * @example
 * ```ts
 * import type { LanguageModel, ToolChoice } from '@agentry/core';
 *
 * declare const model: LanguageModel;
 * // Force a call of one tool; 'auto' lets the model decide, 'none' forbids tools, 'required' needs one.
 * const toolChoice: ToolChoice = { type: 'tool', toolName: 'get_weather' };
 * await model.generate({
 *   messages: [{ role: 'user', content: [{ type: 'text', text: 'Lisbon' }] }],
 *   tools: [{ name: 'get_weather', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } }],
 *   toolChoice,
 * });
 * ```
 */
export type ToolChoice =
  | 'auto'
  | 'none'
  | 'required'
  /** The model must call this one tool. */
  | {
      /** Discriminant. */
      type: 'tool';
      /** The name of the tool the model must call. */
      toolName: string;
    };

/**
 * The form of the answer: free text, or JSON matching a schema (the vendor's native JSON mode).
 *
 * @example
 * ```ts
 * import type { LanguageModel, ResponseFormat } from '@agentry/core';
 *
 * declare const model: LanguageModel;
 * // Ask for JSON that matches a schema (agents do this for `send(…, { output })`).
 * const responseFormat: ResponseFormat = {
 *   type: 'json',
 *   name: 'city',
 *   schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
 * };
 * const response = await model.generate({
 *   messages: [{ role: 'user', content: [{ type: 'text', text: 'The capital of Portugal?' }] }],
 *   responseFormat,
 * });
 * ```
 */
export type ResponseFormat =
  /** Free text. */
  | {
      /** Discriminant. */
      type: 'text';
    }
  /** JSON matching a schema. */
  | {
      /** Discriminant. */
      type: 'json';
      /** The schema the answer must match. */
      schema: JsonSchema;
      /** A name for the schema, where the vendor wants one. */
      name?: string;
      /** What the answer is, where the vendor takes a description. */
      description?: string;
    };

/**
 * Sampling and length parameters every provider understands.
 *
 * @example
 * ```ts
 * import { createAgent, type LanguageModel, type ModelParameters } from '@agentry/core';
 *
 * declare const model: LanguageModel;
 * // Short, repeatable answers.
 * const parameters: ModelParameters = { temperature: 0, maxTokens: 200, seed: 7, stop: ['\n\n'] };
 * const agent = createAgent({ model, parameters });
 * ```
 */
export interface ModelParameters {
  /** Sampling temperature. */
  temperature?: number;
  /** The most tokens to generate. */
  maxTokens?: number;
  /** Nucleus sampling mass. */
  topP?: number;
  /** Sequences that end the generation. */
  stop?: string[];
  /** Seed for providers that support repeatable sampling. */
  seed?: number;
}

/**
 * One call to a model.
 *
 * @example
 * ```ts
 * import type { LanguageModel, ModelRequest } from '@agentry/core';
 *
 * declare const model: LanguageModel;
 * const request: ModelRequest = {
 *   system: 'Answer in one word.',
 *   messages: [{ role: 'user', content: [{ type: 'text', text: 'Sky colour?' }] }],
 *   parameters: { maxTokens: 5 },
 *   // Options only one vendor understands, by provider type.
 *   providerOptions: { openai: { store: false } },
 * };
 * const response = await model.generate(request);
 * ```
 */
export interface ModelRequest {
  /** The conversation, oldest first. */
  messages: ModelMessage[];
  /** System instructions. */
  system?: string;
  /** Tools the model may call. */
  tools?: ToolSpec[];
  /** Whether and which tool the model must call. */
  toolChoice?: ToolChoice;
  /** Free text or JSON matching a schema. */
  responseFormat?: ResponseFormat;
  /** Sampling and length parameters. */
  parameters?: ModelParameters;
  /** Options passed through to one provider, by provider type: `{ openai: { store: false } }`. */
  providerOptions?: Record<string, Record<string, unknown>>;
}

/**
 * How a call is made.
 *
 * @example
 * ```ts
 * import type { LanguageModel, ModelCallOptions } from '@agentry/core';
 *
 * declare const model: LanguageModel;
 * // Give up after 10 s, and tag the call for the vendor's logs.
 * const options: ModelCallOptions = { signal: AbortSignal.timeout(10_000), headers: { 'x-request-id': 'req-42' } };
 * await model.generate({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] }, options);
 * ```
 */
export interface ModelCallOptions {
  /**
   * Aborts the call; a stream in flight ends with an `aborted` error and its socket is closed. The
   * agent passes it as an accessor that makes the signal on first read.
   */
  signal?: AbortSignal;
  /** Extra HTTP headers for providers that speak HTTP. */
  headers?: Record<string, string>;
}
