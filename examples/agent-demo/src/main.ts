/**
 * The main demo: one agent with two tools answers the same question on OpenAI, Anthropic and
 * Google, streaming its answer to the terminal; then the fallback chain takes over when the first
 * provider fails. A provider whose API key is set in the environment (`OPENAI_API_KEY`,
 * `ANTHROPIC_API_KEY`, `GEMINI_API_KEY`) is called for real; the others, and the fallback part,
 * run against the local provider emulator, through the same official SDKs.
 */
import { randomBytes } from 'node:crypto';
import { anthropicModels, anthropicPlugin } from '@agentry/anthropic';
import {
  AgentryError,
  createAgentry,
  type Agent,
  type AgentryPlugin,
  type CreateAgentryOptions,
  type ModelInfo,
} from '@agentry/core';
import { googleModels, googlePlugin } from '@agentry/google';
import { openaiModels, openaiPlugin } from '@agentry/openai';
import { startEmulator, type Emulator, type EmulatorApi } from '@agentry/testing';
import { emulatedModel } from './emulated-model.js';
import { getLocalTime, getWeather } from './tools.js';

interface Vendor {
  type: 'openai' | 'anthropic' | 'google';
  model: string;
  envKey: string;
  api: EmulatorApi;
  catalogue: readonly ModelInfo[];
  plugin: () => AgentryPlugin;
  /** A throwaway key of the vendor's format, made at run time, for the emulator. */
  throwawayKey: () => string;
}

const random = (length: number) => randomBytes(length).toString('base64url').slice(0, length);

const vendors: Vendor[] = [
  {
    type: 'openai',
    model: 'gpt-5.4-mini',
    envKey: 'OPENAI_API_KEY',
    api: 'openai-responses',
    catalogue: openaiModels,
    plugin: () => openaiPlugin(),
    throwawayKey: () => `sk-proj-${random(64).replace(/[-_]/g, 'a')}`,
  },
  {
    type: 'anthropic',
    model: 'claude-haiku-5-5',
    envKey: 'ANTHROPIC_API_KEY',
    api: 'anthropic',
    catalogue: anthropicModels,
    plugin: () => anthropicPlugin(),
    throwawayKey: () => `sk-ant-api03-${random(95)}AA`,
  },
  {
    type: 'google',
    model: 'gemini-3.5-flash',
    envKey: 'GEMINI_API_KEY',
    api: 'google',
    catalogue: googleModels,
    plugin: () => googlePlugin(),
    throwawayKey: () => `AIza${random(35)}`,
  },
];

const bold = (text: string) => `\x1b[1m${text}\x1b[0m`;
const dim = (text: string) => `\x1b[2m${text}\x1b[0m`;

function modelInfo(vendor: Vendor): ModelInfo {
  const info = vendor.catalogue.find((entry) => entry.name === vendor.model);
  if (!info) throw new Error(`${vendor.type}:${vendor.model} is not in its catalogue.`);
  return info;
}

/**
 * A configuration with the three providers. A provider runs against the emulator (its endpoint
 * and a throwaway key) unless `real` says it has a key of its own.
 */
function configuration(emulator: Emulator, real: ReadonlySet<string>, primary: Vendor) {
  return {
    schemaVersion: '1.0.0',
    authentication: {
      providers: vendors.map((vendor) => ({
        name: vendor.type,
        type: vendor.type,
        ...(real.has(vendor.type) ? {} : { endpoint: emulator.baseURL(vendor.api) }),
        authentication: {
          type: 'api_key',
          configuration: { apiKey: `\${env:${vendor.envKey}}` },
        },
        models: [modelInfo(vendor)],
      })),
      oauth2: {
        clientId: 'agentry-demo',
        scopes: ['models.invoke'],
        redirectUri: 'http://localhost:3000/oauth/callback',
        tokenEndpoint: 'https://auth.example.com/oauth2/token',
      },
      apiKeyRotation: { enabled: false, rotationInterval: 24, maxAge: 720 },
    },
    models: {
      defaultModel: `${primary.type}:${primary.model}`,
      availableModels: Object.fromEntries(
        vendors.map((vendor) => [`${vendor.type}:${vendor.model}`, modelInfo(vendor)]),
      ),
      autoDetection: true,
      fallbackChain: vendors.map((vendor) => `${vendor.type}:${vendor.model}`),
    },
    versioning: {
      semantic: true,
      autoDetection: false,
      compatibilityMatrix: [],
      migrationStrategy: { type: 'automatic', rollbackSupport: true, dataBackup: true },
    },
  };
}

