/**
 * Streams one answer from an OpenAI-compatible server through the provider:
 *
 * ```sh
 * npx tsx src/main.ts "Why is the sky blue?"          # Ollama on localhost:11434, model llama3.2
 * COMPATIBLE_ENDPOINT=http://localhost:8000/v1 COMPATIBLE_MODEL=Qwen/Qwen3-8B npx tsx src/main.ts
 * npx tsx src/main.ts --emulator                      # offline, against the local emulator
 * ```
 */
import { AgentryError, type ModelRequest } from '@agentry/core';
import { startEmulator } from '@agentry/testing';
import { createCompatibleProvider } from './index.js';

const useEmulator = process.argv.includes('--emulator');
const prompt =
  process.argv.slice(2).find((argument) => !argument.startsWith('--')) ??
  'Say hello in five words.';
const emulator = useEmulator ? await startEmulator() : undefined;
emulator?.enqueue({ text: 'Hello from the local emulator!', chunkDelayMs: 50 });

const modelId = process.env.COMPATIBLE_MODEL ?? 'llama3.2';
const provider = createCompatibleProvider({
  endpoint:
    emulator?.baseURL('openai-chat') ??
    process.env.COMPATIBLE_ENDPOINT ??
    'http://localhost:11434/v1',
  apiKey: process.env.COMPATIBLE_API_KEY,
  models: [{ name: modelId }],
});

const request: ModelRequest = {
  messages: [{ role: 'user', content: [{ type: 'text', text: prompt }] }],
};
try {
  for await (const part of provider.createModel(modelId).stream(request)) {
    if (part.type === 'text-delta') process.stdout.write(part.delta);
    if (part.type === 'error') throw part.error;
    if (part.type === 'response-end') {
      console.log(`\n\n[${part.finishReason}, ${part.usage.totalTokens} tokens]`);
    }
  }
} catch (error) {
  if (!AgentryError.isInstance(error)) throw error;
  console.error(`\n${error.code}: ${error.message}`);
  for (const suggestion of error.suggestions) console.error(`- ${suggestion}`);
  process.exitCode = 1;
} finally {
  await provider.close();
  await emulator?.close();
}
