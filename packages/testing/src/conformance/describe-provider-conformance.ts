import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { checkConformanceOptions } from './check-conformance-options.js';
import type { ConformanceServer } from './conformance-server.js';
import { describeError } from './expect-outcome.js';
import {
  createProviderCheckContext,
  fail,
  type ProviderCheckContext,
  startConformanceServer,
} from './provider-check.js';
import { providerChecks } from './provider-checks.js';
import type { ProviderCheck } from './provider-check.js';
import type { ProviderConformanceOptions } from './provider-conformance-options.js';

/** How long one check may run; each call inside has a shorter deadline of its own. */
const CHECK_TIMEOUT_MS = 30_000;

/**
 * Registers a vitest `describe` block that checks a provider's `LanguageModel` against the model
 * contract, over HTTP. Call it at the top level of a test file; it needs `vitest`, an optional peer
 * dependency of `@agentry/testing`.
 *
 * Each check scripts scenarios (`conformanceScenarios` of `@agentry/testing`: text, reasoning, parallel tool
 * calls with arguments in pieces, usage, errors with status and headers, `retry-after`, a reset
 * after N events, a malformed event, a stall, a slow stream to abort). Who answers them:
 *
 * - **a built-in wire format** (`api`): the local provider emulator answers in it;
 * - **your own protocol** (`serve` and `readRequest`): the kit's server hands each scenario to your
 *   `serve`, which returns the body or the stream's events in your vendor's protocol; the kit
 *   owns the server, the pacing, resets and stalls, and the assertions, and fails a check during
 *   which your `serve` or `readRequest` threw or left out a fault's event.
 *
 * The suite starts one server before its tests, resets it before each, and closes it afterwards;
 * checks that count sockets start one of their own. It checks, through `stream` and `generate`:
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
 * - **abort**: an aborted signal rejects with `aborted` before any request; aborting a slow stream,
 *   a stalled stream or a waiting `generate` ends it with `aborted` at once and closes the socket,
 *   as does a consumer that stops reading;
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
 * @param options - the provider under test, its wire format or its own `serve`, and what it does
 *   beyond what its model declares
 * @throws AgentryError `validation_failed` at once when the options give both `api` and `serve`,
 *   neither, an unknown `api`, or `serve` without `readRequest`
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
 *
 * // A vendor with its own protocol: the kit serves each scenario through your encoder.
 * describeProviderConformance({
 *   name: 'createAcmeProvider',
 *   modelId: 'acme-large',
 *   serve: serveAcme, // (scenario, request) => { body } or { events, faultEvent }
 *   readRequest: readAcmeRequest, // (request) => { model, toolCallIds, toolResultIds }
 *   createModel: ({ baseURL, apiKey, modelId }) =>
 *     createAcmeProvider({ baseURL, apiKey }).createModel(modelId),
 * });
 * ```
 */
export function describeProviderConformance(options: ProviderConformanceOptions): void {
  checkConformanceOptions(options);
  describe(`${options.name} (provider conformance, ${options.api ?? 'own protocol'})`, () => {
    let server: ConformanceServer | undefined;

    beforeAll(async () => {
      server = await startConformanceServer(options);
    });

    afterAll(async () => {
      await server?.close();
    });

    beforeEach(() => {
      server?.reset();
    });

    const context = (): ProviderCheckContext => {
      if (server === undefined) throw new Error('The server is only available inside a test.');
      return createProviderCheckContext(options, server);
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
              await runCheck(check, current);
            },
            CHECK_TIMEOUT_MS,
          );
        }
      });
    }
  });
}

/**
 * Runs one check, then fails it if the author's `serve` or `readRequest` went wrong during it (a
 * throw, an answer of the wrong shape, a fault without its event), even when the provider coped.
 *
 * @internal
 */
export async function runCheck(check: ProviderCheck, context: ProviderCheckContext): Promise<void> {
  let failed = false;
  let failure: unknown;
  try {
    await check.run(context);
  } catch (error) {
    failed = true;
    failure = error;
  }
  const problems = context.server.problems;
  if (problems.length > 0) {
    const listed = problems.map((problem) => `- ${problem}`).join('\n');
    const after = failed ? `\nThe check also failed: ${describeError(failure)}` : '';
    fail(`Your encoder went wrong during this check, so it proves nothing:\n${listed}${after}`);
  }
  if (failed) throw failure;
}
