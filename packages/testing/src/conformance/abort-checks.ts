import type { Emulator } from '../emulator/emulator.js';
import { generateCall, streamCall, waitUntil } from './call-model.js';
import { userRequest } from './conformance-requests.js';
import { expectGenerateThrew, expectStreamFailure, expectStreamThrew } from './expect-outcome.js';
import { check, type ProviderCheck, withOwnEmulator } from './provider-check.js';

const group = 'abort';

/** How long the server's socket may stay open after an abort or an early stop. */
const CLOSE_WITHIN_MS = 2000;

/** A reply that streams for six seconds, one word every 100 ms. */
const slowReply = {
  text: Array.from({ length: 60 }, (_, index) => `word${index}`).join(' '),
  textChunks: 60,
  chunkDelayMs: 100,
};

async function expectClosed(emulator: Emulator, after: string): Promise<void> {
  const closed = await waitUntil(() => emulator.openConnections === 0, CLOSE_WITHIN_MS);
  check(
    closed,
    () =>
      `${emulator.openConnections} connection(s) to the server stayed open ${CLOSE_WITHIN_MS} ms ${after}: pass the signal to fetch (or the SDK) and cancel the response body, so the socket is closed.`,
  );
}

/**
 * Checks of `options.signal` and of a consumer that stops reading: the call ends with `aborted`
 * at once and the connection is closed.
 *
 * @internal
 */
export const abortChecks: readonly ProviderCheck[] = [
  {
    group,
    name: 'rejects with aborted when the signal is aborted before the call, sending nothing',
    async run(context) {
      context.emulator.setDefault({ text: 'This answer should never be asked for.' });
      const model = context.createModel();
      const signal = AbortSignal.abort();
      const scenario = 'of a call whose signal was already aborted';
      expectStreamThrew(
        await streamCall(model, userRequest('Hi'), { signal }),
        ['aborted'],
        scenario,
      );
      expectGenerateThrew(
        await generateCall(model, userRequest('Hi'), { signal }),
        ['aborted'],
        scenario,
      );
      check(
        context.emulator.requests.length === 0,
        `The provider sent ${context.emulator.requests.length} request(s) for calls whose signal was already aborted.`,
      );
    },
  },
  {
    group,
    name: 'ends a slow stream with aborted when the signal aborts, and closes the connection',
    async run(context) {
      await withOwnEmulator(async (emulator) => {
        emulator.enqueue(slowReply);
        const controller = new AbortController();
        let abortedAt = 0;
        const outcome = await streamCall(
          context.createModel(emulator),
          userRequest('Talk slowly.'),
          {
            signal: controller.signal,
            deadlineMs: 3000,
            onPart(part) {
              if (part.type === 'text-delta' && abortedAt === 0) {
                abortedAt = Date.now();
                controller.abort();
              }
              return undefined;
            },
          },
        );
        check(abortedAt > 0, 'The slow stream sent no text-delta, so the kit could not abort it.');
        const endedAfter = Date.now() - abortedAt;
        expectStreamFailure(outcome, ['aborted'], 'aborted after its first text delta', true);
        check(
          endedAfter < 1000,
          `The stream ended ${endedAfter} ms after its signal aborted; stop at once.`,
        );
        await expectClosed(emulator, 'after the stream was aborted');
      });
    },
  },
  {
    group,
    name: 'closes the connection when the consumer stops reading early',
    async run(context) {
      await withOwnEmulator(async (emulator) => {
        emulator.enqueue(slowReply);
        const outcome = await streamCall(
          context.createModel(emulator),
          userRequest('Talk slowly.'),
          {
            deadlineMs: 3000,
            onPart: (part) => (part.type === 'text-delta' ? 'stop' : undefined),
          },
        );
        check(
          outcome.stopped,
          'The slow stream ended before its first text-delta, so the kit could not stop reading it.',
        );
        await expectClosed(
          emulator,
          "after the consumer stopped reading (the iterator's return())",
        );
      });
    },
  },
  {
    group,
    name: 'rejects generate with aborted when the signal aborts during the call, and closes the connection',
    async run(context) {
      await withOwnEmulator(async (emulator) => {
        emulator.enqueue({ text: 'Too late.', delayMs: 5000 });
        const controller = new AbortController();
        const pending = generateCall(context.createModel(emulator), userRequest('Wait.'), {
          signal: controller.signal,
          deadlineMs: 3000,
        });
        const sent = await waitUntil(() => emulator.requests.length > 0, 2000);
        controller.abort();
        const outcome = await pending;
        check(sent, 'generate sent no request within 2000 ms.');
        expectGenerateThrew(outcome, ['aborted'], 'aborted while the server was still thinking');
        await expectClosed(emulator, 'after generate was aborted');
      });
    },
  },
];
