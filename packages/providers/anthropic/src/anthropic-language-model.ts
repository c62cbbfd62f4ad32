import type {
  LanguageModel,
  ModelCallOptions,
  ModelCapabilities,
  ModelRequest,
  ModelResponse,
  ModelStreamPart,
} from '@agentry/core';
import { createProviderError, MODEL_SPECIFICATION_VERSION } from '@agentry/core';
import type Anthropic from '@anthropic-ai/sdk';
import type { AnthropicClientSource } from './anthropic-client-source.js';
import { createAnthropicStreamMapper } from './anthropic-stream-mapper.js';
import { fromAnthropicMessage } from './from-anthropic-message.js';
import { toAnthropicError } from './to-anthropic-error.js';
import { toAnthropicRequest } from './to-anthropic-request.js';

/** What {@link createAnthropicLanguageModel} needs. @internal */
export interface AnthropicLanguageModelOptions {
  /** The model id sent to the API. */
  modelId: string;
  /** The model's capabilities; `maxTokens` is the default `max_tokens`. */
  capabilities: ModelCapabilities;
  /** The SDK client of each call. */
  clients: AnthropicClientSource;
}

/**
 * Creates a model that calls the Messages API through the official SDK: one HTTP request per
 * `generate` or `stream` call, never retried here. `stream` sends its parts as they arrive; an
 * error before the first part is thrown from the iterator, an error after some is sent as an
 * `error` part and the stream ends (the parts sent are partial output). A stream that ends
 * without `message_stop` is a `network` failure. Stopping early (`break`) or aborting the signal
 * closes the connection.
 *
 * @internal
 */
export function createAnthropicLanguageModel(
  options: AnthropicLanguageModelOptions,
): LanguageModel {
  const { modelId, capabilities, clients } = options;

  async function generate(
    request: ModelRequest,
    callOptions?: ModelCallOptions,
  ): Promise<ModelResponse> {
    const signal = callOptions?.signal;
    const { params, ignoredParameters } = toAnthropicRequest(
      modelId,
      request,
      capabilities.maxTokens,
    );
    let client: Anthropic | undefined;
    try {
      client = await clients.get(signal);
      const message = await client.messages.create(
        { ...params, stream: false },
        requestOptions(callOptions),
      );
      return fromAnthropicMessage(message, ignoredParameters);
    } catch (error) {
      throw clients.failed(toAnthropicError(error, { signal }), client);
    }
  }

  async function* stream(
    request: ModelRequest,
    callOptions?: ModelCallOptions,
  ): AsyncGenerator<ModelStreamPart, void, undefined> {
    const signal = callOptions?.signal;
    const { params, ignoredParameters } = toAnthropicRequest(
      modelId,
      request,
      capabilities.maxTokens,
    );
    const mapper = createAnthropicStreamMapper(ignoredParameters);
    let sent = false;
    let client: Anthropic | undefined;
    try {
      client = await clients.get(signal);
      const events = await client.messages.create(
        { ...params, stream: true },
        requestOptions(callOptions),
      );
      for await (const event of events) {
        for (const part of mapper.push(event)) {
          sent = true;
          yield part;
        }
      }
      // The SDK ends a stream quietly when its signal aborts; the caller must hear of it.
      if (signal?.aborted === true) {
        throw createProviderError({
          provider: 'anthropic',
          code: 'aborted',
          message: 'The Anthropic stream was aborted by its signal.',
          cause: signal.reason,
        });
      }
      if (!mapper.complete) {
        throw createProviderError({
          provider: 'anthropic',
          code: 'network',
          message:
            'The Anthropic stream ended before its message_stop event: the connection closed early.',
        });
      }
    } catch (error) {
      const failure = clients.failed(toAnthropicError(error, { signal }), client);
      if (!sent) throw failure;
      yield { type: 'error', error: failure };
      return;
    }
    yield mapper.end();
  }

  return {
    specificationVersion: MODEL_SPECIFICATION_VERSION,
    provider: 'anthropic',
    modelId,
    capabilities,
    generate,
    stream: (request, callOptions) => ({
      [Symbol.asyncIterator]: () => stream(request, callOptions),
    }),
  };
}

function requestOptions(callOptions: ModelCallOptions | undefined): {
  signal?: AbortSignal;
  headers?: Record<string, string>;
} {
  const signal = callOptions?.signal;
  const headers = callOptions?.headers;
  return {
    ...(signal !== undefined ? { signal } : {}),
    ...(headers !== undefined ? { headers } : {}),
  };
}
