/**
 * One `createAgentry` with two provider plug-ins side by side: `@agentry/openai` and this Acme
 * plug-in, provider type `acme`. OpenAI fails (its emulator answers 503), so the agent falls back
 * along the configured chain to `acme:acme-large`, which answers in Acme's own protocol from a
 * protocol emulator. Offline; no key is needed:
 *
 * ```sh
 * pnpm --filter @agentry/example-custom-vendor demo "Why is the sky blue?"
 * ```
 */
import { randomBytes } from 'node:crypto';
import { AgentryError, createAgentry } from '@agentry/core';
import { openaiPlugin } from '@agentry/openai';
import { startEmulator, startProtocolEmulator } from '@agentry/testing';
import { acmeFallbackConfiguration } from './acme-configuration.js';
import { acmeProvider } from './index.js';
import { readAcmeRequest, serveAcme } from './serve-acme.js';

const prompt = process.argv[2] ?? 'Say hello in five words.';
const openai = await startEmulator({
  defaultTurn: { kind: 'error', status: 503, error: 'overloaded' },
});
const acme = await startProtocolEmulator({
  serve: serveAcme,
  readRequest: readAcmeRequest,
  defaultTurn: { text: 'Hello from Acme, in its own protocol!', chunkDelayMs: 40 },
});
const agentry = await createAgentry({
  config: acmeFallbackConfiguration({ openai: openai.baseURL('openai-responses'), acme: acme.url }),
  // Stand-in keys, made at run time: both vendors are emulated.
  env: {
    OPENAI_API_KEY: `sk-demo-${randomBytes(24).toString('hex')}`,
    ACME_API_KEY: `acme-demo-${randomBytes(16).toString('hex')}`,
  },
  plugins: [openaiPlugin(), acmeProvider()],
  resilience: {
    retry: { maxAttempts: 1, baseDelay: 1, maxDelay: 1, jitter: false, strategy: 'fixed' },
  },
});

try {
  const agent = agentry.createAgent({ instructions: 'Be brief.' });
  const result = await agent.send(prompt);
  const last = agent.state.messages.at(-1);
  console.log(result.text);
  console.log(`\n[answered by ${last?.type === 'agent' ? last.model : 'nobody'}]`);
  console.log(
    `[openai: ${openai.requests.length} request(s) failed with 503; acme: ${acme.requests.length} request(s)]`,
  );
} catch (error) {
  if (!AgentryError.isInstance(error)) throw error;
  console.error(`${error.code}: ${error.message}`);
  for (const suggestion of error.suggestions) console.error(`- ${suggestion}`);
  process.exitCode = 1;
} finally {
  await agentry.shutdown();
  await Promise.all([openai.close(), acme.close()]);
}
