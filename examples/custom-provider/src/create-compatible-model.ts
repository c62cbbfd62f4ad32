import {
  type AgentryError,
  createProviderError,
  toConnectionError,
  type CredentialSource,
  type LanguageModel,
  type ModelCallOptions,
  type ModelCapabilities,
  type ModelRequest,
  type ModelResponse,
  type ModelStreamPart,
} from '@agentry/core';
import { isJsonObject, toModelResponse } from './chat-response.js';
import { createChatStreamMapper } from './create-chat-stream-mapper.js';
import { readSseEvents } from './read-sse-events.js';
import { PROVIDER_NAME, toChatError } from './to-chat-error.js';
import { toChatRequest } from './to-chat-request.js';

/** What one compatible model is made of; the provider fills it in. */
export interface CompatibleModelSettings {
  /** The server's model id. */
  modelId: string;
  /** What the model can do. */
  capabilities: ModelCapabilities;
  /** The server's base URL, ending before `/chat/completions`. */
  endpoint: string;
  /** How the server is named in error messages. */
  serverName: string;
  /** Headers sent with every request. */
  headers: Record<string, string>;
  /** Where each call gets its credential; no `authorization` header without one. */
  credentials: CredentialSource | undefined;
  /** The fetch to call the server with. */
  fetch: typeof globalThis.fetch;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Creates a `LanguageModel` that speaks Chat Completions to an OpenAI-compatible server with plain
 * `fetch`. It keeps the model contract: the request starts on the stream's first `next()`;
 * failures before any part are thrown, failures after some parts are one `error` part; an
 * aborted signal or a consumer that stops early closes the connection; retries are left to
 * Agentry's router. Wrap it in `guardModel` to enforce its capabilities.
 *
 * @example
 * ```ts
 * const model = guardModel(createCompatibleModel({ modelId: 'llama3.2', capabilities, endpoint,
 *   serverName: 'Ollama', headers: {}, credentials: undefined, fetch }));
 * ```
 */
export function createCompatibleModel(settings: CompatibleModelSettings): LanguageModel {
  const { serverName } = settings;
  const url = `${settings.endpoint.replace(/\/+$/, '')}/chat/completions`;
  // `aborted` when the signal aborted, else `timeout` or `network` naming the system error.
  const connectionError = (error: unknown, signal: AbortSignal | undefined) =>
    toConnectionError(error, { provider: PROVIDER_NAME, server: serverName, signal });

  async function send(request: ModelRequest, stream: boolean, options: ModelCallOptions) {
    const signal = options.signal;
    if (signal?.aborted === true) throw connectionError(signal.reason, signal);
    const body = JSON.stringify(toChatRequest(request, settings.modelId, stream));
    const credential = await settings.credentials?.get({ signal });
    let response: Response;
    try {
      response = await settings.fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: stream ? 'text/event-stream' : 'application/json',
          ...settings.headers,
          ...options.headers,
          ...(credential ? { authorization: `Bearer ${credential.value}` } : {}),
        },
        body,
        signal,
      });
    } catch (error) {
      throw connectionError(error, signal);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw toChatError({
        serverName,
        status: response.status,
        headers: response.headers,
        body: parseJson(text),
      });
    }
    return response;
  }

  async function* stream(
    request: ModelRequest,
    options: ModelCallOptions = {},
  ): AsyncGenerator<ModelStreamPart> {
    const response = await send(request, true, options);
    const mapper = createChatStreamMapper();
    let sent = 0;
    let failure: AgentryError | undefined;
    let done = false;
    try {
      for await (const event of readSseEvents(response.body ?? new ReadableStream(), {
        provider: PROVIDER_NAME,
        server: serverName,
      })) {
        if (event.data === '[DONE]') {
          done = true;
          break;
        }
        const chunk = parseJson(event.data);
        if (!isJsonObject(chunk)) {
          failure = createProviderError({
            provider: PROVIDER_NAME,
            code: 'provider_unavailable',
            message: `${serverName} sent a stream event that is not a JSON object: ${event.data.slice(0, 80)}`,
          });
          break;
        }
        if (chunk.error !== undefined) {
          failure = toChatError({ serverName, body: chunk });
          break;
        }
        for (const part of mapper.push(chunk)) {
          sent += 1;
          yield part;
        }
      }
    } catch (error) {
      // Reading the body failed: the connection was reset, or the signal aborted.
      failure = connectionError(error, options.signal);
    }
    if (failure === undefined && !done && !mapper.finished) {
      failure = createProviderError({
        provider: PROVIDER_NAME,
        code: 'network',
        message: `The stream from ${serverName} ended before the model finished.`,
      });
    }
    if (failure !== undefined) {
      // Before any part the call simply failed; after some, they were partial output.
      if (sent === 0) throw failure;
      yield { type: 'error', error: failure };
      return;
    }
    yield* mapper.end();
  }

  async function generate(
    request: ModelRequest,
    options: ModelCallOptions = {},
  ): Promise<ModelResponse> {
    const response = await send(request, false, options);
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw connectionError(error, options.signal);
    }
    const body = parseJson(text);
    if (!isJsonObject(body)) {
      throw createProviderError({
        provider: PROVIDER_NAME,
        code: 'provider_unavailable',
        message: `${serverName} answered with a body that is not a JSON object: ${text.slice(0, 80)}`,
      });
    }
    return toModelResponse(body, serverName);
  }

  return {
    specificationVersion: 'v1',
    provider: 'openai',
    modelId: settings.modelId,
    capabilities: settings.capabilities,
    stream,
    generate,
  };
}
