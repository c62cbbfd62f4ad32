import type { ErrorCode } from '@agentry/core';
import type { EmulatorFailure, EmulatorTurn } from '../emulator/emulator-types.js';
import { startEmulator } from '../emulator/start-emulator.js';
import { generateCall, streamCall } from './call-model.js';
import { userRequest } from './conformance-requests.js';
import { expectGenerateThrew, expectStreamFailure, expectStreamThrew } from './expect-outcome.js';
import { check, type ProviderCheck, type ProviderCheckContext } from './provider-check.js';

const group = 'errors';
const words = 'one two three four five six seven eight nine ten eleven twelve';

/** Streams and generates once against `failure`, expecting `code` from both. */
async function expectHttpFailure(
  context: ProviderCheckContext,
  failure: EmulatorFailure,
  expected: ErrorCode,
) {
  context.emulator.enqueue(failure, failure);
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
      const failure: EmulatorFailure = {
        kind: 'error',
        status: 429,
        headers: { 'retry-after': '7' },
        message: 'Rate limit reached for requests.',
      };
      const { streamed, generated } = await expectHttpFailure(context, failure, 'rate_limited');
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
      const failure: EmulatorFailure = {
        kind: 'error',
        status: 401,
        message: 'Incorrect API key provided.',
      };
      const { streamed, generated } = await expectHttpFailure(context, failure, 'auth_failed');
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
      await expectHttpFailure(context, { kind: 'error', status: 500 }, 'provider_unavailable');
      await expectHttpFailure(
        context,
        { kind: 'error', status: 503, error: 'overloaded' },
        'provider_unavailable',
      );
      await expectHttpFailure(
        context,
        { kind: 'error', status: 400, message: 'Invalid value for temperature.' },
        'invalid_request',
      );
    },
  },
  {
    group,
    name: 'ends with an error part of code network when the connection is reset mid-stream',
    async run(context) {
      context.emulator.enqueue({
        text: words,
        textChunks: 12,
        chunkDelayMs: 20,
        resetAfterChunks: 5,
      });
      const outcome = await streamCall(context.createModel(), userRequest('Count.'));
      expectStreamFailure(outcome, ['network'], 'whose connection was reset after five events');
    },
  },
  {
    group,
    name: 'fails with network or provider_unavailable on a malformed event',
    async run(context) {
      context.emulator.enqueue({
        text: words,
        textChunks: 12,
        chunkDelayMs: 20,
        malformedAfterChunks: 3,
      });
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
      context.emulator.enqueue({
        text: words,
        textChunks: 12,
        chunkDelayMs: 20,
        streamError: {
          afterChunks: 3,
          failure: { kind: 'error', status: 503, error: 'overloaded' },
        },
      });
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
      const closed = await startEmulator();
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
      context.emulator.enqueue({ kind: 'error', status: 401 });
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
  /** The turn the emulator answers every request with. */
  turn: EmulatorTurn;
  /** Whether the case calls `generate` rather than `stream`. */
  generate?: boolean;
}

const retryCases: readonly RetryCase[] = [
  { label: 'HTTP 429', turn: { kind: 'error', status: 429 } },
  { label: 'HTTP 500', turn: { kind: 'error', status: 500 } },
  { label: 'HTTP 503', turn: { kind: 'error', status: 503, error: 'overloaded' } },
  { label: 'HTTP 500 (generate)', turn: { kind: 'error', status: 500 }, generate: true },
  { label: 'a reset before the first event', turn: { text: words, resetAfterChunks: 0 } },
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
        context.emulator.reset();
        context.emulator.setDefault(turn);
        const outcome = generate
          ? await generateCall(model, userRequest('Hi'))
          : await streamCall(model, userRequest('Hi'));
        const count = context.emulator.requests.length;
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
