import {
  AgentryError,
  type ErrorCode,
  type FinishReason,
  type LanguageModel,
  type ModelCallOptions,
  type ModelRequest,
  type ModelResponse,
  type ModelStreamPart,
  type Usage,
} from '@agentry/core';

/** What the reference model is pointed at. */
export interface ReferenceChatModelOptions {
  /** The emulator's `/openai/v1` base URL. */
  baseURL: string;
  /** The API key sent as a bearer token. */
  apiKey: string;
  /** The model id. */
  modelId: string;
  /** Whether the model reads images (default `false`). */
  supportsVision?: boolean;
}

type Json = Record<string, unknown>;

const finishReasons: Record<string, FinishReason> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool-calls',
  content_filter: 'content-filter',
};

function failure(code: ErrorCode, message: string, details: Json = {}, cause?: unknown) {
  return new AgentryError({ code, message, details, cause });
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401 || status === 403) return 'auth_failed';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'provider_unavailable';
  return 'invalid_request';
}

function toUsage(usage: Json | undefined): Usage {
  const input = Number(usage?.prompt_tokens ?? 0);
  const output = Number(usage?.completion_tokens ?? 0);
  const prompt = usage?.prompt_tokens_details as Json | undefined;
  const completion = usage?.completion_tokens_details as Json | undefined;
  return {
    inputTokens: input,
    outputTokens: output,
    totalTokens: input + output,
    cachedInputTokens: Number(prompt?.cached_tokens ?? 0),
    reasoningTokens: Number(completion?.reasoning_tokens ?? 0),
  };
}

function toBody(request: ModelRequest, modelId: string, stream: boolean): Json {
  const messages: Json[] = request.system ? [{ role: 'system', content: request.system }] : [];
  for (const message of request.messages) {
    if (message.role === 'system') messages.push({ role: 'system', content: message.content });
    if (message.role === 'user') {
      messages.push({
        role: 'user',
        content: message.content.map((part) =>
          part.type === 'text'
            ? { type: 'text', text: part.text }
            : {
                type: 'image_url',
                image_url: {
                  url:
                    typeof part.image === 'string'
                      ? part.image
                      : `data:${part.mediaType};base64,${Buffer.from(part.image).toString('base64')}`,
                },
              },
        ),
      });
    }
    if (message.role === 'assistant') {
      const text = message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
      const calls = message.content.flatMap((part) =>
        part.type === 'tool-call'
          ? [
              {
                id: part.toolCallId,
                type: 'function',
                function: { name: part.toolName, arguments: part.input },
              },
            ]
          : [],
      );
      messages.push({
        role: 'assistant',
        content: text,
        ...(calls.length > 0 ? { tool_calls: calls } : {}),
      });
    }
    if (message.role === 'tool') {
      for (const result of message.content) {
        const content =
          typeof result.output === 'string' ? result.output : JSON.stringify(result.output);
        messages.push({ role: 'tool', tool_call_id: result.toolCallId, content });
      }
    }
  }
  const tools = request.tools?.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
  }));
  return {
    model: modelId,
    messages,
    ...(tools ? { tools } : {}),
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
}

/**
 * A small, correct OpenAI Chat Completions model over `fetch`: the kit's own tests run the
 * conformance suite against it, and against broken variants of it.
 */
