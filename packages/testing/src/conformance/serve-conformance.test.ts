import { AgentryError } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { reference } from './__fixtures__/broken-providers.js';
import {
  readChatCompletionsRequest,
  serveChatCompletions,
} from './__fixtures__/chat-completions-serve.js';
import { checkConformanceOptions } from './check-conformance-options.js';
import { conformanceScenarios } from './conformance-scenarios.js';
import type { ConformanceServer } from './conformance-server.js';
import { runCheck } from './describe-provider-conformance.js';
import { createProviderCheckContext, startConformanceServer } from './provider-check.js';
import { providerChecks } from './provider-checks.js';
import type { ProviderConformanceServeOptions } from './provider-conformance-options.js';
import type { ConformanceServe } from './serve/serve-types.js';
import { toConformanceScenario } from './serve/to-conformance-scenario.js';

type Options = Pick<ProviderConformanceServeOptions, 'serve' | 'readRequest'>;

/** Broken encoders (the provider is the reference model), each with the check it must fail. */
const brokenEncoders: { what: string; check: string; failure: RegExp; options: Options }[] = [
  {
    what: 'drops the retry-after header',
    check: 'maps 429 with retry-after',
    failure: /details\.retryAfterMs undefined; the server said retry-after: 7/,
    options: {
      serve: async (scenario, request) => {
        const answer = await serveChatCompletions(scenario, request);
        return { ...answer, headers: {} };
      },
      readRequest: readChatCompletionsRequest,
    },
  },
  {
    what: 'answers every failure with status 500',
    check: 'maps 429 with retry-after',
    failure: /failed with code "provider_unavailable"; the contract wants "rate_limited"/,
    options: {
      serve: async (scenario, request) => {
        const answer = await serveChatCompletions(scenario, request);
        return scenario.kind === 'error' ? { ...answer, status: 500 } : answer;
      },
      readRequest: readChatCompletionsRequest,
    },
  },
  {
    what: 'sends the text in one event',
    check: 'streams text as text-start',
    failure: /The text came in 1 delta\(s\) though the server streamed it in 4 pieces/,
    options: {
      serve: (scenario, request) =>
        serveChatCompletions(
          scenario.kind === 'reply'
            ? { ...scenario, reply: { ...scenario.reply, textChunks: [scenario.reply.text] } }
            : scenario,
          request,
        ),
      readRequest: readChatCompletionsRequest,
    },
  },
  {
    what: "sends each tool call's arguments whole",
    check: 'streams a parallel tool call',
    failure: /came in 1 tool-call-delta\(s\) though the server streamed its arguments in 3 pieces/,
    options: {
      serve: (scenario, request) =>
        serveChatCompletions(
          scenario.kind === 'reply'
            ? {
                ...scenario,
                reply: {
                  ...scenario.reply,
                  toolCalls: scenario.reply.toolCalls.map((call) => ({
                    ...call,
                    argumentChunks: [call.arguments],
                  })),
                },
              }
            : scenario,
          request,
        ),
      readRequest: readChatCompletionsRequest,
    },
  },
  {
    what: 'reports no cached input tokens',
    check: 'carries input, output, total, cached and reasoning tokens',
    failure: /Wrong: cachedInputTokens/,
    options: {
      serve: (scenario, request) =>
        serveChatCompletions(
          scenario.kind === 'reply'
            ? {
                ...scenario,
                reply: {
                  ...scenario.reply,
                  usage: { ...scenario.reply.usage, cachedInputTokens: 0 },
                },
              }
            : scenario,
          request,
        ),
      readRequest: readChatCompletionsRequest,
    },
  },
  {
    what: 'leaves out the event of a malformed fault',
    check: 'fails with network or provider_unavailable on a malformed event',
    failure: /asks for a malformed event after 3 event\(s\), but the answer has no faultEvent/,
    options: {
      serve: async (scenario, request) => {
        const { faultEvent: _dropped, ...answer } = (await serveChatCompletions(
          scenario,
          request,
        )) as { faultEvent?: string; events: string[] };
        return answer;
      },
      readRequest: readChatCompletionsRequest,
    },
  },
  {
    what: 'throws for a failure',
    check: 'maps 401 to auth_failed',
    failure: /serve threw for POST \/chat\/completions \(request 1\): no error bodies yet/,
    options: {
      serve: (scenario, request) => {
        if (scenario.kind === 'error') throw new Error('no error bodies yet');
        return serveChatCompletions(scenario, request);
      },
      readRequest: readChatCompletionsRequest,
    },
  },
  {
    what: 'returns neither a body nor events',
    check: 'maps 500 and 503 to provider_unavailable',
    failure: /returned an object with neither body nor events \(keys: status\)/,
    options: {
      serve: ((scenario) =>
        scenario.kind === 'error' ? { status: 500 } : { body: {} }) as ConformanceServe,
      readRequest: readChatCompletionsRequest,
    },
  },
  {
    what: 'reads another model from the request',
    check: 'sends its model id',
    failure: /The request names model "other-model"/,
    options: {
      serve: serveChatCompletions,
      readRequest: (request) => ({ ...readChatCompletionsRequest(request), model: 'other-model' }),
    },
  },
  {
    what: 'reads no tool results from the request',
    check: 'sends tool calls and their results back',
    failure: /does not send the result of tool call "call_conformance_weather" under its call id/,
    options: {
      serve: serveChatCompletions,
      readRequest: (request) => ({ ...readChatCompletionsRequest(request), toolResultIds: [] }),
    },
  },
];

