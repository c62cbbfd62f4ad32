import { isDeepStrictEqual } from 'node:util';
import type { ModelResponse } from '@agentry/core';
import type { EmulatorReply } from '../emulator/emulator-types.js';
import { generateCall, streamCall } from './call-model.js';
import { conformanceTools, userRequest } from './conformance-requests.js';
import { conformanceScenarios } from './conformance-scenarios.js';
import { expectGenerateSuccess, expectStreamSuccess } from './expect-outcome.js';
import { check, type ProviderCheck } from './provider-check.js';
import { contentOf, describeParts, textOf } from './stream-parts.js';

const group = 'stream and generate';

/** Content with each part's provider metadata reduced to the providers it names. */
function comparable(content: ModelResponse['content']): unknown[] {
  return content.map((part) =>
    part.type === 'reasoning' && part.providerMetadata !== undefined
      ? { ...part, providerMetadata: Object.keys(part.providerMetadata).sort() }
      : part,
  );
}

/**
 * Checks of the stream's shape, `generate`'s agreement with it, finish reasons, and what the
 * provider sends.
 *
 * @internal
 */
export const streamChecks: readonly ProviderCheck[] = [
  {
    group,
    name: 'streams text as text-start, text-delta and text-end of one id, then one response-end last',
    async run(context) {
      const scenario = conformanceScenarios.text;
      const sentence = scenario.text ?? '';
      context.server.enqueue(scenario);
      const outcome = await streamCall(context.createModel(), userRequest('Say the sentence.'));
      const end = expectStreamSuccess(outcome, 'of a four-piece text reply');
      const { parts } = outcome;
      check(
        textOf(parts) === sentence,
        () =>
          `The text deltas join to ${JSON.stringify(textOf(parts))}; the server sent ${JSON.stringify(sentence)}.\n${describeParts(parts)}`,
      );
      const deltas = parts.filter((part) => part.type === 'text-delta').length;
      check(
        deltas > 1,
        `The text came in ${deltas} delta(s) though the server streamed it in 4 pieces: send each piece as it arrives.`,
      );
      check(
        end.finishReason === 'stop',
        `response-end says finishReason "${end.finishReason}"; the server said the model stopped ("stop").`,
      );
    },
  },
  {
    group,
    name: 'returns from generate the same content, finish reason and usage as the stream',
    async run(context) {
      const model = context.createModel();
      const withTools = model.capabilities.supportsFunctions;
      const reply: EmulatorReply = {
        text: 'Let me look that up.',
        usage: { inputTokens: 52, outputTokens: 21 },
        ...(context.reasoning ? { reasoning: 'The user wants the weather.' } : {}),
        ...(withTools
          ? {
              toolCalls: [
                { id: 'call_conformance_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
              ],
            }
          : {}),
      };
      context.server.enqueue(reply, reply);
      const request = userRequest(
        'Weather in Paris?',
        withTools ? { tools: conformanceTools } : {},
      );
      const streamed = await streamCall(model, request);
      const end = expectStreamSuccess(streamed, 'of a reply with text and a tool call');
      const response = expectGenerateSuccess(
        await generateCall(model, request),
        'of the same reply',
      );
      // Provider metadata may name the response (item ids), which differs between two replies.
      const expected = comparable(contentOf(streamed.parts));
      check(
        isDeepStrictEqual(comparable(response.content), expected),
        () =>
          `generate returned content ${JSON.stringify(comparable(response.content))}; the stream of the same reply gave ${JSON.stringify(expected)} (provider metadata shown as the providers it names).`,
      );
      check(
        response.finishReason === end.finishReason,
        `generate says finishReason "${response.finishReason}", the stream "${end.finishReason}".`,
      );
      check(
        isDeepStrictEqual(response.usage, end.usage),
        () =>
          `generate reports usage ${JSON.stringify(response.usage)}, the stream ${JSON.stringify(end.usage)}.`,
      );
    },
  },
  {
    group,
    name: 'reports the finish reasons length and content-filter, streamed and generated',
    async run(context) {
      const model = context.createModel();
      const cases = [
        { reply: conformanceScenarios.lengthStop, expected: 'length' },
        { reply: conformanceScenarios.contentFilterStop, expected: 'content-filter' },
      ] as const;
      for (const { reply, expected } of cases) {
        context.server.enqueue(reply, reply);
        const scenario = `of a reply that stopped with ${expected}`;
        const end = expectStreamSuccess(await streamCall(model, userRequest('Go on.')), scenario);
        check(
          end.finishReason === expected,
          `The stream ${scenario} says finishReason "${end.finishReason}".`,
        );
        const response = expectGenerateSuccess(
          await generateCall(model, userRequest('Go on.')),
          scenario,
        );
        check(
          response.finishReason === expected,
          `generate ${scenario} says finishReason "${response.finishReason}".`,
        );
      }
    },
  },
  {
    group,
    name: 'sends its model id, the API key it was given and the headers of options.headers',
    async run(context) {
      context.server.enqueue({ text: 'ok' });
      const headers = { 'x-agentry-conformance': 'header-check' };
      expectStreamSuccess(
        await streamCall(context.createModel(), userRequest('Hi'), { headers }),
        'with extra headers',
      );
      const sent = context.server.requests[0];
      check(sent !== undefined, 'The provider sent no request to the server.');
      check(
        sent.model === context.modelId,
        `The request names model ${JSON.stringify(sent.model)}; the model was created as ${JSON.stringify(context.modelId)}.`,
      );
      check(
        sent.headers['x-agentry-conformance'] === 'header-check',
        'The request lacks the header x-agentry-conformance given in options.headers: send options.headers with the HTTP request.',
      );
      const values = [...Object.values(sent.headers), ...Object.values(sent.query)];
      check(
        values.some((value) => value.includes(context.apiKey)),
        'The request carries the API key given to the model in no header and no query parameter.',
      );
    },
  },
  {
    group,
    name: 'streams reasoning as reasoning-start, reasoning-delta and reasoning-end before the text',
    skip: (context) =>
      context.reasoning ? undefined : 'capabilities.reasoning is not set for this provider',
    async run(context) {
      const { reasoning } = conformanceScenarios.reasoning;
      context.server.enqueue(conformanceScenarios.reasoning);
      const outcome = await streamCall(context.createModel(), userRequest('Capital of France?'));
      expectStreamSuccess(outcome, 'of a reply with reasoning');
      const { parts } = outcome;
      const streamed = parts
        .map((part) => (part.type === 'reasoning-delta' ? part.delta : ''))
        .join('');
      check(
        streamed === reasoning,
        () =>
          `The reasoning deltas join to ${JSON.stringify(streamed)}; the server sent ${JSON.stringify(reasoning)}.\n${describeParts(parts)}`,
      );
      const firstReasoning = parts.findIndex((part) => part.type === 'reasoning-start');
      const firstText = parts.findIndex((part) => part.type === 'text-start');
      check(
        firstReasoning >= 0 && firstReasoning < firstText,
        () => `The reasoning did not start before the text.\n${describeParts(parts)}`,
      );
    },
  },
];
