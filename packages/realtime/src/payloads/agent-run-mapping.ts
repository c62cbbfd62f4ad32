import type { AgentEvent, AgentEventSource, Usage } from '@agentry/core';
import type { AgUiEvent } from './ag-ui-types.js';
import type { AgUiTokenUsage } from './ag-ui-parts.js';

/**
 * The state of one agent run while it is mapped. Owned by this module: `createAgentRunState`
 * makes it, `mapAgentRunEvent` changes it, and the mapper drops it when `mapAgentRunEvent` says
 * the run is over.
 *
 * Invariants: at most one of `text` and `reasoning` is open; `text`, `reasoning` and each id in
 * `calls` were opened (START emitted) and not yet closed; `attemptMessages` lists every message id
 * the current attempt of the current step opened, so a failed attempt can name what to discard.
 * Message ids are `<runId>:<step>.<request>:<segment>`: derived from the run's events only, so a
 * restarted server maps the same events to the same ids.
 *
 * @internal
 */
export interface AgentRunState {
  readonly threadId: string;
  readonly runId: string;
  /** The current step, 0 before the first. */
  step: number;
  /** The model requests made in the current step, from 1 (0 before the first). */
  request: number;
  /** Messages opened in the current step and request, for the next message id. */
  segment: number;
  /** The step announced with STEP_STARTED and not yet finished. */
  openStep: string | undefined;
  /** The open text message. */
  text: string | undefined;
  /** The open reasoning message (its span is `<id>:span`). */
  reasoning: string | undefined;
  /** The assistant message the current request's tool calls belong to. */
  assistant: string | undefined;
  /** Open tool calls, and whether any argument text was sent for each. */
  readonly calls: Map<string, { args: boolean }>;
  /** Message ids the current request opened. */
  attemptMessages: string[];
  /** Whether a model error happened in the current step (then requests are announced). */
  retrying: boolean;
}

/** @internal */
export function createAgentRunState(source: AgentEventSource, runId: string): AgentRunState {
  return {
    threadId: source.sessionId ?? source.agentId,
    runId,
    step: 0,
    request: 0,
    segment: 0,
    openStep: undefined,
    text: undefined,
    reasoning: undefined,
    assistant: undefined,
    calls: new Map(),
    attemptMessages: [],
    retrying: false,
  };
}

/** The agent events that belong to a run (they carry `runId`). @internal */
export type AgentRunEvent = Extract<AgentEvent, { runId: string }>;

/** @internal */
export function isAgentRunEvent(event: AgentEvent): event is AgentRunEvent {
  return 'runId' in event && typeof event.runId === 'string';
}

const nextMessageId = (state: AgentRunState): string => {
  const id = `${state.runId}:${state.step}.${Math.max(state.request, 1)}:${state.segment}`;
  state.segment += 1;
  state.attemptMessages.push(id);
  return id;
};

const closeText = (state: AgentRunState, out: AgUiEvent[]) => {
  if (state.text !== undefined) out.push({ type: 'TEXT_MESSAGE_END', messageId: state.text });
  state.text = undefined;
};

const closeReasoning = (state: AgentRunState, out: AgUiEvent[]) => {
  if (state.reasoning === undefined) return;
  out.push({ type: 'REASONING_MESSAGE_END', messageId: state.reasoning });
  out.push({ type: 'REASONING_END', messageId: `${state.reasoning}:span` });
  state.reasoning = undefined;
};

const closeCalls = (state: AgentRunState, out: AgUiEvent[]) => {
  for (const toolCallId of state.calls.keys()) out.push({ type: 'TOOL_CALL_END', toolCallId });
  state.calls.clear();
};

const closeAll = (state: AgentRunState, out: AgUiEvent[]) => {
  closeText(state, out);
  closeReasoning(state, out);
  closeCalls(state, out);
};

const closeStep = (state: AgentRunState, out: AgUiEvent[]) => {
  closeAll(state, out);
  if (state.openStep !== undefined) out.push({ type: 'STEP_FINISHED', stepName: state.openStep });
  state.openStep = undefined;
};

