import { z } from 'zod';
import { AgentryError } from '../errors/index.js';
import type {
  ImagePart,
  ModelMessage,
  ModelRequest,
  TextPart,
  ToolCallPart,
  Usage,
  LanguageModel,
} from '../model/index.js';
import type { AbortSource, Clock, Semaphore, TokenBucket } from '../resilience/index.js';
import type { AgentInstance } from '../schemas/agent-instance.js';
import type { AgentState } from '../schemas/agent-state.js';
import type { ExecutionContext } from '../schemas/execution-context.js';
import type { AgentMessage, Message, UserMessage } from '../schemas/message.js';
import { storeKey } from '../stores/index.js';
import type { AgentEvent } from './agent-events.js';
import type { AgentMetrics } from './agent-metrics.js';
import type { AgentRunController, AgentRunResult } from './agent-run.js';
import { defaultMaxToolInputBytes, type AgentOptions } from './agent-options.js';
import { jsonByteLength } from '../schemas/json-byte-length.js';
import { toConversationParts, toModelMessages } from './conversation-mapping.js';
import { toToolSpec, type Tool } from './define-tool.js';
import type { ModelRouter } from './model-router-types.js';
import type { AuthorizationPrincipal } from '../plugins/plugin-services.js';
import { principalOf } from './authorize-agent.js';
import { runModelStep } from './run-model-step.js';
import { runToolCalls } from './run-tool-calls.js';
import { createTurnDeadline } from './turn-deadline.js';

/** The schema version of persisted agents. */
export const AGENT_SCHEMA_VERSION = '1.0.0';

/** @internal What a turn's user input is. */
export interface TurnInput {
  text: string;
  images?: readonly ({ url: string } | { data: Uint8Array; mediaType: string })[];
}

/** @internal What a turn needs from its agent. */
export interface TurnHost {
  agentId: string;
  context: ExecutionContext;
  options: AgentOptions;
  router: ModelRouter;
  clock: Clock;
  generateId(): string;
  metrics: AgentMetrics;
  limiter: { connections: Semaphore; tokens: TokenBucket };
  emit(event: AgentEvent): void;
  /** Emits a model's deprecation as a `model-warning`, once per model. */
  readonly noticeDeprecation: (model: LanguageModel) => void;
  getState(): AgentState;
  /** Replaces the state with one that adds `modelMessages` (the new messages' model form). */
  setState(state: AgentState, modelMessages: readonly ModelMessage[]): void;
  /** The kept conversation in model form; callers must not change it. */
  modelMessages(): readonly ModelMessage[];
  /** The stored revision of the agent, once it has been saved. */
  revision: number | undefined;
  /** The bytes of the kept messages as JSON. */
  stateBytes: number;
  toInstance(state: AgentState): AgentInstance;
  pauseRequested(): boolean;
  waitIfPaused(abort: AbortSource): Promise<void>;
  recordLatency(latency: number): void;
}

/** @internal A turn as the agent queues it. */
export interface TurnRecord {
  input: TurnInput;
  /** The send's principal, when one was given. */
  principal?: AuthorizationPrincipal;
  controller: AgentRunController<unknown>;
  output: z.ZodType | undefined;
  started: boolean;
}

const toolsCache = new WeakMap<
  readonly Tool[],
  { byName: Map<string, Tool>; specs: ReturnType<typeof toToolSpec>[] }
>();

