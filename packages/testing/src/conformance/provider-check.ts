import { randomBytes } from 'node:crypto';
import type { LanguageModel } from '@agentry/core';
import type { EmulatorApi } from '../emulator/emulator-types.js';
import { startEmulator } from '../emulator/start-emulator.js';
import { type ConformanceServer, emulatorServer, protocolServer } from './conformance-server.js';
import type { ProviderConformanceOptions } from './provider-conformance-options.js';
import { startProtocolEmulator } from './serve/start-protocol-emulator.js';

/**
 * What one conformance check gets: the suite's server (reset before each check), the model
 * factory and what the provider declared.
 *
 * @internal
 */
export interface ProviderCheckContext {
  /** The built-in wire format the provider speaks, or `undefined` for its own protocol. */
  readonly api: EmulatorApi | undefined;
  /** The model id the checks create. */
  readonly modelId: string;
  /** The API key given to the model. */
  readonly apiKey: string;
  /** The suite's server. */
  readonly server: ConformanceServer;
  /** Whether the provider streams reasoning. */
  readonly reasoning: boolean;
  /** Whether usage must carry reasoning tokens. */
  readonly reasoningTokens: boolean;
  /** Whether usage must carry cached input tokens. */
  readonly cachedInputTokens: boolean;
  /** The vision the author declared, when they did. */
  readonly vision: boolean | undefined;
  /** Creates the model under test, pointed at `server` (default the suite's). */
  createModel(server?: ConformanceServer): LanguageModel;
  /** Starts another server of the suite's kind, for checks that count sockets or close it. */
  startServer(): Promise<ConformanceServer>;
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
 * Starts the server a provider talks to: the emulator for a built-in wire format, or the kit's
 * server answering through the author's `serve`.
 *
 * @internal
 */
export async function startConformanceServer(
  options: ProviderConformanceOptions,
): Promise<ConformanceServer> {
  if (options.serve !== undefined) {
    const { serve, readRequest } = options;
    return protocolServer(await startProtocolEmulator({ serve, readRequest }));
  }
  return emulatorServer(await startEmulator(), options.api);
}

/**
 * Makes the context of the checks for one provider and the suite's server.
 *
 * @internal
 */
export function createProviderCheckContext(
  options: ProviderConformanceOptions,
  server: ConformanceServer,
  apiKey: string = createConformanceKey(),
): ProviderCheckContext {
  const modelId = options.modelId ?? 'conformance-model';
  const capabilities = options.capabilities ?? {};
  return {
    api: options.api,
    modelId,
    apiKey,
    server,
    reasoning: capabilities.reasoning ?? false,
    reasoningTokens: capabilities.reasoningTokens ?? options.api !== 'anthropic',
    cachedInputTokens: capabilities.cachedInputTokens ?? true,
    vision: capabilities.vision,
    createModel: (target = server) => {
      const context = { baseURL: target.baseURL, modelId, apiKey };
      if (options.serve !== undefined) return options.createModel(context);
      if (target.emulator === undefined) {
        throw new Error('A built-in wire format needs the emulator; the server has none.');
      }
      return options.createModel({ ...context, emulator: target.emulator });
    },
    startServer: () => startConformanceServer(options),
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
 * Runs `work` with a server of its own, closed afterwards: for checks that count the sockets a
 * model leaves open, which the suite's server shares with earlier checks.
 *
 * @internal
 */
export async function withOwnServer<TResult>(
  context: ProviderCheckContext,
  work: (server: ConformanceServer) => Promise<TResult>,
): Promise<TResult> {
  const server = await context.startServer();
  try {
    return await work(server);
  } finally {
    await server.close();
  }
}
