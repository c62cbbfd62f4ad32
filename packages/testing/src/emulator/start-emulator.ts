import { createEmulatorServer } from './create-emulator-server.js';
import type { Emulator, EmulatorOptions } from './emulator.js';
import { defaultWireFormats } from './wire/index.js';

export type { Emulator, EmulatorOptions } from './emulator.js';

/**
 * Starts a local provider emulator: an HTTP server on `127.0.0.1` (a free port unless `port` is
 * given) that answers OpenAI Chat Completions, OpenAI Responses, Anthropic Messages and Google
 * Gemini requests in each vendor's wire format, streamed or not, with scripted turns. Tests point
 * the official SDKs at {@link Emulator.baseURL} and script answers, failures, delays, resets and
 * malformed events without a network or an API key.
 *
 * @throws AgentryError `internal` when the server cannot listen (for example, the port is taken)
 * @example
 * ```ts
 * import { startEmulator } from '@agentry/testing';
 *
 * const emulator = await startEmulator();
 * emulator.enqueue({ text: 'It is 21 °C in Oslo.' });
 * const response = await fetch(`${emulator.baseURL('openai-chat')}/chat/completions`, {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Weather?' }] }),
 * });
 * (await response.json()).choices[0].message.content; // 'It is 21 °C in Oslo.'
 * emulator.requests[0]?.model; // 'gpt-4o'
 * await emulator.close();
 * ```
 */
export function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return createEmulatorServer({ ...options, formats: options.formats ?? defaultWireFormats });
}
