import type {
  AgentryError,
  LanguageModel,
  ModelDeprecation,
  ModelCallOptions,
  ModelCapabilities,
  ModelRequest,
  ModelResponse,
  ModelStreamPart,
  StreamIdleTimeout,
} from '@agentry/core';
import {
  createProviderError,
  createStreamIdleTimeout,
  MODEL_SPECIFICATION_VERSION,
} from '@agentry/core';
import type Anthropic from '@anthropic-ai/sdk';
import type { Stream } from '@anthropic-ai/sdk/core/streaming';
import type {
  Message,
  MessageCreateParamsNonStreaming,
  MessageCreateParamsStreaming,
  RawMessageStreamEvent,
} from '@anthropic-ai/sdk/resources/messages';
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
  /** Set when the catalogue marks the model deprecated. */
  deprecation?: ModelDeprecation | undefined;
  /** The SDK client of each call. */
  clients: AnthropicClientSource;
  /**
   * The provider's timeout in milliseconds: the SDK bounds the wait for the response to start
   * with it, and the stream each wait for its next event.
   */
  timeout: number | undefined;
}

/**
 * Creates a model that calls the Messages API through the official SDK: one HTTP request per
 * `generate` or `stream` call, never retried here. `stream` sends its parts as they arrive; an
 * error before the first part is thrown from the iterator, an error after some is sent as an
 * `error` part and the stream ends (the parts sent are partial output). A stream that ends
 * without `message_stop` is a `network` failure. Stopping early (`break`) or aborting the signal
 * closes the connection.
 *
 * `timeout` bounds the wait for the response to start (the SDK's timeout) and then each wait for
 * the stream's next event (a stream that goes silent for longer fails with `timeout` and its
 * connection is closed); time the consumer spends between parts does not count.
 *
 * Requests are sent with the SDK's `client.post('/v1/messages')` rather than `messages.create`,
 * which prints a deprecation warning with `console.warn` on every call to a deprecated model
 * (whatever the client's `logLevel`); the provider's catalogue marks deprecated models instead,
 * and the model carries `deprecation`, which an agent emits once as a `model-warning` event.
 *
 * @internal
 */
export function createAnthropicLanguageModel(
  options: AnthropicLanguageModelOptions,
): LanguageModel {
  const { modelId, capabilities, clients, timeout, deprecation } = options;

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
      const message = await createMessage(
        client,
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
    let idle: StreamIdleTimeout | undefined;
    try {
      client = await clients.get(signal);
      const events = await createMessage(
        client,
        { ...params, stream: true },
        requestOptions(callOptions),
      );
      // Aborting the stream's own controller closes the connection; the SDK then ends quietly.
      idle = createStreamIdleTimeout({ timeout, onTimeout: () => events.controller.abort() });
      idle.wait();
      for await (const event of events) {
        idle.received();
        for (const part of mapper.push(event)) {
          sent = true;
          yield part;
        }
        idle.wait();
      }
      if (idle.timedOut) throw streamTimedOut(timeout);
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
      // However the SDK reports the abort the timeout caused, the failure is the timeout.
      const failure = clients.failed(
        idle?.timedOut === true ? streamTimedOut(timeout) : toAnthropicError(error, { signal }),
        client,
      );
      if (!sent) throw failure;
      yield { type: 'error', error: failure };
      return;
    } finally {
      idle?.dispose();
    }
    yield mapper.end();
  }

  return {
    specificationVersion: MODEL_SPECIFICATION_VERSION,
    provider: 'anthropic',
    modelId,
    capabilities,
    ...(deprecation !== undefined ? { deprecation } : {}),
    generate,
    stream: (request, callOptions) => ({
      [Symbol.asyncIterator]: () => stream(request, callOptions),
    }),
  };
}

function streamTimedOut(timeout: number | undefined): AgentryError {
  return createProviderError({
    provider: 'anthropic',
    code: 'timeout',
    message: `The Anthropic stream sent nothing for ${String(timeout)} ms (the provider's timeout) and was closed; the output so far is partial.`,
  });
}

/**
 * Sends a Messages API request as `messages.create` does, through the client's documented
 * `post()` for raw requests: the same path, body, timeout, headers and stream handling, without
 * the `console.warn` that `messages.create` prints for a deprecated model or for
 * `thinking.type: 'enabled'` on every call, which no `logLevel` turns off.
 */
function createMessage(
  client: Anthropic,
  body: MessageCreateParamsStreaming,
  options: RequestOptions,
): Promise<Stream<RawMessageStreamEvent>>;
function createMessage(
  client: Anthropic,
  body: MessageCreateParamsNonStreaming,
  options: RequestOptions,
): Promise<Message>;
function createMessage(
  client: Anthropic,
  body: MessageCreateParamsStreaming | MessageCreateParamsNonStreaming,
  options: RequestOptions,
): Promise<Stream<RawMessageStreamEvent> | Message> {
  return client.post<Stream<RawMessageStreamEvent> | Message>('/v1/messages', {
    body,
    stream: body.stream,
    ...options,
  });
}

type RequestOptions = ReturnType<typeof requestOptions>;

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
