import { z } from 'zod';
import { AgentryError } from '../errors/index.js';
import type { ImagePart, ModelRequest, TextPart, ToolCallPart, Usage } from '../model/index.js';
import type { Clock, Semaphore, TokenBucket } from '../resilience/index.js';
import type { AgentInstance } from '../schemas/agent-instance.js';
import type { AgentState } from '../schemas/agent-state.js';
import type { ExecutionContext } from '../schemas/execution-context.js';
import type { AgentMessage, Message, UserMessage } from '../schemas/message.js';
import { storeKey } from '../stores/index.js';
import type { AgentEvent } from './agent-events.js';
import type { AgentMetrics } from './agent-metrics.js';
import type { AgentRunController, AgentRunResult } from './agent-run.js';
import type { AgentOptions } from './agent-options.js';
import {
  rememberModelMessage,
  toConversationParts,
  toModelMessages,
} from './conversation-mapping.js';
import { toToolSpec, type Tool } from './define-tool.js';
import type { ModelRouter } from './model-router-types.js';
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
  getState(): AgentState;
  setState(state: AgentState): void;
  revision: { get(): number | undefined; set(value: number): void };
  /** The bytes of the kept messages as JSON. */
  stateBytes: { get(): number; set(value: number): void };
  toInstance(state: AgentState): AgentInstance;
  pauseRequested(): boolean;
  waitIfPaused(signal: AbortSignal): Promise<void>;
  recordLatency(latency: number): void;
}

/** @internal A turn as the agent queues it. */
export interface TurnRecord {
  input: TurnInput;
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
  const signal = controller.signal;
  const options = host.options;
  const tools = options.tools ?? [];
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

  const userMessage = turn.started ? undefined : buildUserMessage(host, turn.input);
  let pending: Message[] = userMessage ? [userMessage] : [];
  const added: Message[] = [...pending];
  push({ type: 'run-start', runId, message: userMessage });

  const usage: Usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
  const cpuBudget = { remainingMs: host.context.resourceLimits.maxCpu };
  const maxSteps = options.maxSteps ?? 10;
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
        await host.waitIfPaused(signal);
        deadline.resume();
      }
      throwIfAborted(signal);
      await host.limiter.tokens.waitUntilAvailable({
        signal,
        mode: options.onTokenLimit ?? 'wait',
      });
      push({ type: 'step-start', runId, step });

      const request: ModelRequest = {
        messages: toModelMessages([...host.getState().messages, ...pending]),
        ...(options.instructions !== undefined ? { system: options.instructions } : {}),
        ...(toolSpecs.length > 0 ? { tools: toolSpecs } : {}),
        ...(options.parameters ? { parameters: options.parameters } : {}),
        ...(turn.output
          ? {
              responseFormat: {
                type: 'json' as const,
                schema: z.toJSONSchema(turn.output, { io: 'output' }),
              },
            }
          : {}),
      };
      const outcome = await runModelStep({
        router: host.router,
        middleware: options.middleware?.model ?? [],
        request,
        signal,
        agentId: host.agentId,
        runId,
        step,
        permissions: host.context.permissions,
        userId: host.context.userId,
        acquireConnection: (abortSignal) =>
          host.limiter.connections.acquire({ signal: abortSignal }),
        push,
        now: () => host.clock.now(),
      });
      steps = step;
      host.limiter.tokens.consume(outcome.usage.totalTokens);
      host.metrics.recordTokens(outcome.usage.totalTokens);
      addUsage(usage, outcome.usage);
      if (outcome.latencyMs !== undefined) host.recordLatency(outcome.latencyMs);
      finishReason = outcome.finishReason;

      const stepText = outcome.content
        .filter((part): part is TextPart => part.type === 'text')
        .map((part) => part.text)
        .join('');
      const modelName = `${outcome.model.provider}:${outcome.model.modelId}`;
      const answer: AgentMessage = {
        id: host.generateId(),
        type: 'agent',
        content: stepText,
        timestamp: new Date(host.clock.now()),
        agentId: host.agentId,
        model: modelName,
        metadata: { role: 'assistant', parts: toConversationParts(outcome.content) },
      };
      rememberModelMessage(answer, { role: 'assistant', content: outcome.content });
      const stepMessages: Message[] = [answer];
      const calls = outcome.content.filter(
        (part): part is ToolCallPart => part.type === 'tool-call',
      );
      if (calls.length > 0) {
        const results = await runToolCalls(calls, {
          tools: toolMap,
          agentId: host.agentId,
          runId,
          permissions: host.context.permissions,
          signal,
          defaultTimeout: options.toolTimeout ?? 30_000,
          middleware: options.middleware?.tool ?? [],
          cpuBudget,
          acquireConnection: (abortSignal) =>
            host.limiter.connections.acquire({ signal: abortSignal }),
          onEnd: (result, durationMs) =>
            push({ type: 'tool-response', runId, step, result, durationMs }),
        });
        throwIfAborted(signal);
        const toolMessage: AgentMessage = {
          id: host.generateId(),
          type: 'agent',
          content: '',
          timestamp: new Date(host.clock.now()),
          agentId: host.agentId,
          model: modelName,
          metadata: { role: 'tool', parts: toConversationParts(results) },
        };
        rememberModelMessage(toolMessage, { role: 'tool', content: results });
        stepMessages.push(toolMessage);
      }

      const final = calls.length === 0;
      // The answer is checked before it is kept, so a rejected answer leaves no trace.
      if (final && turn.output) output = parseOutput(turn.output, stepText);
      const next: AgentState = {
        ...host.getState(),
        messages: [...host.getState().messages, ...pending, ...stepMessages],
        status: final ? 'idle' : host.getState().status,
      };
      await commit(host, next, [...pending, ...stepMessages]);
      added.push(...stepMessages);
      pending = [];
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
    if (signal.aborted) {
      const reason: unknown = signal.reason;
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

  push({ type: 'run-end', runId, text, usage, steps });
  return { runId, text, output, messages: added, steps, usage, finishReason };
}

