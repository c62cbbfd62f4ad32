import type { Usage } from '@agentry/core';
import { generateCall, streamCall } from './call-model.js';
import { userRequest } from './conformance-requests.js';
import { conformanceScenarios } from './conformance-scenarios.js';
import { expectGenerateSuccess, expectStreamSuccess } from './expect-outcome.js';
import { check, type ProviderCheck, type ProviderCheckContext } from './provider-check.js';

const group = 'usage';

function compareUsage(context: ProviderCheckContext, usage: Usage, where: string): void {
  const expected: Partial<Usage> = { inputTokens: 1200, outputTokens: 300, totalTokens: 1500 };
  if (context.cachedInputTokens) expected.cachedInputTokens = 1024;
  if (context.reasoningTokens) expected.reasoningTokens = 128;
  const wrong = Object.entries(expected).filter(
    ([key, value]) => usage[key as keyof Usage] !== value,
  );
  check(
    wrong.length === 0,
    () =>
      `${where} reports usage ${JSON.stringify(usage)}; the server reported ${JSON.stringify(expected)} ` +
      `(input tokens include cached ones, output tokens include reasoning ones, total is their sum). ` +
      `Wrong: ${wrong.map(([key]) => key).join(', ')}.`,
  );
}

/**
 * Checks that usage is carried over from the server: input, output, total, cached and reasoning
 * tokens.
 *
 * @internal
 */
export const usageChecks: readonly ProviderCheck[] = [
  {
    group,
    name: 'carries input, output, total, cached and reasoning tokens over from the server',
    async run(context) {
      const reply = conformanceScenarios.usage;
      context.server.enqueue(reply, reply);
      const model = context.createModel();
      const end = expectStreamSuccess(
        await streamCall(model, userRequest('Count.')),
        'of a reply with usage',
      );
      compareUsage(context, end.usage, "The stream's response-end");
      const response = expectGenerateSuccess(
        await generateCall(model, userRequest('Count.')),
        'of a reply with usage',
      );
      compareUsage(context, response.usage, 'generate');
    },
  },
];
