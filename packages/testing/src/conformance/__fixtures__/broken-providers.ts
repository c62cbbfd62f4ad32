import {
  AgentryError,
  type LanguageModel,
  type ModelCallOptions,
  type ModelRequest,
  type ModelStreamPart,
} from '@agentry/core';
import type { ProviderConformanceServerContext } from '../provider-conformance-options.js';
import { createReferenceChatModel } from './reference-chat-model.js';

/** The reference model pointed at the server of `context`. */
export const reference = (context: ProviderConformanceServerContext, supportsVision = false) =>
  createReferenceChatModel({ ...context, supportsVision });

/** A model whose stream passes every part through `map`, which may replace, drop or add parts. */
export function mapStream(
  model: LanguageModel,
  map: (parts: ModelStreamPart[]) => ModelStreamPart[],
): LanguageModel {
  return {
    ...model,
    async *stream(request, options) {
      const parts: ModelStreamPart[] = [];
      for await (const part of model.stream(request, options)) parts.push(part);
      yield* map(parts);
    },
  };
}

/** Changes the code of every rate_limited error the model throws or sends. */
function remapRateLimit(error: unknown): unknown {
  if (AgentryError.isInstance(error) && error.code === 'rate_limited') {
    return new AgentryError({ code: 'provider_unavailable', message: error.message });
  }
  return error;
}

/** Broken variants of the reference model, each with the check it must fail and why. */
export const brokenProviders: {
  what: string;
  check: string;
  failure: RegExp;
  create: (context: ProviderConformanceServerContext) => LanguageModel;
}[] = [
  {
    what: 'sends a text delta before its text-start',
    check: 'streams text as text-start',
    failure: /text-delta of block "text-0" \(part 1 of \d+\) came before its text-start/,
    create: (context) =>
      mapStream(reference(context), (parts) => {
        const [start, delta, ...rest] = parts;
        return [delta!, start!, ...rest];
      }),
  },
  {
    what: 'sends the response-end before the text-end',
    check: 'streams text as text-start',
    failure: /text-end \(part \d+ of \d+\) came after response-end/,
    create: (context) =>
      mapStream(reference(context), (parts) => {
        const end = parts.pop()!;
        const textEnd = parts.pop()!;
        return [...parts, end, textEnd];
      }),
  },
  {
    what: 'maps 429 to provider_unavailable',
    check: 'maps 429 with retry-after',
    failure: /failed with code "provider_unavailable"; the contract wants "rate_limited"/,
    create: (context) => {
      const model = reference(context);
      return {
        ...model,
        async *stream(request, options) {
          try {
            yield* model.stream(request, options);
          } catch (error) {
            throw remapRateLimit(error);
          }
        },
        generate: (request, options) =>
          model.generate(request, options).catch((error: unknown) => {
            throw remapRateLimit(error);
          }),
      };
    },
  },
  {
    what: 'retries a failed call once',
    check: 'makes exactly one HTTP request per failed call',
    failure: /made 2 HTTP request\(s\) for one call that failed with HTTP 429/,
    create: (context) => {
      const model = reference(context);
      return {
        ...model,
        async *stream(request, options) {
          try {
            yield* model.stream(request, options);
          } catch {
            yield* model.stream(request, options);
          }
        },
      };
    },
  },
  {
    what: 'ignores the abort signal',
    check: 'rejects with aborted when the signal is aborted before the call',
    failure: /did not fail; it should throw an AgentryError with code "aborted"/,
    create: (context) => {
      const model = reference(context);
      const withoutSignal = (options?: ModelCallOptions) => ({ headers: options?.headers });
      return {
        ...model,
        stream: (request, options) => model.stream(request, withoutSignal(options)),
        generate: (request, options) => model.generate(request, withoutSignal(options)),
      };
    },
  },
  {
    what: 'keeps reading a stream whose signal aborted',
    check: 'ends a slow stream with aborted',
    failure: /did not settle within 3000 ms|ended \d+ ms after its signal aborted/,
    create: (context) => {
      const model = reference(context);
      return {
        ...model,
        stream: (request, options) => model.stream(request, { headers: options?.headers }),
      };
    },
  },
  {
    what: 'waits on a stalled stream after its signal aborted',
    check: 'ends a stalled stream with aborted',
    failure: /did not settle within 3000 ms|ended \d+ ms after its signal aborted/,
    create: (context) => {
      const model = reference(context);
      return {
        ...model,
        stream: (request, options) => model.stream(request, { headers: options?.headers }),
      };
    },
  },
  {
    what: 'leaves the connection open when the consumer stops reading',
    check: 'closes the connection when the consumer stops reading early',
    failure: /connection\(s\) to the server stayed open/,
    create: (context) => {
      const model = reference(context);
      return {
        ...model,
        async *stream(request, options) {
          // Reads the inner stream by hand and never calls its return(), so its body stays open.
          const inner = model.stream(request, options)[Symbol.asyncIterator]();
          for (let next = await inner.next(); next.done !== true; next = await inner.next()) {
            yield next.value;
          }
        },
      };
    },
  },
  {
    what: 'sends tool results under other call ids',
    check: 'sends tool calls and their results back',
    failure: /does not send the result of tool call "call_conformance_weather" under its call id/,
    create: (context) => {
      const model = reference(context);
      const renumber = (request: ModelRequest): ModelRequest => ({
        ...request,
        messages: request.messages.map((message) =>
          message.role === 'tool'
            ? {
                ...message,
                content: message.content.map((part, index) => ({
                  ...part,
                  toolCallId: `call_${index}`,
                })),
              }
            : message,
        ),
      });
      return { ...model, stream: (request, options) => model.stream(renumber(request), options) };
    },
  },
  {
    what: 'drops the cached input tokens',
    check: 'carries input, output, total, cached and reasoning tokens',
    failure: /Wrong: cachedInputTokens/,
    create: (context) =>
      mapStream(reference(context), (parts) =>
        parts.map((part) =>
          part.type === 'response-end'
            ? { ...part, usage: { ...part.usage, cachedInputTokens: undefined } }
            : part,
        ),
      ),
  },
  {
    what: 'reports a reset as a successful end',
    check: 'ends with an error part of code network when the connection is reset',
    failure: /sent response-end \(error\) as if it succeeded/,
    create: (context) =>
      mapStream(reference(context), (parts) =>
        parts.map((part) =>
          part.type === 'error'
            ? {
                type: 'response-end',
                finishReason: 'error',
                usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
              }
            : part,
        ),
      ),
  },
  {
    what: 'sends images although it declares no vision',
    check: 'refuses an image with invalid_request before any request',
    failure: /did not fail; it should throw an AgentryError with code "invalid_request"/,
    create: (context) => {
      const model = reference(context, true);
      return { ...model, capabilities: { ...model.capabilities, supportsVision: false } };
    },
  },
  {
    what: 'throws from stream() itself',
    check: 'fails from the iterator, not from stream() itself',
    failure: /stream\(\) threw before returning an iterable/,
    create: (context) => ({
      ...reference(context),
      stream: () => {
        throw new AgentryError({ code: 'auth_failed', message: 'No.' });
      },
    }),
  },
  {
    what: 'declares capabilities that are not valid',
    check: 'declares specification v1',
    failure: /capabilities .* do not match modelCapabilitiesSchema: maxConcurrency/,
    create: (context) => {
      const model = reference(context);
      return { ...model, capabilities: { ...model.capabilities, maxConcurrency: 0 } };
    },
  },
];