describe('describeProviderConformance with serve', () => {
  let server: ConformanceServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function runOne(name: string, options: Options): Promise<void> {
    const all: ProviderConformanceServeOptions = {
      name: 'encoder',
      ...options,
      createModel: (context) => reference(context),
    };
    server = await startConformanceServer(all);
    const check = providerChecks.find((candidate) => candidate.name.startsWith(name));
    expect(check, name).toBeDefined();
    await runCheck(check!, createProviderCheckContext(all, server));
  }

  describe.each(brokenEncoders)('against an encoder that $what', (broken) => {
    it(`fails "${broken.check} …" and says what is wrong`, async () => {
      await expect(runOne(broken.check, broken.options)).rejects.toThrow(broken.failure);
    });

    it('passes the same check without the defect', async () => {
      await runOne(broken.check, {
        serve: serveChatCompletions,
        readRequest: readChatCompletionsRequest,
      });
    });
  });

  it('hands serve each scenario normalized, with the fault the kit applies', () => {
    const reset = toConformanceScenario(conformanceScenarios.resetMidStream, { body: {} });
    expect(reset).toMatchObject({
      kind: 'reply',
      reply: { finishReason: 'stop' },
      fault: { kind: 'reset', afterEvents: 5 },
    });
    const pieces = reset.kind === 'reply' ? reset.reply.textChunks : [];
    expect(pieces).toHaveLength(12);
    expect(pieces.join('')).toBe(conformanceScenarios.resetMidStream.text);
    const tools = toConformanceScenario(conformanceScenarios.parallelToolCalls, { body: {} });
    expect(tools.kind === 'reply' && tools.reply.toolCalls[0]?.argumentChunks).toEqual([
      '{"city":"Pa',
      'ris","unit"',
      ':"celsius"}',
    ]);
    expect(toConformanceScenario(conformanceScenarios.streamError, { body: {} })).toMatchObject({
      fault: { kind: 'error', afterEvents: 3, failure: { status: 503, error: 'overloaded' } },
    });
    expect(toConformanceScenario(conformanceScenarios.rateLimited, { body: {} })).toEqual({
      kind: 'error',
      failure: {
        status: 429,
        error: 'rate_limit',
        message: 'Rate limit reached for requests.',
        headers: { 'retry-after': '7' },
      },
    });
  });
});

describe('the options of describeProviderConformance', () => {
  const createModel = reference;
  const refused = (options: unknown): AgentryError => {
    try {
      checkConformanceOptions(options as ProviderConformanceServeOptions);
    } catch (error) {
      if (AgentryError.isInstance(error)) return error;
      throw error;
    }
    throw new Error('The options were accepted.');
  };

  it('accepts a built-in wire format or serve with readRequest', () => {
    expect(() =>
      checkConformanceOptions({ name: 'a', api: 'anthropic', createModel }),
    ).not.toThrow();
    expect(() =>
      checkConformanceOptions({
        name: 'b',
        serve: serveChatCompletions,
        readRequest: readChatCompletionsRequest,
        createModel,
      }),
    ).not.toThrow();
  });

  it.each([
    [
      'both api and serve',
      { api: 'openai-chat', serve: serveChatCompletions, readRequest: readChatCompletionsRequest },
      'options.api',
      /options\.api and options\.serve are both given/,
    ],
    ['neither api nor serve', {}, 'options.api', /are both missing/],
    [
      'an unknown api',
      { api: 'acme' },
      'options.api',
      /is "acme", which is not a built-in wire format/,
    ],
    [
      'serve without readRequest',
      { serve: serveChatCompletions },
      'options.readRequest',
      /is undefined, not a function/,
    ],
    [
      'serve that is not a function',
      { serve: 'acme', readRequest: readChatCompletionsRequest },
      'options.serve',
      /is string, not a function/,
    ],
  ])('refuses %s with validation_failed naming the option', (_what, given, path, message) => {
    const error = refused({ name: 'x', createModel, ...given });
    expect(error.code).toBe('validation_failed');
    expect(error.message).toMatch(message);
    expect(error.details).toMatchObject({ path });
    expect(error.suggestions.length).toBeGreaterThan(0);
  });

  it('refuses options without createModel', () => {
    const error = refused({ name: 'x', api: 'google' });
    expect(error.message).toMatch(/options\.createModel is not a function/);
  });
});