/** A new model request (or a new step) starts fresh messages. */
const resetAttempt = (state: AgentRunState) => {
  state.segment = 0;
  state.assistant = undefined;
  state.attemptMessages = [];
};

/** Parts of a step can arrive without their step-start (a mapper created mid-run). */
const enterStep = (state: AgentRunState, step: number, out: AgUiEvent[]) => {
  if (step === state.step) return;
  closeStep(state, out);
  state.step = step;
  state.request = 0;
  state.retrying = false;
  resetAttempt(state);
};

/** AG-UI token usage from core's. @internal */
export function toTokenUsage(usage: Usage, model?: string): AgUiTokenUsage {
  const counted: AgUiTokenUsage = model === undefined ? {} : { model };
  for (const key of [
    'inputTokens',
    'outputTokens',
    'totalTokens',
    'reasoningTokens',
    'cachedInputTokens',
    'cacheWriteInputTokens',
  ] as const) {
    const value = usage[key];
    // AG-UI counts are non-negative integers; a provider's odd count is left out, not invented.
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)
      counted[key] = value;
  }
  return counted;
}

const toolContent = (output: unknown): string =>
  typeof output === 'string' ? output : (JSON.stringify(output) ?? 'null');

/**
 * Maps one event of an agent run to AG-UI events, updating the run's state. Returns whether the
 * run is over (its state can be dropped).
 *
 * @internal
 */
