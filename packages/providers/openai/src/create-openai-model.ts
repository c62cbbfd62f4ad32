import type {
  LanguageModel,
  ModelCallOptions,
  ModelCapabilities,
  ModelDeprecation,
  ModelRequest,
  ModelResponse,
  ModelStreamPart,
  StreamIdleTimeout,
} from '@agentry/core';
import { createStreamIdleTimeout } from '@agentry/core';
import type OpenAI from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { fromChatCompletion } from './chat/from-chat-completion.js';
import { ChatStreamMapper } from './chat/chat-stream-parts.js';
import { toChatRequest, type ChatRequestSettings } from './chat/to-chat-request.js';
import { CallSignal } from './call-signal.js';
import type { ClientSource } from './create-client-source.js';
import type { OpenAIApi } from './openai-provider-options.js';
import { fromResponse } from './responses/from-response.js';
import { toResponsesStreamParts } from './responses/responses-stream-parts.js';
import { toResponsesRequest } from './responses/to-responses-request.js';
import { streamTimedOut } from './response/response-helpers.js';
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
  /** Set when the catalogue marks the model deprecated. */
  readonly deprecation?: ModelDeprecation;
  /** The API it speaks. */
  readonly api: OpenAIApi;
  /** The SDK client for the credential of the moment. */
  readonly clients: ClientSource;
  /** The field Chat Completions takes the output token limit in. */
  readonly tokenLimitField: ChatRequestSettings['tokenLimitField'];
  /** The SDK's timeout in milliseconds, for messages. */
  readonly timeout?: number | undefined;
}

/** The `openai` SDK's default timeout, 10 minutes. */
const OPENAI_SDK_TIMEOUT = 600_000;

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
 * call with `aborted` and closes the connection. The timeout bounds the wait for the response to
 * start (the SDK's) and each wait for a stream's next event (here, with
 * `createStreamIdleTimeout`): a stream silent for longer ends with `timeout` and its connection
 * closes; time the consumer spends between parts does not count. The SDK gets a
 * {@link CallSignal}, a view of the caller's signal, so that no listener stays on the caller's
 * signal once the call has ended (succeeded, failed, aborted, timed out, or a stream left unread).
 *
 * @internal
 */
export function createOpenAIModel(config: OpenAIModelConfig): LanguageModel {
  const { modelId, api, clients } = config;
  // The same bound as the SDK's, whose default this is: for the response to start (the SDK),
  // then for each next event of a stream (here).
  const timeout = config.timeout ?? OPENAI_SDK_TIMEOUT;
  const chatSettings: ChatRequestSettings = { modelId, tokenLimitField: config.tokenLimitField };

  async function generate(
    request: ModelRequest,
    options: ModelCallOptions = {},
  ): Promise<ModelResponse> {
    const context: OpenAIErrorContext = {
      modelId,
      signal: options.signal,
      timeout: config.timeout,
    };
    const call = options.signal === undefined ? undefined : new CallSignal(options.signal);
    let client: OpenAI | undefined;
    try {
      client = await clients.get(options.signal);
      const requestOptions = requestOptionsOf(call?.signal, options);
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
    } finally {
      call?.release();
    }
  }

  async function* stream(
    request: ModelRequest,
    options: ModelCallOptions = {},
  ): AsyncGenerator<ModelStreamPart> {
    const context: OpenAIErrorContext = {
      modelId,
      signal: options.signal,
      timeout: config.timeout,
    };
    const call = options.signal === undefined ? undefined : new CallSignal(options.signal);
    let sent = false;
    let client: OpenAI | undefined;
    let idle: StreamIdleTimeout | undefined;
    try {
      client = await clients.get(options.signal);
      const requestOptions = requestOptionsOf(call?.signal, options);
      if (api === 'chat') {
        // toChatRequest makes a new body each call, so it is completed in place rather than copied.
        const body = toChatRequest(request, chatSettings) as ChatCompletionCreateParamsStreaming;
        body.stream = true;
        body.stream_options = { ...body.stream_options, include_usage: true };
        const chunks = await client.chat.completions.create(body, requestOptions);
        // Aborting the stream's own controller closes the connection; the SDK then ends quietly.
        idle = createStreamIdleTimeout({ timeout, onTimeout: () => chunks.controller.abort() });
        // The chunks are mapped here rather than through toChatStreamParts, so that each part
        // crosses one async generator: a long answer streams hundreds of them.
        const mapper = new ChatStreamMapper(modelId);
        const parts: ModelStreamPart[] = [];
        idle.wait();
        for await (const chunk of chunks) {
          idle.received();
          mapper.push(chunk, parts);
          for (let index = 0; index < parts.length; index += 1) {
            sent = true;
            yield parts[index]!;
          }
          parts.length = 0;
          idle.wait();
        }
        if (idle.timedOut) throw streamTimedOut(modelId, timeout);
        mapper.end(parts);
        sent = true;
        yield* parts;
        return;
      }
      const body = { ...toResponsesRequest(request, modelId), stream: true as const };
      const events = await client.responses.create(body, requestOptions);
      idle = createStreamIdleTimeout({ timeout, onTimeout: () => events.controller.abort() });
      for await (const part of toResponsesStreamParts(events, modelId, idle)) {
        sent = true;
        yield part;
      }
    } catch (error) {
      const failure = clients.failed(
        idle?.timedOut === true ? streamTimedOut(modelId, timeout) : toOpenAIError(error, context),
        client,
      );
      if (!sent) throw failure;
      yield { type: 'error', error: failure };
    } finally {
      idle?.dispose();
      call?.release();
    }
  }

  return {
    specificationVersion: 'v1',
    provider: 'openai',
    modelId,
    capabilities: config.capabilities,
    ...(config.deprecation !== undefined ? { deprecation: config.deprecation } : {}),
    generate,
    stream,
  };
}
