import type { ErrorCode } from '@agentry/core';
import type { EmulatorFailure } from '../emulator/emulator-types.js';
import { generateCall, streamCall } from './call-model.js';
import { userRequest } from './conformance-requests.js';
import { conformanceScenarios } from './conformance-scenarios.js';
import { expectGenerateThrew, expectStreamFailure, expectStreamThrew } from './expect-outcome.js';
import { check, type ProviderCheck, type ProviderCheckContext } from './provider-check.js';
import type { ConformanceTurn } from './serve/serve-types.js';

const group = 'errors';

/** Streams and generates once against `failure`, expecting `code` from both. */
async function expectHttpFailure(
  context: ProviderCheckContext,
  failure: EmulatorFailure,
  expected: ErrorCode,
) {
  context.server.enqueue(failure, failure);
  const model = context.createModel();
  const scenario = `of a call answered with HTTP ${failure.status}`;
  const streamed = expectStreamThrew(
    await streamCall(model, userRequest('Hi')),
    [expected],
    scenario,
  );
  const generated = expectGenerateThrew(
    await generateCall(model, userRequest('Hi')),
    [expected],
    scenario,
  );
  return { streamed, generated };
}

/**
 * Checks that vendor, network and stream failures map to the shared provider codes.
 *
 * @internal
 */
export const errorChecks: readonly ProviderCheck[] = [
  {
    group,
    name: 'maps 429 with retry-after to rate_limited with details.retryAfterMs',
    async run(context) {
      const { streamed, generated } = await expectHttpFailure(
        context,
        conformanceScenarios.rateLimited,
        'rate_limited',
      );
      for (const [where, error] of [
        ['The stream', streamed],
        ['generate', generated],
      ] as const) {
        check(
          error.details.retryAfterMs === 7000,
          `${where}'s rate_limited error has details.retryAfterMs ${JSON.stringify(error.details.retryAfterMs)}; the server said retry-after: 7, which is 7000 ms (read it with parseRetryAfter).`,
        );
      }
    },
  },
  {
    group,
    name: 'maps 401 to auth_failed without showing the API key',
    async run(context) {
      const { streamed, generated } = await expectHttpFailure(
        context,
        conformanceScenarios.authFailed,
        'auth_failed',
      );
      for (const error of [streamed, generated]) {
        const shown = JSON.stringify([error.message, error.details, error.suggestions]);
        check(
          !shown.includes(context.apiKey),
          'The auth_failed error shows the API key in its message, details or suggestions; never put a secret in an error.',
        );
      }
    },
  },
  {
    group,
    name: 'maps 500 and 503 to provider_unavailable, and 400 to invalid_request',
    async run(context) {
      const { serverError, overloaded, badRequest } = conformanceScenarios;
      await expectHttpFailure(context, serverError, 'provider_unavailable');
      await expectHttpFailure(context, overloaded, 'provider_unavailable');
      await expectHttpFailure(context, badRequest, 'invalid_request');
    },
  },
  {
    group,
    name: 'ends with an error part of code network when the connection is reset mid-stream',
    async run(context) {
      context.server.enqueue(conformanceScenarios.resetMidStream);
      const outcome = await streamCall(context.createModel(), userRequest('Count.'));
      expectStreamFailure(outcome, ['network'], 'whose connection was reset after five events');
    },
  },
  {
    group,
    name: 'fails with network or provider_unavailable on a malformed event',
    async run(context) {
      context.server.enqueue(conformanceScenarios.malformedEvent);
      const outcome = await streamCall(context.createModel(), userRequest('Count.'));
      expectStreamFailure(
        outcome,
        ['network', 'provider_unavailable'],
        'that sent an event that is not JSON',
      );
    },
  },
  {
    group,
    name: "ends with an error part when the vendor's error event arrives mid-stream",
    async run(context) {
      context.server.enqueue(conformanceScenarios.streamError);
      const outcome = await streamCall(context.createModel(), userRequest('Count.'));
      expectStreamFailure(
        outcome,
        ['provider_unavailable', 'network'],
        'that sent an overloaded error event after three events',
      );
    },
  },
  {
    group,
    name: 'maps a refused connection to network',
    async run(context) {
      const closed = await context.startServer();
      await closed.close();
      const model = context.createModel(closed);
      const scenario = 'to a server that is not listening';
      expectStreamThrew(await streamCall(model, userRequest('Hi')), ['network'], scenario);
      expectGenerateThrew(await generateCall(model, userRequest('Hi')), ['network'], scenario);
    },
  },
  {
    group,
    name: 'fails from the iterator, not from stream() itself',
    async run(context) {
      context.server.enqueue({ kind: 'error', status: 401 });
      const outcome = await streamCall(context.createModel(), userRequest('Hi'));
      check(
        !outcome.threwSynchronously,
        'stream() threw before returning an iterable; write it as an async generator, so that the request and its failures happen on the first next().',
      );
    },
  },
];

/** A failure the retries check scripts, and how a call meets it. */
interface RetryCase {
  /** What happens, for the failure message. */
  label: string;
  /** The turn the server answers every request with. */
  turn: ConformanceTurn;
  /** Whether the case calls `generate` rather than `stream`. */
  generate?: boolean;
}

const retryCases: readonly RetryCase[] = [
  // Without retry-after: a client that retries must do so at once, within the kit's deadline.
  { label: 'HTTP 429', turn: { kind: 'error', status: 429 } },
  { label: 'HTTP 500', turn: conformanceScenarios.serverError },
  { label: 'HTTP 503', turn: conformanceScenarios.overloaded },
  { label: 'HTTP 500 (generate)', turn: conformanceScenarios.serverError, generate: true },
  { label: 'a reset before the first event', turn: conformanceScenarios.resetBeforeFirstEvent },
];

/**
 * Checks that the provider leaves retries to Agentry's router: one HTTP request per failed call.
 *
 * @internal
 */
export const retryChecks: readonly ProviderCheck[] = [
  {
    group: 'retries',
    name: 'makes exactly one HTTP request per failed call (retries are off)',
    async run(context) {
      const model = context.createModel();
      for (const { label, turn, generate } of retryCases) {
        context.server.reset();
        context.server.setDefault(turn);
        const outcome = generate
          ? await generateCall(model, userRequest('Hi'))
          : await streamCall(model, userRequest('Hi'));
        const count = context.server.requests.length;
        check(
          count === 1,
          `The provider made ${count} HTTP request(s) for one call that failed with ${label}${outcome.timedOut ? ' (and was still going when the kit gave up)' : ''}. Retries belong to Agentry's router: turn the client's retries off (maxRetries: 0).`,
        );
        check(
          !outcome.timedOut,
          `The call that failed with ${label} did not settle within ${outcome.deadlineMs} ms.`,
        );
      }
    },
  },
];