export function mapAgentRunEvent(
  state: AgentRunState,
  event: AgentRunEvent,
  out: AgUiEvent[],
): boolean {
  switch (event.type) {
    case 'run-start': {
      out.push({ type: 'RUN_STARTED', threadId: state.threadId, runId: state.runId });
      const message = event.message;
      if (message !== undefined && message.type !== 'error') {
        const role =
          message.type === 'user' ? 'user' : message.type === 'agent' ? 'assistant' : 'system';
        out.push({ type: 'TEXT_MESSAGE_START', messageId: message.id, role });
        if (message.content !== '') {
          out.push({ type: 'TEXT_MESSAGE_CONTENT', messageId: message.id, delta: message.content });
        }
        out.push({ type: 'TEXT_MESSAGE_END', messageId: message.id });
      }
      return false;
    }
    case 'step-start': {
      enterStep(state, event.step, out);
      closeStep(state, out);
      state.openStep = `step-${event.step}`;
      out.push({ type: 'STEP_STARTED', stepName: state.openStep });
      return false;
    }
    case 'model-request': {
      enterStep(state, event.step, out);
      closeAll(state, out);
      state.request += 1;
      resetAttempt(state);
      if (state.retrying) {
        out.push({
          type: 'CUSTOM',
          name: 'agentry.model-request',
          value: {
            runId: state.runId,
            step: event.step,
            model: event.model,
            attempt: event.attempt,
          },
        });
      }
      return false;
    }
    case 'model-error': {
      enterStep(state, event.step, out);
      closeAll(state, out);
      state.retrying = true;
      out.push({
        type: 'CUSTOM',
        name: 'agentry.model-error',
        value: {
          runId: state.runId,
          step: event.step,
          model: event.model,
          attempt: event.attempt,
          code: event.error.code,
          message: event.error.message,
          willRetry: event.willRetry,
          // What the failed attempt streamed is never part of the answer: consumers drop these
          // messages, and a run snapshot leaves them out.
          discardedMessageIds: state.attemptMessages,
        },
      });
      resetAttempt(state);
      return false;
    }
    case 'text-delta': {
      enterStep(state, event.step, out);
      if (event.delta === '') return false;
      if (state.text === undefined) {
        closeReasoning(state, out);
        closeCalls(state, out);
        state.text = nextMessageId(state);
        state.assistant = state.text;
        out.push({ type: 'TEXT_MESSAGE_START', messageId: state.text, role: 'assistant' });
      }
      out.push({ type: 'TEXT_MESSAGE_CONTENT', messageId: state.text, delta: event.delta });
      return false;
    }
    case 'reasoning-delta': {
      enterStep(state, event.step, out);
      if (event.delta === '') return false;
      if (state.reasoning === undefined) {
        closeText(state, out);
        closeCalls(state, out);
        state.reasoning = nextMessageId(state);
        out.push({ type: 'REASONING_START', messageId: `${state.reasoning}:span` });
        out.push({
          type: 'REASONING_MESSAGE_START',
          messageId: state.reasoning,
          role: 'reasoning',
        });
      }
      out.push({
        type: 'REASONING_MESSAGE_CONTENT',
        messageId: state.reasoning,
        delta: event.delta,
      });
      return false;
    }
    case 'tool-call-start': {
      enterStep(state, event.step, out);
      openCall(state, event.toolCallId, event.toolName, out);
      return false;
    }
    case 'tool-call-delta': {
      enterStep(state, event.step, out);
      if (event.delta === '') return false;
      const call = state.calls.get(event.toolCallId);
      // A delta for a call never started (or already ended) has no place in AG-UI's sequence.
      if (call === undefined) return false;
      call.args = true;
      out.push({ type: 'TOOL_CALL_ARGS', toolCallId: event.toolCallId, delta: event.delta });
      return false;
    }
    case 'tool-call-end': {
      enterStep(state, event.step, out);
      let call = state.calls.get(event.toolCallId);
      if (call === undefined) call = openCall(state, event.toolCallId, event.toolName, out);
      if (!call.args && event.input !== '') {
        out.push({ type: 'TOOL_CALL_ARGS', toolCallId: event.toolCallId, delta: event.input });
      }
      state.calls.delete(event.toolCallId);
      out.push({ type: 'TOOL_CALL_END', toolCallId: event.toolCallId });
      return false;
    }
    case 'tool-response': {
      enterStep(state, event.step, out);
      const { result } = event;
      if (state.calls.has(result.toolCallId)) {
        state.calls.delete(result.toolCallId);
        out.push({ type: 'TOOL_CALL_END', toolCallId: result.toolCallId });
      }
      out.push({
        type: 'TOOL_CALL_RESULT',
        messageId: `${state.runId}:tool:${result.toolCallId}`,
        toolCallId: result.toolCallId,
        content: toolContent(result.output),
        role: 'tool',
        metadata: {
          agentry: {
            toolName: result.toolName,
            isError: result.isError === true,
            durationMs: event.durationMs,
          },
        },
      });
      return false;
    }
    case 'step-end': {
      enterStep(state, event.step, out);
      closeStep(state, out);
      out.push({
        type: 'CUSTOM',
        name: 'agentry.usage',
        value: {
          runId: state.runId,
          step: event.step,
          model: event.model,
          finishReason: event.finishReason,
          usage: toTokenUsage(event.usage),
        },
      });
      return false;
    }
    case 'run-end': {
      closeStep(state, out);
      out.push({
        type: 'RUN_FINISHED',
        threadId: state.threadId,
        runId: state.runId,
        outcome: { type: 'success' },
        usage: [toTokenUsage(event.usage)],
      });
      return true;
    }
    case 'run-error': {
      closeStep(state, out);
      if (event.error.code === 'aborted') {
        // A cancel is not a failure: AG-UI's cancelled outcome, with the reason kept.
        out.push({
          type: 'RUN_FINISHED',
          threadId: state.threadId,
          runId: state.runId,
          outcome: { type: 'cancelled' },
          metadata: { agentry: { reason: event.error.message } },
        });
      } else {
        out.push({ type: 'RUN_ERROR', message: event.error.message, code: event.error.code });
      }
      return true;
    }
  }
}

function openCall(
  state: AgentRunState,
  toolCallId: string,
  toolName: string,
  out: AgUiEvent[],
): { args: boolean } {
  closeText(state, out);
  closeReasoning(state, out);
  state.assistant ??= nextMessageId(state);
  const call = { args: false };
  state.calls.set(toolCallId, call);
  out.push({
    type: 'TOOL_CALL_START',
    toolCallId,
    toolCallName: toolName,
    parentMessageId: state.assistant,
  });
  return call;
}
