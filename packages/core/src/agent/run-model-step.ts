import type { AuthorizationPrincipal } from '../plugins/plugin-services.js';
import { AgentryError, toAgentryError } from '../errors/index.js';
import type { AbortSource, Clock, Semaphore } from '../resilience/index.js';
import type {
  FinishReason,
  LanguageModel,
  ModelCallOptions,
  ModelRequest,
  ModelStreamPart,
  ReasoningPart,
  TextPart,
  ToolCallPart,
  Usage,
} from '../model/index.js';
import type { AgentRunPart } from './agent-events.js';
import { markCallerRefusal } from './caller-refusal.js';
import { composeMiddleware, type ModelCallContext, type ModelMiddleware } from './middleware.js';
import type { ModelRouter, RouterAttempt, RouterDeadline } from './model-router-types.js';

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
  abort: AbortSource;
  /** The turn's time left: the router sleeps no wait beyond it. */
  deadline: RouterDeadline;
  agentId: string;
  runId: string;
  step: number;
  permissions: readonly string[];
  userId: string | undefined;
  sessionId: string;
  principal: AuthorizationPrincipal;
  /** Model calls take a slot each (`maxConnections`). */
  connections: Semaphore;
  push: (part: AgentRunPart) => void;
  /** Told of a model with a `deprecation` before each call to it; the agent warns once. */
  noticeDeprecation: (model: LanguageModel) => void;
  clock: Clock;
}

/** @internal Runs one model step through the router, middleware and the stream. */
export function runModelStep(options: ModelStepOptions): Promise<ModelStepOutcome> {
  const { runId, step, push } = options;
  const partial = { text: '' };
  return options.router.run((model, info) => attemptStep(model, info, options, partial), {
    abort: options.abort,
    deadline: options.deadline,
    onFailure: (failure) =>
      push({
        type: 'model-error',
        runId,
        step,
        model: `${failure.model.provider}:${failure.model.modelId}`,
        attempt: failure.attempt,
        error: failure.error,
        willRetry: failure.willRetry,
        partialText: partial.text,
      }),
  });
}

