import {
  type AgentryError,
  createProviderError,
  type CredentialSource,
  type LanguageModel,
  type ModelCallOptions,
  type ModelCapabilities,
  type ModelRequest,
  type ModelResponse,
  type ModelStreamPart,
  toConnectionError,
} from '@agentry/core';
import {
  ACME_GENERATE_PATH,
  ACME_KEY_HEADER,
  ACME_STREAM_PATH,
  type AcmeAnswer,
} from './acme-protocol.js';
import { createAcmeStreamMapper, toModelResponse } from './acme-stream-mapper.js';
import { readAcmeFrames } from './read-acme-frames.js';
import { toAcmeError } from './to-acme-error.js';
import { PROVIDER_NAME, toAcmeRequest } from './to-acme-request.js';

/** What one Acme model is made of; the provider fills it in. */
export interface AcmeModelSettings {
  /** Acme's model id. */
  modelId: string;
  /** What the model can do. */
  capabilities: ModelCapabilities;
  /** The API's base URL, before `/v2/…`. */
  endpoint: string;
  /** Headers sent with every request. */
  headers: Record<string, string>;
  /** Where each call gets its key. */
  credentials: CredentialSource;
  /** The fetch to call Acme with. */
  fetch: typeof globalThis.fetch;
}

/** A failure to reach Acme or to read its answer: `aborted`, `timeout` or `network`. */
function connectionError(error: unknown, signal: AbortSignal | undefined) {
  return toConnectionError(error, { provider: PROVIDER_NAME, server: 'Acme', signal });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isAnswer(value: unknown): value is AcmeAnswer {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { output?: unknown }).output) &&
    typeof (value as { stop?: unknown }).stop === 'string'
  );
}

/**
 * Creates a `LanguageModel` that speaks Acme's protocol with plain `fetch`. It keeps the model
 * contract: the request starts on the stream's first `next()`; failures before any part are
 * thrown, failures after some parts are one `error` part; an aborted signal or a consumer that
 * stops early cancels the body and so closes the connection; retries are left to Agentry's router.
 * Wrap it in `guardModel` to enforce its capabilities.
 *
 * @example
 * ```ts
 * const model = guardModel(createAcmeModel({ modelId: 'acme-large', capabilities, endpoint,
 *   headers: {}, credentials, fetch }));
 * ```
 */
export function createAcmeModel(settings: AcmeModelSettings): LanguageModel {
  const base = settings.endpoint.replace(/\/+$/, '');

  async function send(request: ModelRequest, stream: boolean, options: ModelCallOptions) {
    const { signal } = options;
    if (signal?.aborted === true) throw connectionError(signal.reason, signal);
    const body = JSON.stringify(toAcmeRequest(request, settings.modelId));
    const credential = await settings.credentials.get({ signal });
    let response: Response;
    try {
      response = await settings.fetch(`${base}${stream ? ACME_STREAM_PATH : ACME_GENERATE_PATH}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: stream ? 'application/x-ndjson' : 'application/json',
          ...settings.headers,
          ...options.headers,
          [ACME_KEY_HEADER]: credential.value,
        },
        body,
        signal,
      });
    } catch (error) {
      throw connectionError(error, signal);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw toAcmeError({
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
    const mapper = createAcmeStreamMapper(settings.modelId);
    let sent = 0;
    let failure: AgentryError | undefined;
    try {
      for await (const frame of readAcmeFrames(response.body ?? new ReadableStream())) {
        if (frame.frame === 'fault') {
          failure = toAcmeError({ body: frame });
          break;
        }
        for (const part of mapper.push(frame)) {
          sent += 1;
          yield part;
        }
        if (mapper.finished) break;
      }
    } catch (error) {
      // A line that is not a frame (already an AgentryError), a reset connection, or an abort.
      failure = connectionError(error, options.signal);
    }
    if (failure === undefined && !mapper.finished) {
      failure = createProviderError({
        provider: PROVIDER_NAME,
        code: 'network',
        message: 'The stream from Acme ended before its end frame.',
      });
    }
    if (failure === undefined) return;
    // Before any part the call simply failed; after some, they were partial output.
    if (sent === 0) throw failure;
    yield { type: 'error', error: failure };
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
    const answer = parseJson(text);
    if (!isAnswer(answer)) {
      throw createProviderError({
        provider: PROVIDER_NAME,
        code: 'provider_unavailable',
        message: `Acme answered with a body that is not an answer: ${text.slice(0, 80)}`,
      });
    }
    return toModelResponse(answer, settings.modelId);
  }

  return {
    specificationVersion: 'v1',
    provider: 'acme',
    modelId: settings.modelId,
    capabilities: settings.capabilities,
    stream,
    generate,
  };
}
