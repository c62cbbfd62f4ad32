import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import type { Emulator } from '../emulator/emulator.js';
import { startEmulator } from '../emulator/start-emulator.js';
import { createProviderCheckContext, type ProviderCheckContext } from './provider-check.js';
import { providerChecks } from './provider-checks.js';
import type { ProviderConformanceOptions } from './provider-conformance-options.js';

/** How long one check may run; each call inside has a shorter deadline of its own. */
const CHECK_TIMEOUT_MS = 30_000;

/**
 * Registers a vitest `describe` block that checks a provider's `LanguageModel` against the model
 * contract, over HTTP, with the local provider emulator answering in the provider's wire format.
 * Call it at the top level of a test file; it needs `vitest`, an optional peer dependency of
 * `@agentry/testing`.
 *
 * The suite starts one emulator before its tests, resets it before each, and closes it
 * afterwards; checks that count sockets start one of their own. It checks, through `stream` and
 * `generate`:
 *
 * - **stream and generate**: each text block is `text-start`, deltas, `text-end`; one
 *   `response-end` comes last with the finish reason (`stop`, `length`, `content-filter`) and
 *   usage; `generate` returns the same content; the model id, the API key and `options.headers`
 *   are sent; reasoning, when `capabilities.reasoning` is set;
 * - **usage**: input, output, total, cached and reasoning tokens carried over from the server;
 * - **tool calls** (when the model declares `supportsFunctions`): a parallel call whose arguments
 *   arrive in pieces (Gemini sends each call whole) streams as `tool-call-start`,
 *   `tool-call-delta`s and `tool-call-end` with the exact arguments text; malformed arguments pass through; tool calls and results are sent back
 *   with their call ids and the answer is streamed;
 * - **abort**: an aborted signal rejects with `aborted` before any request; aborting a slow stream
 *   or a waiting `generate` ends it with `aborted` at once and closes the socket, as does a
 *   consumer that stops reading;
 * - **errors**: 429 with `retry-after` is `rate_limited` with `details.retryAfterMs`, 401
 *   `auth_failed` (without the key in the error), 500 and 503 `provider_unavailable`, 400
 *   `invalid_request`; a reset mid-stream is an `error` part of code `network` after the parts
 *   already sent (or a thrown `network` before any); a malformed event or the vendor's error event
 *   mid-stream end the stream with an `AgentryError`; a refused connection is `network`;
 *   failures come from the iterator, not from `stream()`;
 * - **retries**: exactly one HTTP request per failed call;
 * - **capabilities**: `v1`, the model id, a provider type and capabilities valid per
 *   `modelCapabilitiesSchema`; an image to a model without vision is refused with
 *   `invalid_request` before any request (a model with vision sends it).
 *
 * Each failure says what the provider did and what the contract wants instead.
 *
 * @param options - the provider under test, its wire format, and what it does beyond what its model declares
 * @throws ProviderConformanceError from a registered test whose check the provider fails
 * @example
 * ```ts
 * // src/conformance.test.ts
 * import { describeProviderConformance } from '@agentry/testing/vitest';
 * import { createCompatibleProvider } from './index.js';
 *
 * describeProviderConformance({
 *   name: 'createCompatibleProvider',
 *   api: 'openai-chat',
 *   modelId: 'llama3.2',
 *   createModel: ({ baseURL, apiKey, modelId }) =>
 *     createCompatibleProvider({ endpoint: baseURL, apiKey, models: [{ name: modelId }] }).createModel(modelId),
 * });
 * ```
 */
export function describeProviderConformance(options: ProviderConformanceOptions): void {
  describe(`${options.name} (provider conformance, ${options.api})`, () => {
    let emulator: Emulator | undefined;

    beforeAll(async () => {
      emulator = await startEmulator();
    });

    afterAll(async () => {
      await emulator?.close();
    });

    beforeEach(() => {
      emulator?.reset();
    });

    const context = (): ProviderCheckContext => {
      if (emulator === undefined) throw new Error('The emulator is only available inside a test.');
      return createProviderCheckContext(options, emulator);
    };

    const groups = [...new Set(providerChecks.map((check) => check.group))];
    for (const group of groups) {
      describe(group, () => {
        for (const check of providerChecks.filter((candidate) => candidate.group === group)) {
          it(
            check.name,
            async (test) => {
              const current = context();
              const reason = check.skip?.(current);
              if (reason !== undefined) test.skip(reason);
              await check.run(current);
            },
            CHECK_TIMEOUT_MS,
          );
        }
      });
    }
  });
}