/** @internal Runs one turn: model steps and tool calls until the model is done or `maxSteps`. */
export async function executeTurn(
  host: TurnHost,
  turn: TurnRecord,
): Promise<AgentRunResult<unknown>> {
  const { controller } = turn;
  const runId = controller.run.id;
  const push = (part: Parameters<AgentRunController<unknown>['push']>[0]) => {
    controller.push(part);
    host.emit(part);
  };
  const source = controller.source;
  const options = host.options;
  const tools = options.tools ?? noTools;
  // Tools are fixed for an agent, so their index and JSON Schemas are worked out once.
  let toolIndex = toolsCache.get(tools);
  if (!toolIndex) {
    toolIndex = {
      byName: new Map(tools.map((tool) => [tool.name, tool])),
      specs: tools.map(toToolSpec),
    };
    toolsCache.set(tools, toolIndex);
  }
  const toolMap = toolIndex.byName;
  const toolSpecs = toolIndex.specs;
  const principal = principalOf(turn.principal, host.agentId, host.context);

  const user = turn.started ? undefined : buildUserMessage(host, turn.input);
  let pending: Message[] = user ? [user.message] : [];
  let pendingModel: ModelMessage[] = user ? [user.model] : [];
  const added: Message[] = user ? [user.message] : [];
  push({ type: 'run-start', runId, message: user?.message });

  const usage: Usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
  const cpuBudget = { remainingMs: host.context.resourceLimits.maxCpu };
  const maxSteps = options.maxSteps ?? 10;
  const { tokens, connections } = host.limiter;
  let text = '';
  let finishReason: AgentRunResult['finishReason'] = 'stop';
  let steps = 0;
  let output: unknown;
  const deadline = createTurnDeadline(
    host.context.timeout,
    (error) => controller.abortWith(error),
    host.clock,
  );
  try {
    for (let step = 1; step <= maxSteps; step += 1) {
      if (host.pauseRequested()) {
        deadline.suspend();
        await host.waitIfPaused(source);
        deadline.resume();
      }
      throwIfAborted(source);
      if (tokens.available() <= 0)
        await tokens.waitUntilAvailable({
          signal: source.signal,
          mode: options.onTokenLimit ?? 'wait',
        });
      push({ type: 'step-start', runId, step });

      // Spreads rather than concat() here and below: every operand is a plain array, so both give
      // the same array, and concat()'s generic path (it looks up Symbol.isConcatSpreadable on
      // each operand) cost twice as much, about 0.2 µs a call on Node.js 20, four calls a step.
      const request: ModelRequest = {
        messages: [...host.modelMessages(), ...pendingModel],
      };
      if (options.instructions !== undefined) request.system = options.instructions;
      if (toolSpecs.length > 0) request.tools = toolSpecs;
      if (options.parameters) request.parameters = options.parameters;
      if (turn.output)
        request.responseFormat = {
          type: 'json',
          schema: z.toJSONSchema(turn.output, { io: 'output' }),
        };
      const outcome = await runModelStep({
        router: host.router,
        middleware: options.middleware?.model ?? noMiddleware,
        request,
        abort: source,
        deadline,
        agentId: host.agentId,
        runId,
        step,
        permissions: host.context.permissions,
        userId: host.context.userId,
        sessionId: host.context.sessionId,
        principal,
        connections,
        push,
        noticeDeprecation: host.noticeDeprecation,
        clock: host.clock,
      });
      steps = step;
      tokens.consume(outcome.usage.totalTokens);
      host.metrics.recordTokens(outcome.usage.totalTokens);
      addUsage(usage, outcome.usage);
      if (outcome.latencyMs !== undefined) host.recordLatency(outcome.latencyMs);
      finishReason = outcome.finishReason;

      let stepText = '';
      const calls: ToolCallPart[] = [];
      for (const part of outcome.content) {
        if (part.type === 'text') stepText += part.text;
        else if (part.type === 'tool-call') calls.push(part);
      }
      const modelName = `${outcome.model.provider}:${outcome.model.modelId}`;
      const answerId = host.generateId();
      const answeredAt = host.clock.now();
      const stepModel: ModelMessage[] = [{ role: 'assistant', content: outcome.content }];
      let toolMessage: AgentMessage | undefined;
      if (calls.length > 0) {
        const results = await runToolCalls(calls, {
          tools: toolMap,
          agentId: host.agentId,
          runId,
          permissions: host.context.permissions,
          principal,
          userId: host.context.userId,
          sessionId: host.context.sessionId,
          authorizer: options.authorizer,
          signal: source.signal,
          defaultTimeout: options.toolTimeout ?? 30_000,
          middleware: options.middleware?.tool ?? noMiddleware,
          cpuBudget,
          maxInputBytes: options.maxToolInputBytes ?? defaultMaxToolInputBytes,
          acquireConnection: (signal) => connections.acquire({ signal }),
          onEnd: (result, durationMs) =>
            push({ type: 'tool-response', runId, step, result, durationMs }),
        });
        throwIfAborted(source);
        toolMessage = {
          id: host.generateId(),
          type: 'agent',
          content: '',
          timestamp: new Date(host.clock.now()),
          agentId: host.agentId,
          model: modelName,
          metadata: { role: 'tool', parts: toConversationParts(results) },
        };
        stepModel.push({ role: 'tool', content: results });
      }
      // Made once the tools have run: a call whose arguments were refused as too large is kept
      // with their start only.
      const answer: AgentMessage = {
        id: answerId,
        type: 'agent',
        content: stepText,
        timestamp: new Date(answeredAt),
        agentId: host.agentId,
        model: modelName,
        metadata: { role: 'assistant', parts: toConversationParts(outcome.content) },
      };
      const stepMessages: Message[] = toolMessage ? [answer, toolMessage] : [answer];

      const final = calls.length === 0;
      // The answer is checked before it is kept, so a rejected answer leaves no trace.
      if (final && turn.output) output = parseOutput(turn.output, stepText);
      const state = host.getState();
      const kept = pending.length > 0 ? [...pending, ...stepMessages] : stepMessages;
      // The turn's last step (its answer, or the step at maxSteps) is kept with the status the
      // agent has once the turn completes, so that the stored record matches it.
      const next: AgentState = {
        ...state,
        messages: [...state.messages, ...kept],
        status: final || step === maxSteps ? 'idle' : state.status,
      };
      // Without a store nothing is awaited: a turn's step then resumes without another hop.
      const saving = commit(host, next, kept, [...pendingModel, ...stepModel]);
      if (saving !== undefined) await saving;
      for (const message of stepMessages) added.push(message);
      pending = [];
      pendingModel = [];
      turn.started = true;
      push({
        type: 'step-end',
        runId,
        step,
        model: modelName,
        finishReason: outcome.finishReason,
        usage: outcome.usage,
      });
      text = stepText;
      if (final) break;
    }
  } catch (error) {
    // Whatever layer noticed the abort, the turn fails with its reason (a timeout, a user's abort).
    if (source.aborted) {
      const reason: unknown = source.reason;
      if (AgentryError.isInstance(reason)) throw reason;
      throw new AgentryError({
        code: 'aborted',
        message: typeof reason === 'string' ? reason : 'The run was aborted.',
        cause: error,
      });
    }
    throw error;
  } finally {
    deadline.dispose();
  }

  push({ type: 'run-end', runId, text, usage, stepCount: steps, steps });
  return { runId, text, output, messages: added, stepCount: steps, steps, usage, finishReason };
}

