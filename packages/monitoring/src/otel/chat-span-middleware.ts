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
  // `provider:model` -> its span name and attributes, worked out once per model.
  const targets = new Map<string, ChatTarget>();
  const targetOf = (model: string) => {
    let target = targets.get(model);
    if (target === undefined) {
      const colon = model.indexOf(':');
      const requestModel = model.slice(colon + 1);
      target = {
        spanName: `${operationNames.chat} ${requestModel}`,
        providerName: toGenAiProviderName(model.slice(0, colon)),
        requestModel,
      };
      targets.set(model, target);
    }
    return target;
  };
  return async (call, next) => {
    const requested = runs.attemptOf(call.runId);
    const target = requested === undefined ? undefined : targetOf(requested.model);
    const parent = runs.parentOf(call.runId) ?? otelContext.active();
    const metricAttributes: Attributes = { [attributes.operationName]: operationNames.chat };
    const spanAttributes: Attributes = {
      [attributes.operationName]: operationNames.chat,
      [attributes.runId]: call.runId,
      [attributes.step]: call.step,
    };
    if (target !== undefined && requested !== undefined) {
      metricAttributes[attributes.providerName] = spanAttributes[attributes.providerName] =
        target.providerName;
      metricAttributes[attributes.requestModel] = spanAttributes[attributes.requestModel] =
        target.requestModel;
      spanAttributes[attributes.attempt] = requested.attempt;
    }
    const span = tracer.startSpan(
      target?.spanName ?? operationNames.chat,
      { kind: SpanKind.CLIENT, attributes: spanAttributes },
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
      // Not run inside the span's context: the provider's request is made while the stream is
      // read, after this returns, so the context would reach nothing but the layers inside this
      // one, and entering it costs every turn (bench/tracing-overhead.bench.ts).
      await next();
    } catch (error) {
      finish(options, span, metricAttributes, started, { error });
      throw error;
    }
    if (call.model !== undefined && target === undefined) {
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

interface ChatTarget {
  readonly spanName: string;
  readonly providerName: string;
  readonly requestModel: string;
}

interface Outcome {
  readonly error?: unknown;
  readonly end?: Extract<ModelStreamPart, { type: 'response-end' }>;
  readonly firstChunkMs?: number;
  readonly output?: OutputCollector;
}

/** What a stream abandoned before its final part failed with (made once: no stack per call). */
const cancelled = Object.assign(new Error('The stream was not read to its end.'), {
  name: 'cancelled',
});

/**
 * The stream, observed part by part. A plain iterator rather than an async generator: a generator
 * would add its own promise hops to every part (see bench/tracing-overhead.bench.ts).
 */
function observeStream(
  stream: AsyncIterable<ModelStreamPart>,
  call: ModelCallContext,
  options: ChatSpanOptions,
  span: Span,
  metricAttributes: Attributes,
  started: number,
): AsyncIterable<ModelStreamPart> {
  return {
    [Symbol.asyncIterator]() {
      const inner = stream[Symbol.asyncIterator]();
      const output = options.captureContent ? new OutputCollector() : undefined;
      let firstChunkMs: number | undefined;
      let outcome: Outcome | undefined;
      let finished = false;
      const settle = () => {
        if (finished) return;
        finished = true;
        // A consumer that stops reading before the final part cut the call short.
        outcome ??= { error: cancelled, firstChunkMs };
        finish(options, span, metricAttributes, started, outcome, call);
      };
      const observe = (result: IteratorResult<ModelStreamPart>) => {
        if (result.done === true) {
          settle();
          return result;
        }
        const part = result.value;
        firstChunkMs ??= performance.now() - started;
        if (part.type === 'response-end') {
          outcome = output ? { end: part, firstChunkMs, output } : { end: part, firstChunkMs };
          // The response is whole: the span ends here, before the agent acts on it (ends its
          // step or run), so a chat span never outlives its invoke_agent parent.
          settle();
        } else if (part.type === 'error') outcome = { error: part.error, firstChunkMs };
        else output?.add(part);
        return result;
      };
      const fail = (error: unknown): never => {
        outcome = { error, firstChunkMs };
        settle();
        throw error;
      };
      return {
        next: () => inner.next().then(observe, fail),
        return(value?: unknown) {
          settle();
          return inner.return
            ? inner.return(value)
            : Promise.resolve({ done: true as const, value: undefined });
        },
        throw(error?: unknown) {
          if (!finished) outcome ??= { error, firstChunkMs };
          settle();
          return inner.throw
            ? inner.throw(error)
            : Promise.reject(error instanceof Error ? error : new Error(String(error)));
        },
      };
    },
  };
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
  // The span has the other metric attributes from its start.
  if (responseModel !== undefined) {
    metricAttributes[attributes.responseModel] = responseModel;
    span.setAttribute(attributes.responseModel, responseModel);
  }
  if (outcome.error !== undefined) {
    const errorType = toErrorType(outcome.error);
    metricAttributes[attributes.errorType] = errorType;
    span.setAttribute(attributes.errorType, errorType);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
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
