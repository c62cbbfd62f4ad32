import { AgentryError } from '@agentry/core';
import type { EmulatorApi } from '../emulator/emulator-types.js';
import type { ProviderConformanceOptions } from './provider-conformance-options.js';

const apis: readonly EmulatorApi[] = ['openai-chat', 'openai-responses', 'anthropic', 'google'];

function refuse(path: string, message: string, value: unknown, suggestions: string[]): never {
  throw new AgentryError({
    code: 'validation_failed',
    message: `describeProviderConformance: ${path} ${message}`,
    details: { path, value: typeof value === 'function' ? 'a function' : value },
    suggestions,
  });
}

/**
 * Checks the options of `describeProviderConformance` before any test is registered: a built-in
 * wire format (`api`, one of the four) or an own protocol (`serve` with `readRequest`), not both
 * nor neither, and a `createModel` function.
 *
 * @throws AgentryError `validation_failed` naming the option and what it should be
 * @example
 * ```ts
 * checkConformanceOptions({ name: 'acme', serve, readRequest, createModel });
 * ```
 * @internal
 */
export function checkConformanceOptions(options: ProviderConformanceOptions): void {
  const { api, serve } = options as { api?: unknown; serve?: unknown };
  const both = [
    'Give `api` for a provider that speaks a built-in wire format (openai-chat, openai-responses, anthropic, google).',
    'Give `serve` and `readRequest` for a provider with its own protocol.',
  ];
  if (api !== undefined && serve !== undefined) {
    refuse('options.api', 'and options.serve are both given; give one.', api, both);
  }
  if (api === undefined && serve === undefined) {
    refuse('options.api', 'and options.serve are both missing; give one.', api, both);
  }
  if (api !== undefined && !apis.includes(api as EmulatorApi)) {
    refuse('options.api', `is ${JSON.stringify(api)}, which is not a built-in wire format.`, api, [
      `Use one of ${apis.join(', ')}.`,
      'For any other protocol, give `serve` (your encoder) and `readRequest` instead of `api`.',
    ]);
  }
  if (serve !== undefined) {
    if (typeof serve !== 'function') {
      refuse('options.serve', `is ${typeof serve}, not a function.`, serve, [
        'Give `serve(scenario, request)`, which returns `{ body }` or `{ events }` in your protocol.',
      ]);
    }
    const { readRequest } = options as { readRequest?: unknown };
    if (typeof readRequest !== 'function') {
      refuse('options.readRequest', `is ${typeof readRequest}, not a function.`, readRequest, [
        'Give `readRequest(request)`, which returns `{ model, toolCallIds, toolResultIds }` read from a request in your protocol.',
      ]);
    }
  }
  const { createModel } = options as { createModel?: unknown };
  if (typeof createModel !== 'function') {
    refuse('options.createModel', 'is not a function.', createModel, [
      'Give `createModel({ baseURL, apiKey, modelId })`, which returns your LanguageModel pointed at baseURL.',
    ]);
  }
}