const noMiddleware: readonly never[] = [];
const noTools: readonly Tool[] = [];

function buildUserMessage(
  host: TurnHost,
  input: TurnInput,
): { message: UserMessage; model: ModelMessage } {
  const message: UserMessage = {
    id: host.generateId(),
    type: 'user',
    content: input.text,
    timestamp: new Date(host.clock.now()),
    userId: host.context.userId ?? 'anonymous',
    sessionId: host.context.sessionId,
  };
  if (!input.images || input.images.length === 0)
    return { message, model: { role: 'user', content: [{ type: 'text', text: input.text }] } };
  const primary = host.router.models[0];
  if (primary && !primary.capabilities.supportsVision) {
    throw new AgentryError({
      code: 'invalid_request',
      message: `Model ${primary.provider}:${primary.modelId} does not read images; the message was not sent.`,
      details: { model: primary.modelId },
      suggestions: ['Use a model whose capabilities include vision, or send text only.'],
    });
  }
  const parts: (TextPart | ImagePart)[] = [
    { type: 'text', text: input.text },
    ...input.images.map((image): ImagePart =>
      'url' in image
        ? { type: 'image', image: image.url }
        : { type: 'image', image: image.data, mediaType: image.mediaType },
    ),
  ];
  message.metadata = { role: 'user', parts: toConversationParts(parts) };
  // The model sees the images as a restored conversation will replay them.
  return { message, model: toModelMessages([message])[0]! };
}