function buildUserMessage(host: TurnHost, input: TurnInput): UserMessage {
  const base: UserMessage = {
    id: host.generateId(),
    type: 'user',
    content: input.text,
    timestamp: new Date(host.clock.now()),
    userId: host.context.userId ?? 'anonymous',
    sessionId: host.context.sessionId,
  };
  if (!input.images || input.images.length === 0) return base;
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
  return { ...base, metadata: { role: 'user', parts: toConversationParts(parts) } };
}

async function commit(host: TurnHost, next: AgentState, added: readonly Message[]): Promise<void> {
  // The size is kept up to date message by message: kept messages never change, so only the new
  // ones and the memory are measured.
  let messageBytes = host.stateBytes.get();
  for (const message of added) messageBytes += Buffer.byteLength(JSON.stringify(message)) + 1;
  const size = messageBytes + Buffer.byteLength(JSON.stringify(next.memory));
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
  if (store) {
    // The agent builds its state from checked parts (tool outputs are checked for serializability),
    // so the JSON form is the instance with dates as ISO strings: what agentInstanceSchema encodes.
    const data = JSON.parse(JSON.stringify(host.toInstance(next))) as unknown;
    const saved = await store.put(
      storeKey('agent', host.agentId),
      { kind: 'agent', schemaVersion: AGENT_SCHEMA_VERSION, data },
      { expectedRevision: host.revision.get() ?? null },
    );
    host.revision.set(saved.revision);
  }
  host.stateBytes.set(messageBytes);
  host.setState(next);
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
  if (step.reasoningTokens !== undefined)
    total.reasoningTokens = (total.reasoningTokens ?? 0) + step.reasoningTokens;
}

function throwIfAborted(signal: AbortSignal): void {
  if (!signal.aborted) return;
  const reason: unknown = signal.reason;
  if (AgentryError.isInstance(reason)) throw reason;
  throw new AgentryError({
    code: 'aborted',
    message: typeof reason === 'string' ? reason : 'The run was aborted.',
  });
}