/** One attempt: a connection slot, the call (through middleware) and its stream, read to the end. */
async function attemptStep(
  model: LanguageModel,
  info: RouterAttempt,
  options: ModelStepOptions,
  partial: { text: string },
): Promise<ModelStepOutcome> {
  const { runId, step, push, clock } = options;
  partial.text = '';
  if (model.deprecation !== undefined) options.noticeDeprecation(model);
  push({
    type: 'model-request',
    runId,
    step,
    model: `${model.provider}:${model.modelId}`,
    attempt: info.attempt,
  });
  const release =
    options.connections.tryAcquire() ??
    (await options.connections.acquire({ signal: info.signal }));
  try {
    const callOptions = callOptionsOf(info);
    let served = model;
    let stream: AsyncIterable<ModelStreamPart>;
    if (options.middleware.length === 0) stream = model.stream(options.request, callOptions);
    else ({ model: served, stream } = await callThroughMiddleware(model, options, callOptions));

    const started = clock.now();
    let latencyMs: number | undefined;
    const parts = new ResponseParts();
    let end: { finishReason: FinishReason; usage: Usage } | undefined;
    try {
      for await (const part of stream) {
        switch (part.type) {
          case 'text-start':
            parts.text(part.id);
            break;
          case 'text-delta': {
            latencyMs ??= clock.now() - started;
            parts.text(part.id).text += part.delta;
            partial.text += part.delta;
            push({ type: 'text-delta', runId, step, delta: part.delta });
            break;
          }
          case 'reasoning-start':
            parts.reasoning(part.id);
            break;
          case 'reasoning-delta':
            latencyMs ??= clock.now() - started;
            parts.reasoning(part.id).text += part.delta;
            push({ type: 'reasoning-delta', runId, step, delta: part.delta });
            break;
          case 'reasoning-end': {
            const reasoning = parts.findReasoning(part.id);
            if (reasoning && part.providerMetadata)
              reasoning.providerMetadata = part.providerMetadata;
            break;
          }
          case 'tool-call-start': {
            latencyMs ??= clock.now() - started;
            parts.call(part.toolCallId, part.toolName);
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
            const call = parts.findCall(part.toolCallId);
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
            latencyMs ??= clock.now() - started;
            parts.call(part.toolCallId, part.toolName).input = part.input;
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
        message: `The ${served.provider}:${served.modelId} stream ended before its final part.`,
        suggestions: ['Retry; if it persists, check the network path to the provider.'],
      });
    }
    const content = parts.content;
    return {
      model: served,
      // A text part that never received text is dropped.
      content: content.some(isEmptyText) ? content.filter((part) => !isEmptyText(part)) : content,
      finishReason: end.finishReason,
      usage: end.usage,
      latencyMs,
    };
  } finally {
    release();
  }
}

/** Makes the call through the model middleware; returns the model that served it and its stream. */
async function callThroughMiddleware(
  model: LanguageModel,
  options: ModelStepOptions,
  callOptions: ModelCallOptions,
): Promise<{ model: LanguageModel; stream: AsyncIterable<ModelStreamPart> }> {
  const context: ModelCallContext = {
    agentId: options.agentId,
    runId: options.runId,
    step: options.step,
    permissions: options.permissions,
    userId: options.userId,
    sessionId: options.sessionId,
    principal: options.principal,
    request: options.request,
    options: callOptions,
  };
  let reached = false;
  try {
    await composeMiddleware(options.middleware, (ctx) => {
      reached = true;
      ctx.model = model;
      ctx.stream = model.stream(ctx.request, ctx.options);
      return Promise.resolve();
    })(context);
  } catch (error) {
    // Refused before the model was asked: the caller's limit, not the model's failure.
    throw reached ? error : markCallerRefusal(error);
  }
  if (!context.stream || !context.model)
    throw new AgentryError({
      code: 'internal',
      message: 'A model middleware returned without calling next().',
      suggestions: ['Make every model middleware await next() or throw.'],
    });
  return { model: context.model, stream: context.stream };
}

/**
 * A model call's options. `signal` is an own, enumerable getter, so that spreading the options
 * (as middleware does to add headers) keeps it, but the attempt's signal is made only when a
 * model or middleware reads it. An object literal with a getter costs an allocation; defining the
 * accessor on an instance instead moves the object to a slow dictionary shape on every call.
 */
function callOptionsOf(attempt: RouterAttempt): ModelCallOptions {
  return {
    get signal() {
      return attempt.signal;
    },
  };
}

type OutputPart = TextPart | ReasoningPart | ToolCallPart;

/** The parts of a response as they arrive, keyed by the stream's part ids. */
class ResponseParts {
  readonly content: OutputPart[] = [];
  #texts: Map<string, TextPart> | undefined;
  #reasonings: Map<string, ReasoningPart> | undefined;
  #calls: Map<string, ToolCallPart> | undefined;

  /** A text part starts at its first start or delta, whichever comes first. */
  text(id: string): TextPart {
    const texts = (this.#texts ??= new Map<string, TextPart>());
    let part = texts.get(id);
    if (!part) {
      part = { type: 'text', text: '' };
      texts.set(id, part);
      this.content.push(part);
    }
    return part;
  }

  reasoning(id: string): ReasoningPart {
    const reasonings = (this.#reasonings ??= new Map<string, ReasoningPart>());
    let part = reasonings.get(id);
    if (!part) {
      part = { type: 'reasoning', text: '' };
      reasonings.set(id, part);
      this.content.push(part);
    }
    return part;
  }

  findReasoning(id: string): ReasoningPart | undefined {
    return this.#reasonings?.get(id);
  }

  call(toolCallId: string, toolName: string): ToolCallPart {
    const calls = (this.#calls ??= new Map<string, ToolCallPart>());
    let call = calls.get(toolCallId);
    if (!call) {
      call = { type: 'tool-call', toolCallId, toolName, input: '' };
      calls.set(toolCallId, call);
      this.content.push(call);
    }
    return call;
  }

  findCall(toolCallId: string): ToolCallPart | undefined {
    return this.#calls?.get(toolCallId);
  }
}

const isEmptyText = (part: OutputPart) => part.type === 'text' && part.text === '';
