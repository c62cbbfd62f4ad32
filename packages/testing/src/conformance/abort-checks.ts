import { generateCall, streamCall, waitUntil } from './call-model.js';
import { userRequest } from './conformance-requests.js';
import { conformanceScenarios } from './conformance-scenarios.js';
import type { ConformanceServer } from './conformance-server.js';
import { expectGenerateThrew, expectStreamFailure, expectStreamThrew } from './expect-outcome.js';
import { check, type ProviderCheck, withOwnServer } from './provider-check.js';

const group = 'abort';

/** How long the server's socket may stay open after an abort or an early stop. */
const CLOSE_WITHIN_MS = 2000;

/** How long the stall check waits, after the request arrived, before it aborts. */
const STALL_ABORT_AFTER_MS = 300;

async function expectClosed(server: ConformanceServer, after: string): Promise<void> {
  const closed = await waitUntil(() => server.openConnections === 0, CLOSE_WITHIN_MS);
  check(
    closed,
    () =>
      `${server.openConnections} connection(s) to the server stayed open ${CLOSE_WITHIN_MS} ms ${after}: pass the signal to fetch (or the SDK) and cancel the response body, so the socket is closed.`,
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
      context.server.setDefault({ text: 'This answer should never be asked for.' });
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
        context.server.requests.length === 0,
        `The provider sent ${context.server.requests.length} request(s) for calls whose signal was already aborted.`,
      );
    },
  },
  {
    group,
    name: 'ends a slow stream with aborted when the signal aborts, and closes the connection',
    async run(context) {
      await withOwnServer(context, async (server) => {
        server.enqueue(conformanceScenarios.slowStream);
        const controller = new AbortController();
        let abortedAt = 0;
        const outcome = await streamCall(context.createModel(server), userRequest('Talk slowly.'), {
          signal: controller.signal,
          deadlineMs: 3000,
          onPart(part) {
            if (part.type === 'text-delta' && abortedAt === 0) {
              abortedAt = Date.now();
              controller.abort();
            }
            return undefined;
          },
        });
        check(abortedAt > 0, 'The slow stream sent no text-delta, so the kit could not abort it.');
        const endedAfter = Date.now() - abortedAt;
        expectStreamFailure(outcome, ['aborted'], 'aborted after its first text delta', true);
        check(
          endedAfter < 1000,
          `The stream ended ${endedAfter} ms after its signal aborted; stop at once.`,
        );
        await expectClosed(server, 'after the stream was aborted');
      });
    },
  },
  {
    group,
    name: 'ends a stalled stream with aborted when the signal aborts, and closes the connection',
    async run(context) {
      await withOwnServer(context, async (server) => {
        server.enqueue(conformanceScenarios.stall);
        const controller = new AbortController();
        const pending = streamCall(context.createModel(server), userRequest('Count.'), {
          signal: controller.signal,
          deadlineMs: 3000,
        });
        // The stall's first events go out at once; after a pause, the server is silent.
        const sent = await waitUntil(() => server.requests.length > 0, 2000);
        await new Promise((resolve) => setTimeout(resolve, STALL_ABORT_AFTER_MS));
        const abortedAt = Date.now();
        controller.abort();
        const outcome = await pending;
        check(sent, 'The provider sent no request within 2000 ms.');
        const endedAfter = Date.now() - abortedAt;
        expectStreamFailure(outcome, ['aborted'], 'aborted while the server sent nothing', true);
        check(
          endedAfter < 1000,
          `The stalled stream ended ${endedAfter} ms after its signal aborted; stop waiting for the next event at once.`,
        );
        await expectClosed(server, 'after the stalled stream was aborted');
      });
    },
  },
  {
    group,
    name: 'closes the connection when the consumer stops reading early',
    async run(context) {
      await withOwnServer(context, async (server) => {
        server.enqueue(conformanceScenarios.slowStream);
        const outcome = await streamCall(context.createModel(server), userRequest('Talk slowly.'), {
          deadlineMs: 3000,
          onPart: (part) => (part.type === 'text-delta' ? 'stop' : undefined),
        });
        check(
          outcome.stopped,
          'The slow stream ended before its first text-delta, so the kit could not stop reading it.',
        );
        await expectClosed(server, "after the consumer stopped reading (the iterator's return())");
      });
    },
  },
  {
    group,
    name: 'rejects generate with aborted when the signal aborts during the call, and closes the connection',
    async run(context) {
      await withOwnServer(context, async (server) => {
        server.enqueue(conformanceScenarios.slowStart);
        const controller = new AbortController();
        const pending = generateCall(context.createModel(server), userRequest('Wait.'), {
          signal: controller.signal,
          deadlineMs: 3000,
        });
        const sent = await waitUntil(() => server.requests.length > 0, 2000);
        controller.abort();
        const outcome = await pending;
        check(sent, 'generate sent no request within 2000 ms.');
        expectGenerateThrew(outcome, ['aborted'], 'aborted while the server was still thinking');
        await expectClosed(server, 'after generate was aborted');
      });
    },
  },
];
