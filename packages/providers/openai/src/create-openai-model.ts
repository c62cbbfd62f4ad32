import type {
  LanguageModel,
  ModelCallOptions,
  ModelCapabilities,
  ModelRequest,
  ModelResponse,
  ModelStreamPart,
} from '@agentry/core';
import type OpenAI from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { fromChatCompletion } from './chat/from-chat-completion.js';
import { ChatStreamMapper } from './chat/chat-stream-parts.js';
import { toChatRequest, type ChatRequestSettings } from './chat/to-chat-request.js';
import type { ClientSource } from './create-client-source.js';
import type { OpenAIApi } from './openai-provider-options.js';
import { fromResponse } from './responses/from-response.js';
import { toResponsesStreamParts } from './responses/responses-stream-parts.js';
import { toResponsesRequest } from './responses/to-responses-request.js';
import { toOpenAIError, type OpenAIErrorContext } from './to-openai-error.js';

/**
 * What one OpenAI model is made of.
 *
 * @internal
 */
export interface OpenAIModelConfig {
  /** The model id sent to OpenAI. */
  readonly modelId: string;
  /** The model's capabilities, from the catalogue or the options. */
  readonly capabilities: ModelCapabilities;
  /** The API it speaks. */
  readonly api: OpenAIApi;
  /** The SDK client for the credential of the moment. */
  readonly clients: ClientSource;
  /** The field Chat Completions takes the output token limit in. */
  readonly tokenLimitField: ChatRequestSettings['tokenLimitField'];
  /** The SDK's timeout in milliseconds, for messages. */
  readonly timeout?: number | undefined;
}

function requestOptionsOf(
  signal: AbortSignal | undefined,
  options: ModelCallOptions,
): OpenAI.RequestOptions {
  const headers = options.headers;
  if (headers === undefined) return signal === undefined ? {} : { signal };
  return signal === undefined ? { headers } : { signal, headers };
}

/**
 * Creates a model that calls OpenAI through the official SDK: `generate` makes one non-streamed
 * request, `stream` one streamed request (started on the first `next()`); the SDK makes no
 * retries. Every failure becomes an `AgentryError` (see `toOpenAIError`): thrown before any part,
 * or sent as an `error` part after some, whose parts are then partial output. An abort ends the
 * call with `aborted` and closes the connection.
 *
 * @internal
 */
export function createOpenAIModel(config: OpenAIModelConfig): LanguageModel {
  const { modelId, api, clients } = config;
  const chatSettings: ChatRequestSettings = { modelId, tokenLimitField: config.tokenLimitField };

  async function generate(
    request: ModelRequest,
    options: ModelCallOptions = {},
  ): Promise<ModelResponse> {
    const signal = options.signal;
    const context: OpenAIErrorContext = { modelId, signal, timeout: config.timeout };
    let client: OpenAI | undefined;
    try {
      client = await clients.get(signal);
      const requestOptions = requestOptionsOf(signal, options);
      if (api === 'chat') {
        const body = { ...toChatRequest(request, chatSettings), stream: false as const };
        return fromChatCompletion(
          await client.chat.completions.create(body, requestOptions),
          modelId,
        );
      }
      const body = { ...toResponsesRequest(request, modelId), stream: false as const };
      return fromResponse(await client.responses.create(body, requestOptions), modelId);
    } catch (error) {
      throw clients.failed(toOpenAIError(error, context), client);
    }
  }

  async function* stream(
    request: ModelRequest,
    options: ModelCallOptions = {},
  ): AsyncGenerator<ModelStreamPart> {
    const signal = options.signal;
    const context: OpenAIErrorContext = { modelId, signal, timeout: config.timeout };
    let sent = false;
    let client: OpenAI | undefined;
    try {
      client = await clients.get(signal);
      const requestOptions = requestOptionsOf(signal, options);
      if (api === 'chat') {
        // toChatRequest makes a new body each call, so it is completed in place rather than copied.
        const body = toChatRequest(request, chatSettings) as ChatCompletionCreateParamsStreaming;
        body.stream = true;
        body.stream_options = { ...body.stream_options, include_usage: true };
        const chunks = await client.chat.completions.create(body, requestOptions);
        // The chunks are mapped here rather than through toChatStreamParts, so that each part
        // crosses one async generator: a long answer streams hundreds of them.
        const mapper = new ChatStreamMapper(modelId);
        const parts: ModelStreamPart[] = [];
        for await (const chunk of chunks) {
          mapper.push(chunk, parts);
          for (let index = 0; index < parts.length; index += 1) {
            sent = true;
            yield parts[index]!;
          }
          parts.length = 0;
        }
        mapper.end(parts);
        sent = true;
        yield* parts;
        return;
      }
      const body = { ...toResponsesRequest(request, modelId), stream: true as const };
      const parts = toResponsesStreamParts(
        await client.responses.create(body, requestOptions),
        modelId,
      );
      for await (const part of parts) {
        sent = true;
        yield part;
      }
    } catch (error) {
      const failure = clients.failed(toOpenAIError(error, context), client);
      if (!sent) throw failure;
      yield { type: 'error', error: failure };
    }
  }

  return {
    specificationVersion: 'v1',
    provider: 'openai',
    modelId,
    capabilities: config.capabilities,
    generate,
    stream,
  };
}
