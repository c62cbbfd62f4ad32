import { AgentryError, toAgentryError } from '../errors/index.js';
import type {
  FinishReason,
  LanguageModel,
  ModelRequest,
  ModelStreamPart,
  ReasoningPart,
  TextPart,
  ToolCallPart,
  Usage,
} from '../model/index.js';
import type { AgentRunPart } from './agent-events.js';
import { composeMiddleware, type ModelCallContext, type ModelMiddleware } from './middleware.js';
import type { ModelRouter } from './model-router-types.js';

/** What one model step produced. */
export interface ModelStepOutcome {
  /** The model that answered. */
  model: LanguageModel;
  /** Text, reasoning and tool calls in the order they began. */
  content: (TextPart | ReasoningPart | ToolCallPart)[];
  /** Why the model stopped. */
  finishReason: FinishReason;
  /** Tokens used. */
  usage: Usage;
  /** Milliseconds from the request to the first output. */
  latencyMs: number | undefined;
}

/** @internal */
export interface ModelStepOptions {
  router: ModelRouter;
  middleware: readonly ModelMiddleware[];
  request: ModelRequest;
  signal: AbortSignal;
  agentId: string;
  runId: string;
  step: number;
  permissions: readonly string[];
  userId: string | undefined;
  /** Waits for a connection slot; returns its release. */
  acquireConnection(signal: AbortSignal): Promise<() => void>;
  push: (part: AgentRunPart) => void;
  now: () => number;
}

/** @internal Runs one model step through the router, middleware and the stream. */
export function runModelStep(options: ModelStepOptions): Promise<ModelStepOutcome> {
  const { runId, step, push } = options;
  let partial = '';
  return options.router.run(
    async (model, { attempt, signal }) => {
      partial = '';
      push({
        type: 'model-request',
        runId,
        step,
        model: `${model.provider}:${model.modelId}`,
        attempt,
      });
      const release = await options.acquireConnection(signal);
      try {
        const context: ModelCallContext = {
          agentId: options.agentId,
          runId,
          step,
          permissions: options.permissions,
          userId: options.userId,
          request: options.request,
          options: { signal },
        };
        await composeMiddleware(options.middleware, (ctx) => {
          ctx.model = model;
          ctx.stream = model.stream(ctx.request, ctx.options);
          return Promise.resolve();
        })(context);
        if (!context.stream || !context.model)
          throw new AgentryError({
            code: 'internal',
            message: 'A model middleware returned without calling next().',
            suggestions: ['Make every model middleware await next() or throw.'],
          });
        return await consume(context.model, context.stream, options, (text) => (partial = text));
      } finally {
        release();
      }
    },
    {
      signal: options.signal,
      onFailure: (failure) =>
        push({
          type: 'model-error',
          runId,
          step,
          model: `${failure.model.provider}:${failure.model.modelId}`,
          attempt: failure.attempt,
          error: failure.error,
          willRetry: failure.willRetry,
          partialText: partial,
        }),
    },
  );
}

async function consume(
  model: LanguageModel,
  stream: AsyncIterable<ModelStreamPart>,
  options: ModelStepOptions,
  onPartial: (text: string) => void,
): Promise<ModelStepOutcome> {
  const { runId, step, push } = options;
  const started = options.now();
  let latencyMs: number | undefined;
  const firstOutput = () => (latencyMs ??= options.now() - started);
  const content: (TextPart | ReasoningPart | ToolCallPart)[] = [];
  const texts = new Map<string, TextPart>();
  const reasonings = new Map<string, ReasoningPart>();
  const calls = new Map<string, ToolCallPart>();
  let text = '';
  let end: { finishReason: FinishReason; usage: Usage } | undefined;
  // A text or reasoning part starts at its first start or delta, whichever comes first.
  const open = <TPart extends TextPart | ReasoningPart>(
    parts: Map<string, TPart>,
    id: string,
    type: TPart['type'],
  ): TPart => {
    let part = parts.get(id);
    if (!part) {
      part = { type, text: '' } as TPart;
      parts.set(id, part);
      content.push(part);
    }
    return part;
  };

  try {
    for await (const part of stream) {
      switch (part.type) {
        case 'text-start':
          open(texts, part.id, 'text');
          break;
        case 'text-delta': {
          firstOutput();
          open(texts, part.id, 'text').text += part.delta;
          text += part.delta;
          onPartial(text);
          push({ type: 'text-delta', runId, step, delta: part.delta });
          break;
        }
        case 'reasoning-start':
          open(reasonings, part.id, 'reasoning');
          break;
        case 'reasoning-delta':
          firstOutput();
          open(reasonings, part.id, 'reasoning').text += part.delta;
          push({ type: 'reasoning-delta', runId, step, delta: part.delta });
          break;
        case 'reasoning-end': {
          const reasoning = reasonings.get(part.id);
          if (reasoning && part.providerMetadata)
            reasoning.providerMetadata = part.providerMetadata;
          break;
        }
        case 'tool-call-start': {
          firstOutput();
          const call: ToolCallPart = {
            type: 'tool-call',
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            input: '',
          };
          calls.set(part.toolCallId, call);
          content.push(call);
          push({
            type: 'tool-call-start',
            runId,
            step,
            toolCallId: part.toolCallId,
            toolName: part.toolName,
          });
          break;
        }
        case 'tool-call-delta': {
          const call = calls.get(part.toolCallId);
          if (call) call.input += part.delta;
          push({
            type: 'tool-call-delta',
            runId,
            step,
            toolCallId: part.toolCallId,
            delta: part.delta,
          });
          break;
        }
        case 'tool-call-end': {
          firstOutput();
          let call = calls.get(part.toolCallId);
          if (!call) {
            call = {
              type: 'tool-call',
              toolCallId: part.toolCallId,
              toolName: part.toolName,
              input: '',
            };
            calls.set(part.toolCallId, call);
            content.push(call);
          }
          call.input = part.input;
          push({
            type: 'tool-call-end',
            runId,
            step,
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            input: part.input,
          });
          break;
        }
        case 'response-end':
          end = { finishReason: part.finishReason, usage: part.usage };
          break;
        case 'error':
          throw part.error;
        case 'text-end':
          break;
      }
    }
  } catch (error) {
    throw toAgentryError(error, 'network');
  }
  if (!end) {
    throw new AgentryError({
      code: 'network',
      message: `The ${model.provider}:${model.modelId} stream ended before its final part.`,
      suggestions: ['Retry; if it persists, check the network path to the provider.'],
    });
  }
  return {
    model,
    content: content.filter((part) => part.type !== 'text' || part.text !== ''),
    finishReason: end.finishReason,
    usage: end.usage,
    latencyMs,
  };
}
