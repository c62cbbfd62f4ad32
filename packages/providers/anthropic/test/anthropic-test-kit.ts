import {
  AgentryError,
  type LanguageModel,
  type ModelRequest,
  type ModelStreamPart,
} from '@agentry/core';
import { startEmulator, type Emulator } from '@agentry/testing';
import { afterAll, afterEach, beforeAll } from 'vitest';
import {
  createAnthropic,
  type AnthropicProvider,
  type AnthropicProviderOptions,
} from '../src/index.js';

/** An Anthropic-shaped API key, built at run time so that nothing key-like is committed. */
export const testKey = (fill = 'k'): string => ['sk', 'ant', 'api03', fill.repeat(95)].join('-');

/** A model id from the catalogue that the SDK does not warn about. */
export const MODEL_ID = 'claude-sonnet-5-5';

/** A one-message request. */
export function userRequest(text: string, extra: Partial<ModelRequest> = {}): ModelRequest {
  return { messages: [{ role: 'user', content: [{ type: 'text', text }] }], ...extra };
}

/** Collects a stream's parts; what the iterator throws rejects. */
export async function collect(stream: AsyncIterable<ModelStreamPart>): Promise<ModelStreamPart[]> {
  const parts: ModelStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

/** The `AgentryError` a promise rejects with (fails the test when it resolves or throws another). */
export async function rejection(work: Promise<unknown>): Promise<AgentryError> {
  try {
    await work;
  } catch (error) {
    if (AgentryError.isInstance(error)) return error;
    throw new Error(`Expected an AgentryError, got ${String(error)}`, { cause: error });
  }
  throw new Error('Expected a rejection, but the call succeeded.');
}

/** The text of a stream's text deltas, joined. */
export function streamedText(parts: readonly ModelStreamPart[]): string {
  return parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : [])).join('');
}

/** A started emulator and providers pointed at it, all closed after the tests. */
export interface EmulatorKit {
  /** The emulator of the current file. */
  readonly emulator: Emulator;
  /** A provider pointed at the emulator (closed after the test). */
  provider(options?: AnthropicProviderOptions): AnthropicProvider;
  /** A model of a provider pointed at the emulator. */
  model(modelId?: string, options?: AnthropicProviderOptions): LanguageModel;
}

/**
 * Starts one emulator for the file, resets it after each test and closes it at the end; providers
 * made with the kit are closed after each test.
 */
export function useEmulator(): EmulatorKit {
  let emulator: Emulator | undefined;
  const providers: AnthropicProvider[] = [];
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterEach(async () => {
    await Promise.all(providers.splice(0).map((provider) => provider.close()));
    emulator?.reset();
  });
  afterAll(async () => {
    await emulator?.close();
  });
  const kit: EmulatorKit = {
    get emulator() {
      if (emulator === undefined) throw new Error('The emulator runs only inside tests.');
      return emulator;
    },
    provider(options = {}) {
      const provider = createAnthropic({
        apiKey: testKey(),
        endpoint: kit.emulator.baseURL('anthropic'),
        ...options,
      });
      providers.push(provider);
      return provider;
    },
    model(modelId = MODEL_ID, options = {}) {
      return kit.provider(options).createModel(modelId);
    },
  };
  return kit;
}
