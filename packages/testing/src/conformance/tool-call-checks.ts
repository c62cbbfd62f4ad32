import type { ModelRequest, ModelStreamPart } from '@agentry/core';
import { streamCall } from './call-model.js';
import { conformanceTools, userRequest } from './conformance-requests.js';
import { conformanceScenarios, conformanceToolCalls } from './conformance-scenarios.js';
import { expectStreamSuccess } from './expect-outcome.js';
import { check, type ProviderCheck, type ProviderCheckContext } from './provider-check.js';
import { describeParts, textOf } from './stream-parts.js';

const group = 'tool calls';

const { weather: weatherCall, time: timeCall } = conformanceToolCalls;

function skipWithoutTools(context: ProviderCheckContext): string | undefined {
  return context.createModel().capabilities.supportsFunctions
    ? undefined
    : 'the model does not declare supportsFunctions';
}

/** Checks that a call arrived as start, deltas joining to `expected`, and an end with it. */
function expectCall(
  context: ProviderCheckContext,
  parts: readonly ModelStreamPart[],
  expected: { id: string; name: string; arguments: string },
): void {
  const start = parts.find(
    (part) => part.type === 'tool-call-start' && part.toolCallId === expected.id,
  );
  check(
    start?.type === 'tool-call-start' && start.toolName === expected.name,
    () =>
      `No tool-call-start for call "${expected.id}" (${expected.name}): keep the server's call id and tool name.\n${describeParts(parts)}`,
  );
  const deltas = parts
    .map((part) =>
      part.type === 'tool-call-delta' && part.toolCallId === expected.id ? part.delta : undefined,
    )
    .filter((delta) => delta !== undefined);
  // Gemini sends each call whole; the other wire formats stream the arguments in three pieces.
  const whole = context.api === 'google';
  check(
    deltas.length >= (whole ? 1 : 2),
    () =>
      `Call "${expected.id}" came in ${deltas.length} tool-call-delta(s) though the server streamed its arguments in ${whole ? 'one piece' : '3 pieces'}: send each piece as it arrives.`,
  );
  check(
    deltas.join('') === expected.arguments,
    () =>
      `The tool-call-deltas of call "${expected.id}" join to ${JSON.stringify(deltas.join(''))}; the server sent ${JSON.stringify(expected.arguments)}.`,
  );
  const end = parts.find(
    (part) => part.type === 'tool-call-end' && part.toolCallId === expected.id,
  );
  check(
    end?.type === 'tool-call-end' && end.input === expected.arguments,
    () =>
      `The tool-call-end of call "${expected.id}" has input ${end?.type === 'tool-call-end' ? JSON.stringify(end.input) : '(none)'}; it must be the arguments text exactly as sent, ${JSON.stringify(expected.arguments)}.`,
  );
}

/**
 * Checks of tool calls: a parallel call streamed in pieces, malformed arguments passed through,
 * and a round trip with the results sent back by call id.
 *
 * @internal
 */
export const toolCallChecks: readonly ProviderCheck[] = [
  {
    group,
    name: 'streams a parallel tool call as tool-call-start, tool-call-delta and tool-call-end with the exact arguments',
    skip: skipWithoutTools,
    async run(context) {
      context.server.enqueue(conformanceScenarios.parallelToolCalls);
      const outcome = await streamCall(
        context.createModel(),
        userRequest('Weather and time in Paris?', { tools: conformanceTools }),
      );
      const end = expectStreamSuccess(outcome, 'of a parallel tool call');
      expectCall(context, outcome.parts, weatherCall);
      expectCall(context, outcome.parts, timeCall);
      check(
        end.finishReason === 'tool-calls',
        `response-end says finishReason "${end.finishReason}"; the model stopped to call tools ("tool-calls").`,
      );
      const body = JSON.stringify(context.server.requests[0]?.body ?? null);
      for (const name of ['get_weather', 'get_time', 'fahrenheit', 'timezone']) {
        check(
          body.includes(name),
          `The request does not carry "${name}" from the tool specs: send every tool with its name and input schema.`,
        );
      }
    },
  },
  {
    group,
    name: 'passes malformed tool arguments through unchanged',
    skip: skipWithoutTools,
    async run(context) {
      const scenario = conformanceScenarios.truncatedToolArguments;
      const truncated = scenario.toolCalls?.[0]?.arguments ?? '';
      context.server.enqueue(scenario);
      const outcome = await streamCall(
        context.createModel(),
        userRequest('Weather?', { tools: conformanceTools }),
      );
      expectStreamSuccess(outcome, 'of a tool call with truncated arguments');
      const end = outcome.parts.find((part) => part.type === 'tool-call-end');
      check(
        end?.type === 'tool-call-end' && end.input === truncated,
        () =>
          `tool-call-end has input ${end?.type === 'tool-call-end' ? JSON.stringify(end.input) : '(no tool-call-end)'}; malformed arguments must pass through unchanged (${JSON.stringify(truncated)}): the agent tells the model what is wrong with them.`,
      );
    },
  },
  {
    group,
    name: 'sends tool calls and their results back with their call ids, and gets an answer',
    skip: skipWithoutTools,
    async run(context) {
      const answer = 'It is 18 °C and drizzling in Paris.';
      context.server.enqueue({ text: answer });
      const request: ModelRequest = {
        tools: conformanceTools,
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Weather and time in Paris?' }] },
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'Let me check.' },
              {
                type: 'tool-call',
                toolCallId: weatherCall.id,
                toolName: weatherCall.name,
                input: weatherCall.arguments,
              },
              {
                type: 'tool-call',
                toolCallId: timeCall.id,
                toolName: timeCall.name,
                input: timeCall.arguments,
              },
            ],
          },
          {
            role: 'tool',
            content: [
              {
                type: 'tool-result',
                toolCallId: weatherCall.id,
                toolName: weatherCall.name,
                output: { forecast: 'drizzle-at-18-celsius' },
              },
              {
                type: 'tool-result',
                toolCallId: timeCall.id,
                toolName: timeCall.name,
                output: 'twenty-past-nine',
              },
            ],
          },
        ],
      };
      const outcome = await streamCall(context.createModel(), request);
      expectStreamSuccess(outcome, 'of the answer after tool results');
      check(
        textOf(outcome.parts) === answer,
        () =>
          `The answer after the tool results streamed as ${JSON.stringify(textOf(outcome.parts))}; the server sent ${JSON.stringify(answer)}.`,
      );
      const sent = context.server.requests[0];
      check(sent !== undefined, 'The provider sent no request for the follow-up call.');
      const ids = sent.toolCallIds;
      const accepted = (id: string, name: string, found: string[]) =>
        found.includes(id) || (context.api === 'google' && found.includes(`name:${name}`));
      for (const call of [weatherCall, timeCall]) {
        check(
          accepted(call.id, call.name, ids.calls),
          () =>
            `The request does not send back the assistant's tool call "${call.id}" (found ${JSON.stringify(ids.calls)}).`,
        );
        check(
          accepted(call.id, call.name, ids.results),
          () =>
            `The request does not send the result of tool call "${call.id}" under its call id (found ${JSON.stringify(ids.results)}).`,
        );
      }
      const body = JSON.stringify(sent.body);
      for (const output of ['drizzle-at-18-celsius', 'twenty-past-nine']) {
        check(body.includes(output), `The request does not carry the tool output "${output}".`);
      }
    },
  },
];
