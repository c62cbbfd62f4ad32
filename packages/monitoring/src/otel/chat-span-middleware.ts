import type {
  FinishReason,
  ModelCallContext,
  ModelMiddleware,
  ModelStreamPart,
  PluginHost,
  Usage,
} from '@agentry/core';
import {
  context as otelContext,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { attributes, operationNames, toGenAiProviderName } from '../semconv/gen-ai.js';
import type { GenAiMetrics } from './gen-ai-metrics.js';
import type { RunSpans } from './run-spans.js';
import { toContentValue, toErrorType } from './telemetry-values.js';
import { OutputCollector, toSemconvMessages } from './to-semconv-messages.js';

/** @internal What the chat-span middleware needs. */
export interface ChatSpanOptions {
  readonly host: PluginHost;
  readonly tracer: Tracer;
  readonly metrics: GenAiMetrics;
  readonly runs: RunSpans;
  readonly captureContent: boolean;
}

/**
 * @internal One `chat {model}` CLIENT span per model call attempt (middleware runs once per
 * attempt, so retries and fallbacks each get theirs), child of the run's `invoke_agent` span. The
 * span ends when the response stream ends, fails or is abandoned; the stream is what inner layers
 * set on `context.stream`, wrapped here.
 */
export function createChatSpanMiddleware(options: ChatSpanOptions): ModelMiddleware {
  const { tracer, runs } = options;
  return async (call, next) => {
    const requested = runs.attemptOf(call.runId);
    const [providerType, ...rest] = requested?.model.split(':') ?? [];
    const requestModel = rest.join(':');
    const parent = runs.parentOf(call.runId) ?? otelContext.active();
    const metricAttributes: Attributes = {
      [attributes.operationName]: operationNames.chat,
      ...(providerType ? { [attributes.providerName]: toGenAiProviderName(providerType) } : {}),
      ...(requestModel ? { [attributes.requestModel]: requestModel } : {}),
    };
    const span = tracer.startSpan(
      requestModel ? `${operationNames.chat} ${requestModel}` : operationNames.chat,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          ...metricAttributes,
          [attributes.runId]: call.runId,
          [attributes.step]: call.step,
          ...(requested ? { [attributes.attempt]: requested.attempt } : {}),
        },
      },
      parent,
    );
    if (options.captureContent) {
      const content = { purpose: 'telemetry', agentId: call.agentId } as const;
      if (call.request.system !== undefined) {
        span.setAttribute(
          attributes.systemInstructions,
          toContentValue(options.host, [{ type: 'text', content: call.request.system }], {
            ...content,
            field: attributes.systemInstructions,
          }),
        );
      }
      span.setAttribute(
        attributes.inputMessages,
        toContentValue(options.host, toSemconvMessages(call.request.messages), {
          ...content,
          field: attributes.inputMessages,
        }),
      );
    }
    const started = performance.now();
    try {
      await otelContext.with(trace.setSpan(parent, span), next);
    } catch (error) {
      finish(options, span, metricAttributes, started, { error });
      throw error;
    }
    if (call.model !== undefined && !requestModel) {
      // Without a model-request event (a call outside a traced run) the served model names it.
      span.updateName(`${operationNames.chat} ${call.model.modelId}`);
      metricAttributes[attributes.providerName] = toGenAiProviderName(call.model.provider);
      metricAttributes[attributes.requestModel] = call.model.modelId;
      span.setAttributes(metricAttributes);
    }
    if (call.stream !== undefined) {
      call.stream = observeStream(call.stream, call, options, span, metricAttributes, started);
    } else finish(options, span, metricAttributes, started, {});
  };
}

interface Outcome {
  readonly error?: unknown;
  readonly end?: Extract<ModelStreamPart, { type: 'response-end' }>;
  readonly firstChunkMs?: number;
  readonly output?: OutputCollector;
}

async function* observeStream(
  stream: AsyncIterable<ModelStreamPart>,
  call: ModelCallContext,
  options: ChatSpanOptions,
  span: Span,
  metricAttributes: Attributes,
  started: number,
): AsyncGenerator<ModelStreamPart> {
  let firstChunkMs: number | undefined;
  const output = options.captureContent ? new OutputCollector() : undefined;
  let outcome: Outcome | undefined;
  try {
    for await (const part of stream) {
      firstChunkMs ??= performance.now() - started;
      if (part.type === 'response-end') {
        outcome = output ? { end: part, firstChunkMs, output } : { end: part, firstChunkMs };
      } else if (part.type === 'error') outcome = { error: part.error, firstChunkMs };
      else output?.add(part);
      yield part;
    }
  } catch (error) {
    outcome = { error, firstChunkMs };
    throw error;
  } finally {
    // A consumer that stops reading before the final part cut the call short.
    const cut = {
      error: Object.assign(new Error('The stream was not read to its end.'), { name: 'cancelled' }),
      firstChunkMs,
    };
    finish(options, span, metricAttributes, started, outcome ?? cut, call);
  }
}

function finish(
  options: ChatSpanOptions,
  span: Span,
  metricAttributes: Attributes,
  started: number,
  outcome: Outcome,
  call?: ModelCallContext,
): void {
  const durationMs = performance.now() - started;
  const end = outcome.end;
  const responseModel = end?.response?.modelId ?? call?.model?.modelId;
  if (responseModel !== undefined) metricAttributes[attributes.responseModel] = responseModel;
  if (outcome.error !== undefined) {
    metricAttributes[attributes.errorType] = toErrorType(outcome.error);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.setAttributes(metricAttributes);
  if (end !== undefined) {
    span.setAttributes(usageAttributes(end.usage, end.finishReason));
    if (end.response?.id !== undefined) span.setAttribute(attributes.responseId, end.response.id);
  }
  if (outcome.firstChunkMs !== undefined) {
    span.setAttribute(attributes.timeToFirstChunk, outcome.firstChunkMs / 1000);
  }
  if (call !== undefined && outcome.output !== undefined && end !== undefined) {
    span.setAttribute(
      attributes.outputMessages,
      toContentValue(options.host, outcome.output.message(end.finishReason), {
        purpose: 'telemetry',
        agentId: call.agentId,
        field: attributes.outputMessages,
      }),
    );
  }
  span.end();
  options.metrics.recordModelCall({
    attributes: metricAttributes,
    durationSeconds: durationMs / 1000,
    timeToFirstChunkSeconds:
      outcome.firstChunkMs === undefined ? undefined : outcome.firstChunkMs / 1000,
    usage: end?.usage,
  });
}

function usageAttributes(usage: Usage, finishReason: FinishReason): Attributes {
  return {
    [attributes.responseFinishReasons]: [finishReason],
    [attributes.usageInputTokens]: usage.inputTokens,
    [attributes.usageOutputTokens]: usage.outputTokens,
    ...(usage.cachedInputTokens !== undefined
      ? { [attributes.usageCacheReadInputTokens]: usage.cachedInputTokens }
      : {}),
    ...(usage.cacheWriteInputTokens !== undefined
      ? { [attributes.usageCacheWriteInputTokens]: usage.cacheWriteInputTokens }
      : {}),
    ...(usage.reasoningTokens !== undefined
      ? { [attributes.usageReasoningOutputTokens]: usage.reasoningTokens }
      : {}),
  };
}
