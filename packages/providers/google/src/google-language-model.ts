import type {
  GenerateContentParameters,
  GenerateContentResponse,
  GoogleGenAI,
} from '@google/genai';
import type {
  AgentryError,
  Clock,
  CredentialSource,
  LanguageModel,
  ModelCallOptions,
  ModelCapabilities,
  ModelDeprecation,
  ModelRequest,
  ModelResponse,
  ModelStreamPart,
} from '@agentry/core';
import { CallControl } from './call-control.js';
import { fromGeminiResponse } from './from-gemini-response.js';
import { GeminiStreamParts } from './gemini-stream-parts.js';
import {
  checkRefusedCredential,
  createCallFetch,
  type CallExchange,
  type GoogleClientCache,
} from './google-client-cache.js';
import { toGeminiRequest } from './to-gemini-request.js';
import { toGoogleError } from './to-google-error.js';

/** What a {@link GoogleLanguageModel} needs. @internal */
export interface GoogleLanguageModelSettings {
  /** The Gemini model id, such as `gemini-3.5-flash`. */
  modelId: string;
  /** What the model can do. */
  capabilities: ModelCapabilities;
  /** Set when the catalogue marks the model deprecated. */
  deprecation?: ModelDeprecation | undefined;
  /** Where each call's credential comes from. */
  credentials: CredentialSource;
  /** The SDK clients, one per credential value. */
  clients: GoogleClientCache;
  /** The fetch requests go through (a pooled one). */
  fetch: typeof globalThis.fetch;
  /** The longest wait for Gemini, in milliseconds; none when undefined. */
  timeout: number | undefined;
  /** The source of time for the timeout. */
  clock: Clock;
}

/**
 * A Gemini model on `@google/genai`: one `generateContent` or `streamGenerateContent` request
 * per call, with no retries and no automatic continuation or function calling by the SDK.
 *
 * @internal
 */
export class GoogleLanguageModel implements LanguageModel {
  readonly specificationVersion = 'v1';
  readonly provider = 'google';
  readonly modelId: string;
  readonly capabilities: ModelCapabilities;
  readonly deprecation?: ModelDeprecation;
  readonly #settings: GoogleLanguageModelSettings;

  constructor(settings: GoogleLanguageModelSettings) {
    this.modelId = settings.modelId;
    this.capabilities = settings.capabilities;
    if (settings.deprecation !== undefined) this.deprecation = settings.deprecation;
    this.#settings = settings;
  }

  async generate(request: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse> {
    const call = new CallControl(options?.signal, this.#settings.timeout, this.#settings.clock);
    const exchange: CallExchange = {};
    try {
      call.arm();
      const { client, params } = await this.#open(request, options, call, exchange);
      return fromGeminiResponse(await client.models.generateContent(params));
    } catch (error) {
      throw this.#toError(error, call, exchange);
    } finally {
      call.dispose();
    }
  }

  stream(request: ModelRequest, options?: ModelCallOptions): AsyncIterable<ModelStreamPart> {
    // Read once: the agent's signal is an accessor that makes the signal on first read.
    const signal = options?.signal;
    const headers = options?.headers;
    return this.#streamParts(request, {
      ...(signal ? { signal } : {}),
      ...(headers ? { headers } : {}),
    });
  }

  async *#streamParts(
    request: ModelRequest,
    options: ModelCallOptions,
  ): AsyncGenerator<ModelStreamPart, void, undefined> {
    const call = new CallControl(options.signal, this.#settings.timeout, this.#settings.clock);
    const exchange: CallExchange = {};
    let chunks: AsyncGenerator<GenerateContentResponse> | undefined;
    // Whether the response was read to its end; otherwise the request is aborted on the way out.
    let drained = false;
    let sent = false;
    try {
      try {
        call.arm();
        const { client, params } = await this.#open(request, options, call, exchange);
        chunks = await client.models.generateContentStream(params);
      } catch (error) {
        throw this.#toError(error, call, exchange);
      }
      const parts = new GeminiStreamParts();
      for (;;) {
        let batch: ModelStreamPart[];
        let failure: AgentryError | undefined;
        try {
          call.arm();
          const next = await chunks.next();
          call.disarm();
          if (next.done === true) {
            drained = true;
            batch = parts.end();
          } else {
            batch = parts.push(next.value);
          }
        } catch (error) {
          batch = [];
          failure = this.#toError(error, call, exchange);
        }
        if (failure !== undefined) {
          // Before any part the stream throws; after some it ends with an error part, and what
          // was sent stays partial output.
          if (!sent) throw failure;
          yield { type: 'error', error: failure };
          return;
        }
        for (const part of batch) {
          sent = true;
          yield part;
        }
        if (drained) return;
      }
    } finally {
      call.dispose();
      if (!drained) {
        // The consumer stopped early, or the stream failed: abort the request so that its
        // connection closes instead of staying open with an unread body.
        call.abort();
        await chunks?.return(undefined).catch(() => undefined);
      }
    }
  }

  /** Gets the credential and its client, and builds the SDK parameters of the call. */
  async #open(
    request: ModelRequest,
    options: ModelCallOptions | undefined,
    call: CallControl,
    exchange: CallExchange,
  ): Promise<{ client: GoogleGenAI; params: GenerateContentParameters }> {
    if (call.signal.aborted) throw call.signal.reason;
    const { contents, config } = toGeminiRequest(request);
    const credential = await this.#settings.credentials.get({ signal: call.signal });
    const params: GenerateContentParameters = {
      model: this.modelId,
      contents,
      config: {
        ...config,
        abortSignal: call.signal,
        // One request per call: Agentry's retry policy decides about retries and continuations.
        automaticFunctionCalling: { disable: true },
        automaticContinuation: false,
        httpOptions: {
          fetch: createCallFetch(this.#settings.fetch, credential, exchange),
          ...(options?.headers !== undefined ? { headers: { ...options.headers } } : {}),
        },
      },
    };
    return { client: this.#settings.clients.clientFor(credential), params };
  }

  #toError(error: unknown, call: CallControl, exchange: CallExchange): AgentryError {
    const failure = toGoogleError(error, {
      signal: call.callerSignal,
      timeout: call.timedOutAfter,
      headers: exchange.headers,
    });
    return checkRefusedCredential(failure, this.#settings.credentials, exchange);
  }
}
