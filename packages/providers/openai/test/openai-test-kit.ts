import {
  AgentryError,
  type ModelRequest,
  type ModelStreamPart,
  type ModelUserMessage,
} from '@agentry/core';
import { startEmulator, type Emulator } from '@agentry/testing';
import { afterAll, afterEach, beforeAll } from 'vitest';
import {
  createOpenAI,
  type OpenAIApi,
  type OpenAIProvider,
  type OpenAIProviderOptions,
} from '../src/index.js';

/** A key in OpenAI's format, built at run time so no key-like text sits in the sources. */
export const testKey = (): string => `sk-proj-${'t'.repeat(64)}`;

/** A user message with text. */
export const user = (text: string): ModelUserMessage => ({
  role: 'user',
  content: [{ type: 'text', text }],
});

/** A request of one user message. */
export const ask = (text: string, extra: Partial<ModelRequest> = {}): ModelRequest => ({
  messages: [user(text)],
  ...extra,
});

/** Every part of a stream. */
export async function collect(stream: AsyncIterable<ModelStreamPart>): Promise<ModelStreamPart[]> {
  const parts: ModelStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

/** The text of a stream's text deltas. */
export const textOf = (parts: readonly ModelStreamPart[]): string =>
  parts.map((part) => (part.type === 'text-delta' ? part.delta : '')).join('');

/** What a promise rejects with, as an AgentryError (fails the test when it resolves). */
export async function failureOf(
  work: Promise<unknown> | (() => Promise<unknown>),
): Promise<AgentryError> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (error) {
    if (AgentryError.isInstance(error)) return error;
    throw new Error(`Expected an AgentryError, got ${String(error)}`, { cause: error });
  }
  throw new Error('Expected a failure, but the call succeeded.');
}

/** What the emulator received as the JSON body of request `index` (default: the last one). */
export function bodyOf(emulator: Emulator, index = -1): Record<string, any> {
  const request = emulator.requests.at(index);
  if (request === undefined) throw new Error(`The emulator has no request ${index}.`);
  return request.body as Record<string, any>;
}

/**
 * Starts an emulator for the test file, clears it after each test, and makes OpenAI providers
 * pointed at it (closed after the file).
 */
export function useEmulator(): {
  readonly emulator: Emulator;
  provider(api: OpenAIApi, options?: OpenAIProviderOptions): OpenAIProvider;
} {
  let emulator: Emulator | undefined;
  const providers: OpenAIProvider[] = [];
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterEach(() => emulator?.reset());
  afterAll(async () => {
    await Promise.all(providers.map((provider) => provider.close()));
    await emulator?.close();
  });
  return {
    get emulator(): Emulator {
      if (emulator === undefined) throw new Error('The emulator has not started.');
      return emulator;
    },
    provider(api, options = {}) {
      if (emulator === undefined) throw new Error('The emulator has not started.');
      const provider = createOpenAI({
        api,
        apiKey: testKey(),
        endpoint: emulator.baseURL(api === 'chat' ? 'openai-chat' : 'openai-responses'),
        ...options,
      });
      providers.push(provider);
      return provider;
    },
  };
}
