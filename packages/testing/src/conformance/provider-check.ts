import { randomBytes } from 'node:crypto';
import type { LanguageModel } from '@agentry/core';
import type { Emulator } from '../emulator/emulator.js';
import type { EmulatorApi } from '../emulator/emulator-types.js';
import { startEmulator } from '../emulator/start-emulator.js';
import type { ProviderConformanceOptions } from './provider-conformance-options.js';

/**
 * What one conformance check gets: the suite's emulator (reset before each check), the model
 * factory and what the provider declared.
 *
 * @internal
 */
export interface ProviderCheckContext {
  /** The wire format the provider speaks. */
  readonly api: EmulatorApi;
  /** The model id the checks create. */
  readonly modelId: string;
  /** The API key given to the model. */
  readonly apiKey: string;
  /** The suite's emulator. */
  readonly emulator: Emulator;
  /** Whether the provider streams reasoning. */
  readonly reasoning: boolean;
  /** Whether usage must carry reasoning tokens. */
  readonly reasoningTokens: boolean;
  /** Whether usage must carry cached input tokens. */
  readonly cachedInputTokens: boolean;
  /** The vision the author declared, when they did. */
  readonly vision: boolean | undefined;
  /** Creates the model under test, pointed at `emulator` (default the suite's). */
  createModel(emulator?: Emulator): LanguageModel;
}

/**
 * One conformance check: what `describeProviderConformance` registers as an `it`, and what the
 * kit's own tests run against broken providers.
 *
 * @internal
 */
export interface ProviderCheck {
  /** The `describe` block it belongs to. */
  readonly group: string;
  /** The `it` sentence. */
  readonly name: string;
  /** Why the check does not apply to this provider, or `undefined` when it does. */
  skip?(context: ProviderCheckContext): string | undefined;
  /** Runs the check; throws a {@link ProviderConformanceError} saying what the provider did wrong. */
  run(context: ProviderCheckContext): Promise<void>;
}

/**
 * A conformance failure: what the provider did, and what the contract wants instead.
 *
 * @internal
 */
export class ProviderConformanceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderConformanceError';
  }
}

/**
 * Fails the running check with `message`.
 *
 * @internal
 */
export function fail(message: string): never {
  throw new ProviderConformanceError(message);
}

/**
 * Fails the running check with `message` unless `condition` holds.
 *
 * @internal
 */
export function check(condition: boolean, message: string | (() => string)): asserts condition {
  if (!condition) fail(typeof message === 'string' ? message : message());
}

/**
 * Makes the context of the checks for one provider and the suite's emulator.
 *
 * @internal
 */
export function createProviderCheckContext(
  options: ProviderConformanceOptions,
  emulator: Emulator,
  apiKey: string = createConformanceKey(),
): ProviderCheckContext {
  const modelId = options.modelId ?? 'conformance-model';
  const capabilities = options.capabilities ?? {};
  return {
    api: options.api,
    modelId,
    apiKey,
    emulator,
    reasoning: capabilities.reasoning ?? false,
    reasoningTokens: capabilities.reasoningTokens ?? options.api !== 'anthropic',
    cachedInputTokens: capabilities.cachedInputTokens ?? true,
    vision: capabilities.vision,
    createModel: (target = emulator) =>
      options.createModel({
        baseURL: target.baseURL(options.api),
        modelId,
        apiKey,
        emulator: target,
      }),
  };
}

/**
 * A key-like value made at run time, so that no fixture holds anything that looks like a secret.
 *
 * @internal
 */
export function createConformanceKey(): string {
  return `sk-conformance-${randomBytes(16).toString('hex')}`;
}

/**
 * Runs `work` with an emulator of its own, closed afterwards: for checks that count the sockets a
 * model leaves open, which the suite's emulator shares with earlier checks.
 *
 * @internal
 */
export async function withOwnEmulator<TResult>(
  work: (emulator: Emulator) => Promise<TResult>,
): Promise<TResult> {
  const emulator = await startEmulator();
  try {
    return await work(emulator);
  } finally {
    await emulator.close();
  }
}
