import type { LanguageModel, ModelRequest, ModelStreamPart } from '@agentry/core';
import { startEmulator, type Emulator } from '@agentry/testing';
import { createGoogle, type GoogleProviderOptions, type GoogleProvider } from '../src/index.js';

/** A key of the Gemini format, built at run time so no key-like text sits in the sources. */
export const testKey = (fill = 'x'): string => `AIza${fill.repeat(35)}`;

/** The emulator and a provider pointed at it. */
export interface GoogleTestKit {
  emulator: Emulator;
  google: GoogleProvider;
  model(modelId?: string): LanguageModel;
  close(): Promise<void>;
}

/** Starts an emulator and a Google provider that talks to it; `close` stops both. */
export async function startGoogleKit(options: GoogleProviderOptions = {}): Promise<GoogleTestKit> {
  const emulator = await startEmulator();
  const google = createGoogle({
    apiKey: testKey(),
    endpoint: emulator.baseURL('google'),
    ...options,
  });
  return {
    emulator,
    google,
    model: (modelId = 'gemini-3.5-flash') => google.createModel(modelId),
    close: async () => {
      await google.close();
      await emulator.close();
    },
  };
}

/** A request with one user text message. */
export function ask(text: string, extra: Partial<ModelRequest> = {}): ModelRequest {
  return { messages: [{ role: 'user', content: [{ type: 'text', text }] }], ...extra };
}

/** Reads a whole stream. */
export async function collect(stream: AsyncIterable<ModelStreamPart>): Promise<ModelStreamPart[]> {
  const parts: ModelStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

/** Reads a stream until it throws; returns the parts before and the error. */
export async function collectUntilThrow(
  stream: AsyncIterable<ModelStreamPart>,
): Promise<{ parts: ModelStreamPart[]; error: unknown }> {
  const parts: ModelStreamPart[] = [];
  try {
    for await (const part of stream) parts.push(part);
  } catch (error) {
    return { parts, error };
  }
  return { parts, error: undefined };
}

/** The parsed JSON body of the emulator's `index`-th request. */
export function bodyOf(emulator: Emulator, index = 0): Record<string, unknown> {
  return emulator.requests[index]?.body as Record<string, unknown>;
}
