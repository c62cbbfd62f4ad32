import type { LanguageModel, ModelRequest } from '@agentry/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { brokenProviders, reference } from './__fixtures__/broken-providers.js';
import {
  readChatCompletionsRequest,
  serveChatCompletions,
} from './__fixtures__/chat-completions-serve.js';
import type { ConformanceServer } from './conformance-server.js';
import { describeProviderConformance, runCheck } from './describe-provider-conformance.js';
import { createProviderCheckContext, startConformanceServer } from './provider-check.js';
import { providerChecks } from './provider-checks.js';
import type {
  ProviderConformanceOptions,
  ProviderConformanceServerContext,
} from './provider-conformance-options.js';

type CreateModel = (context: ProviderConformanceServerContext) => LanguageModel;

/** The two ways a provider meets the kit: a built-in wire format, or an author's `serve`. */
const modes: { mode: string; options: (createModel: CreateModel) => ProviderConformanceOptions }[] =
  [
    {
      mode: 'a built-in wire format',
      options: (createModel) => ({ name: 'broken', api: 'openai-chat', createModel }),
    },
    {
      mode: 'serve',
      options: (createModel) => ({
        name: 'broken',
        serve: serveChatCompletions,
        readRequest: readChatCompletionsRequest,
        createModel,
      }),
    },
  ];

// The kit passes a provider that keeps the contract, in both modes.
for (const { options } of modes) {
  describeProviderConformance({
    ...options((context) => reference(context)),
    name: 'reference Chat Completions model',
    modelId: 'reference-model',
  });
}

describe.each(modes)('describeProviderConformance, through $mode', ({ options }) => {
  let server: ConformanceServer;

  beforeAll(async () => {
    server = await startConformanceServer(options((context) => reference(context)));
  });

  afterAll(async () => {
    await server.close();
  });

  beforeEach(() => {
    server.reset();
  });

  /** Runs the one check whose name starts with `name` against `createModel`. */
  async function runOne(name: string, createModel: CreateModel): Promise<void> {
    const matching = providerChecks.filter((candidate) => candidate.name.startsWith(name));
    expect(matching.map((candidate) => candidate.name)).toHaveLength(1);
    const check = matching[0]!;
    const context = createProviderCheckContext(options(createModel), server);
    expect(check.skip?.(context)).toBeUndefined();
    await runCheck(check, context);
  }

  describe.each(brokenProviders)('against a provider that $what', (broken) => {
    it(`fails "${broken.check} …" and says what is wrong`, async () => {
      await expect(runOne(broken.check, broken.create)).rejects.toThrow(broken.failure);
    });

    it('passes the same check without the defect', async () => {
      await runOne(broken.check, (context) => reference(context));
    });
  });

  it('checks that a model with vision sends the image', async () => {
    await runOne('sends an image part to the server', (context) => reference(context, true));
  });

  it('fails a model with vision that drops the image', async () => {
    const dropsImages: CreateModel = (context) => {
      const model = reference(context, true);
      const textOnly = (request: ModelRequest): ModelRequest => ({
        ...request,
        messages: request.messages.map((message) =>
          message.role === 'user'
            ? { ...message, content: message.content.filter((part) => part.type === 'text') }
            : message,
        ),
      });
      return { ...model, stream: (request, options) => model.stream(textOnly(request), options) };
    };
    await expect(runOne('sends an image part to the server', dropsImages)).rejects.toThrow(
      /does not carry the image bytes/,
    );
  });

  it('registers every check under a group with a unique name', () => {
    const names = providerChecks.map((check) => `${check.group} > ${check.name}`);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(providerChecks.map((check) => check.group))).toEqual(
      new Set([
        'stream and generate',
        'usage',
        'tool calls',
        'abort',
        'errors',
        'retries',
        'capabilities',
      ]),
    );
  });
});