/** Keeps a step: checks `maxMemory`, then saves (returning the save's promise) when there is a store. */
function commit(
  host: TurnHost,
  next: AgentState,
  added: readonly Message[],
  addedModel: readonly ModelMessage[],
): Promise<void> | undefined {
  // The size is kept up to date message by message: kept messages never change, so only the new
  // ones and the memory are measured.
  let messageBytes = host.stateBytes;
  for (const message of added) messageBytes += jsonByteLength(message) + 1;
  const size = messageBytes + jsonByteLength(next.memory);
  const limit = host.context.resourceLimits.maxMemory;
  if (size > limit) {
    throw new AgentryError({
      code: 'limit_exceeded',
      recoverable: false,
      message: `The agent's state would grow to ${size} bytes, over its maxMemory of ${limit}; the step was not kept.`,
      details: { limit: 'maxMemory', size, maxMemory: limit },
      suggestions: ['Raise resourceLimits.maxMemory, or continue the conversation in a new agent.'],
    });
  }
  const store = host.options.store;
  if (!store) {
    keep(host, next, addedModel, messageBytes);
    return undefined;
  }
  // The agent builds its state from checked parts (tool outputs are checked for serializability),
  // so the JSON form is the instance with dates as ISO strings: what agentInstanceSchema encodes.
  const data = JSON.parse(JSON.stringify(host.toInstance(next))) as unknown;
  return store
    .put(
      storeKey('agent', host.agentId),
      { kind: 'agent', schemaVersion: AGENT_SCHEMA_VERSION, data },
      { expectedRevision: host.revision ?? null },
    )
    .then((saved) => {
      host.revision = saved.revision;
      keep(host, next, addedModel, messageBytes);
    });
}

function keep(
  host: TurnHost,
  next: AgentState,
  addedModel: readonly ModelMessage[],
  messageBytes: number,
): void {
  host.stateBytes = messageBytes;
  host.setState(next, addedModel);
}

function parseOutput(schema: z.ZodType, text: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AgentryError({
      code: 'validation_failed',
      message: `The model's answer is not JSON, so it cannot be the structured output: ${text.slice(0, 200)}`,
      details: { text },
      suggestions: [
        'Use a model that supports JSON output, or make the instructions ask for JSON only.',
      ],
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `The model's JSON does not match the output schema: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}.`,
      details: { json },
      suggestions: ['Describe the expected fields in the instructions.'],
    });
  }
  return parsed.data;
}

function addUsage(total: Usage, step: Usage): void {
  total.inputTokens += step.inputTokens;
  total.outputTokens += step.outputTokens;
  total.totalTokens += step.totalTokens;
  if (step.cachedInputTokens !== undefined)
    total.cachedInputTokens = (total.cachedInputTokens ?? 0) + step.cachedInputTokens;
  if (step.cacheWriteInputTokens !== undefined)
    total.cacheWriteInputTokens = (total.cacheWriteInputTokens ?? 0) + step.cacheWriteInputTokens;
  if (step.reasoningTokens !== undefined)
    total.reasoningTokens = (total.reasoningTokens ?? 0) + step.reasoningTokens;
}

function throwIfAborted(source: AbortSource): void {
  if (!source.aborted) return;
  const reason: unknown = source.reason;
  if (AgentryError.isInstance(reason)) throw reason;
  throw new AgentryError({
    code: 'aborted',
    message: typeof reason === 'string' ? reason : 'The run was aborted.',
  });
}