/** Sends the question and prints the run as it happens: tool calls, results, streamed text. */
async function ask(agent: Agent, question: string): Promise<void> {
  console.log(`${dim('you:')} ${question}`);
  const started = performance.now();
  const run = agent.send(question);
  let answering = false;
  for await (const part of run) {
    if (part.type === 'model-error') {
      const next = part.willRetry ? '; another attempt follows' : '';
      console.log(
        dim(`  ${part.model} failed (${part.error.code}, attempt ${part.attempt})${next}`),
      );
    } else if (part.type === 'tool-call-end') {
      console.log(dim(`  → ${part.toolName}(${part.input})`));
    } else if (part.type === 'tool-response') {
      console.log(dim(`  ← ${JSON.stringify(part.result.output)}`));
    } else if (part.type === 'text-delta') {
      if (!answering) process.stdout.write(`${dim('agent:')} `);
      answering = true;
      process.stdout.write(part.delta);
    }
  }
  const result = await run;
  const last = result.messages.at(-1);
  const model = last?.type === 'agent' ? last.model : 'unknown';
  console.log(
    `\n${dim(`  answered by ${model} in ${result.stepCount} steps, ${result.usage.totalTokens} tokens, ${Math.round(performance.now() - started)} ms`)}`,
  );
}

const question = 'What is the weather like in Lisbon right now, and what time is it there?';

/** Starts Agentry with the three provider plug-ins, asks the question once, and shuts down. */
async function askWith(options: Omit<CreateAgentryOptions, 'plugins'>): Promise<void> {
  const agentry = await createAgentry({
    ...options,
    plugins: vendors.map((entry) => entry.plugin()),
  });
  try {
    const agent = agentry.createAgent({
      instructions: 'You answer briefly. Use the tools for weather and time; never guess them.',
      tools: [getWeather, getLocalTime],
    });
    await ask(agent, question);
  } finally {
    await agentry.shutdown();
  }
}
const emulator = await startEmulator({ defaultTurn: emulatedModel });
const env: Record<string, string | undefined> = { ...process.env };
const real = new Set<string>();
for (const vendor of vendors) {
  if (process.env[vendor.envKey]) real.add(vendor.type);
  else env[vendor.envKey] = vendor.throwawayKey();
}

try {
  for (const vendor of vendors) {
    const where = real.has(vendor.type)
      ? `the real API (${vendor.envKey} is set)`
      : `the local emulator (${vendor.envKey} is not set)`;
    console.log(`\n${bold(`${vendor.type}:${vendor.model}`)} ${dim(`on ${where}`)}`);
    await askWith({ config: configuration(emulator, real, vendor), env });
  }

  // The fallback chain: the emulator fails every OpenAI call, so the agent moves on to Anthropic.
  console.log(
    `\n${bold('Fallback')} ${dim('the emulator answers OpenAI with 503s: the chain moves on, and the open circuit breaker skips OpenAI from then on')}`,
  );
  emulator.setDefault((request) =>
    request.api === 'openai-responses' || request.api === 'openai-chat'
      ? { kind: 'error', status: 503, message: 'The server is overloaded.' }
      : typeof emulatedModel === 'function'
        ? emulatedModel(request)
        : emulatedModel,
  );
  const emulatedOnly = new Set<string>();
  const fallbackEnv = { ...env };
  for (const vendor of vendors) fallbackEnv[vendor.envKey] = vendor.throwawayKey();
  await askWith({
    config: configuration(emulator, emulatedOnly, vendors[0]!),
    env: fallbackEnv,
    resilience: {
      retry: { maxAttempts: 2, baseDelay: 100, maxDelay: 200, jitter: false, strategy: 'fixed' },
      // Two failures open OpenAI's breaker, so the turn's second step goes straight to Anthropic.
      circuitBreaker: { failureThreshold: 2, recoveryTimeout: 30_000, halfOpenMaxCalls: 1 },
    },
  });
} catch (error) {
  if (AgentryError.isInstance(error)) {
    console.error(`\n${error.code}: ${error.message}`);
    for (const suggestion of error.suggestions) console.error(`  - ${suggestion}`);
    process.exitCode = 1;
  } else throw error;
} finally {
  await emulator.close();
}