export function createReferenceChatModel(options: ReferenceChatModelOptions): LanguageModel {
  const capabilities = {
    maxTokens: 4096,
    supportsStreaming: true,
    supportsFunctions: true,
    supportsVision: options.supportsVision ?? false,
    maxConcurrency: 4,
  };

  async function send(request: ModelRequest, stream: boolean, callOptions: ModelCallOptions) {
    const signal = callOptions.signal;
    if (signal?.aborted) throw failure('aborted', 'The call was aborted before it started.');
    const hasImage = request.messages.some(
      (message) => message.role === 'user' && message.content.some((part) => part.type === 'image'),
    );
    if (hasImage && !capabilities.supportsVision) {
      throw failure('invalid_request', `Model ${options.modelId} does not read images.`);
    }
    let response: Response;
    try {
      response = await fetch(`${options.baseURL}/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${options.apiKey}`,
          ...callOptions.headers,
        },
        body: JSON.stringify(toBody(request, options.modelId, stream)),
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw failure('aborted', 'The call was aborted.', {}, error);
      throw failure('network', 'The server could not be reached.', {}, error);
    }
    if (!response.ok) {
      await response.body?.cancel();
      const retryAfter = response.headers.get('retry-after');
      const details = retryAfter === null ? {} : { retryAfterMs: Number(retryAfter) * 1000 };
      throw failure(codeForStatus(response.status), `HTTP ${response.status}.`, details);
    }
    return response;
  }

  async function* stream(
    request: ModelRequest,
    callOptions: ModelCallOptions = {},
  ): AsyncGenerator<ModelStreamPart> {
    const response = await send(request, true, callOptions);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const calls = new Map<number, { id: string; name: string; input: string }>();
    let textOpen = false;
    let sent = 0;
    let finishReason: FinishReason = 'other';
    let usage = toUsage(undefined);
    let buffer = '';
    const emit = (part: ModelStreamPart) => {
      sent += 1;
      return part;
    };
    try {
      for (;;) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (error) {
          const code = callOptions.signal?.aborted ? 'aborted' : 'network';
          const cut = failure(code, 'The stream was cut.', {}, error);
          if (sent === 0) throw cut;
          yield { type: 'error', error: cut };
          return;
        }
        if (chunk.done) break;
        buffer += chunk.value;
        const events = buffer.split('\n\n');
        buffer = events.pop() ?? '';
        for (const event of events) {
          const data = event.replace(/^data: /, '');
          if (data === '[DONE]') continue;
          let parsed: Json;
          try {
            parsed = JSON.parse(data) as Json;
          } catch (error) {
            const bad = failure('network', 'The server sent an event that is not JSON.', {}, error);
            if (sent === 0) throw bad;
            yield { type: 'error', error: bad };
            return;
          }
          if (parsed.error !== undefined) {
            yield {
              type: 'error',
              error: failure('provider_unavailable', 'The server failed mid-stream.'),
            };
            return;
          }
          if (parsed.usage) usage = toUsage(parsed.usage as Json);
          const choice = (parsed.choices as Json[] | undefined)?.[0];
          const delta = choice?.delta as Json | undefined;
          if (typeof delta?.content === 'string' && delta.content !== '') {
            if (!textOpen) yield emit({ type: 'text-start', id: 'text-0' });
            textOpen = true;
            yield emit({ type: 'text-delta', id: 'text-0', delta: delta.content });
          }
          for (const call of (delta?.tool_calls as Json[] | undefined) ?? []) {
            const index = Number(call.index);
            const fn = call.function as Json;
            let known = calls.get(index);
            if (known === undefined) {
              known = { id: String(call.id), name: String(fn.name), input: '' };
              calls.set(index, known);
              yield emit({ type: 'tool-call-start', toolCallId: known.id, toolName: known.name });
            }
            if (typeof fn.arguments === 'string' && fn.arguments !== '') {
              known.input += fn.arguments;
              yield emit({ type: 'tool-call-delta', toolCallId: known.id, delta: fn.arguments });
            }
          }
          if (typeof choice?.finish_reason === 'string') {
            finishReason = finishReasons[choice.finish_reason] ?? 'other';
          }
        }
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
    if (textOpen) yield { type: 'text-end', id: 'text-0' };
    for (const call of calls.values()) {
      yield { type: 'tool-call-end', toolCallId: call.id, toolName: call.name, input: call.input };
    }
    yield { type: 'response-end', finishReason, usage };
  }

  async function generate(
    request: ModelRequest,
    callOptions: ModelCallOptions = {},
  ): Promise<ModelResponse> {
    const response = await send(request, false, callOptions);
    let body: Json;
    try {
      body = (await response.json()) as Json;
    } catch (error) {
      const code = callOptions.signal?.aborted ? 'aborted' : 'network';
      throw failure(code, 'The response was cut.', {}, error);
    }
    const choice = (body.choices as Json[])[0] as Json;
    const message = choice.message as Json;
    const content: ModelResponse['content'] = [];
    if (typeof message.content === 'string' && message.content !== '') {
      content.push({ type: 'text', text: message.content });
    }
    for (const call of (message.tool_calls as Json[] | undefined) ?? []) {
      const fn = call.function as Json;
      content.push({
        type: 'tool-call',
        toolCallId: String(call.id),
        toolName: String(fn.name),
        input: String(fn.arguments),
      });
    }
    return {
      content,
      finishReason: finishReasons[String(choice.finish_reason)] ?? 'other',
      usage: toUsage(body.usage as Json),
    };
  }

  return {
    specificationVersion: 'v1',
    provider: 'openai',
    modelId: options.modelId,
    capabilities,
    stream,
    generate,
  };
}
