import type { AgUiEvent } from './ag-ui-types.js';
import type { AgUiMessage } from './ag-ui-parts.js';
import { applyJsonPatch } from './json-patch.js';
import type { UiMessageChunk } from './ui-message-chunk.js';

const parseJson = (text: string): unknown => {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

/**
 * What an AI SDK client's message holds of a run, and the chunks each AG-UI event adds to it.
 * Owned by the encoder (one per stream).
 *
 * @internal
 */
export interface UiMessageTranslation {
  /** The chunks one event adds (none for what an AI SDK client has no use for). */
  translate(event: AgUiEvent): UiMessageChunk[];
  /** Starts again, under new ids made with `tag`, the text and reasoning parts open now. */
  reopen(tag: string): UiMessageChunk[];
  /** Whether the run has ended (`finish` or `abort` was produced). */
  readonly done: boolean;
}

/** @internal */
export function createUiMessageTranslation(): UiMessageTranslation {
  // What the client's message holds so far. `text` and `reasoning`: open parts, AG-UI message id →
  // the part id the client knows (the message id, or a new id for a part continued after a
  // resume). `calls`: tool calls seen, id → name and arguments so far, dropped at their result.
  const text = new Map<string, string>();
  const reasoning = new Map<string, string>();
  const calls = new Map<string, { name: string; args: string }>();
  let started = false;
  let state: unknown;
  let done = false;

  /**
   * A run snapshot's messages as the answer's parts: what came after the last user message (the
   * answer so far), each part whole. Tool calls without a result stay known, for their result.
   */
  const fromMessages = (messages: readonly AgUiMessage[]): UiMessageChunk[] => {
    const out: UiMessageChunk[] = [];
    const lastUser = messages.findLastIndex((message) => message.role === 'user');
    for (const message of messages.slice(lastUser + 1)) {
      const providerMetadata = { agentry: { messageId: message.id } };
      if (message.role === 'assistant') {
        if (message.content !== undefined && message.content !== '') {
          out.push(
            { type: 'text-start', id: message.id, providerMetadata },
            { type: 'text-delta', id: message.id, delta: message.content },
            { type: 'text-end', id: message.id },
          );
        }
        for (const call of message.toolCalls ?? []) {
          calls.set(call.id, { name: call.function.name, args: call.function.arguments });
          out.push({
            type: 'tool-input-available',
            toolCallId: call.id,
            toolName: call.function.name,
            input: parseJson(call.function.arguments),
          });
        }
      } else if (message.role === 'reasoning' && message.content !== '') {
        out.push(
          { type: 'reasoning-start', id: message.id, providerMetadata },
          { type: 'reasoning-delta', id: message.id, delta: message.content },
          { type: 'reasoning-end', id: message.id },
        );
      } else if (message.role === 'tool' && calls.delete(message.toolCallId)) {
        out.push(
          message.error === undefined
            ? {
                type: 'tool-output-available',
                toolCallId: message.toolCallId,
                output: parseJson(message.content),
              }
            : {
                type: 'tool-output-error',
                toolCallId: message.toolCallId,
                errorText: message.error,
              },
        );
      }
    }
    return out;
  };

  const translate = (event: AgUiEvent): UiMessageChunk[] => {
    switch (event.type) {
      case 'RUN_STARTED':
        done = false;
        if (started) return [];
        started = true;
        return [{ type: 'start', messageId: event.runId }];
      case 'STEP_STARTED':
        return [{ type: 'start-step' }];
      case 'STEP_FINISHED':
        return [{ type: 'finish-step' }];
      case 'TEXT_MESSAGE_START':
        if (event.role !== 'assistant') return [];
        text.set(event.messageId, event.messageId);
        return [
          {
            type: 'text-start',
            id: event.messageId,
            providerMetadata: { agentry: { messageId: event.messageId } },
          },
        ];
      case 'TEXT_MESSAGE_CONTENT': {
        const id = text.get(event.messageId);
        return id === undefined ? [] : [{ type: 'text-delta', id, delta: event.delta }];
      }
      case 'TEXT_MESSAGE_END': {
        const id = text.get(event.messageId);
        text.delete(event.messageId);
        return id === undefined ? [] : [{ type: 'text-end', id }];
      }
      case 'REASONING_MESSAGE_START':
        reasoning.set(event.messageId, event.messageId);
        return [
          {
            type: 'reasoning-start',
            id: event.messageId,
            providerMetadata: { agentry: { messageId: event.messageId } },
          },
        ];
      case 'REASONING_MESSAGE_CONTENT': {
        const id = reasoning.get(event.messageId);
        return id === undefined ? [] : [{ type: 'reasoning-delta', id, delta: event.delta }];
      }
      case 'REASONING_MESSAGE_END': {
        const id = reasoning.get(event.messageId);
        reasoning.delete(event.messageId);
        return id === undefined ? [] : [{ type: 'reasoning-end', id }];
      }
      case 'REASONING_START':
      case 'REASONING_END':
        return [];
      case 'TOOL_CALL_START':
        calls.set(event.toolCallId, { name: event.toolCallName, args: '' });
        return [
          { type: 'tool-input-start', toolCallId: event.toolCallId, toolName: event.toolCallName },
        ];
      case 'TOOL_CALL_ARGS': {
        const call = calls.get(event.toolCallId);
        if (call === undefined) return [];
        call.args += event.delta;
        return [
          { type: 'tool-input-delta', toolCallId: event.toolCallId, inputTextDelta: event.delta },
        ];
      }
      case 'TOOL_CALL_END': {
        const call = calls.get(event.toolCallId);
        if (call === undefined) return [];
        return [
          {
            type: 'tool-input-available',
            toolCallId: event.toolCallId,
            toolName: call.name,
            input: parseJson(call.args),
          },
        ];
      }
      case 'TOOL_CALL_RESULT': {
        if (!calls.delete(event.toolCallId)) return [];
        const agentry = event.metadata?.agentry as { isError?: unknown } | undefined;
        if (agentry?.isError === true) {
          return [
            { type: 'tool-output-error', toolCallId: event.toolCallId, errorText: event.content },
          ];
        }
        return [
          {
            type: 'tool-output-available',
            toolCallId: event.toolCallId,
            output: parseJson(event.content),
          },
        ];
      }
      case 'STATE_SNAPSHOT':
        state = structuredClone(event.snapshot);
        return [{ type: 'data-agentry.state', id: 'state', data: state }];
      case 'STATE_DELTA':
        try {
          state = applyJsonPatch(state, event.delta);
        } catch {
          // A delta that does not apply leaves the state as it was; the stream goes on.
          return [];
        }
        return [{ type: 'data-agentry.state', id: 'state', data: state }];
      case 'MESSAGES_SNAPSHOT':
        return fromMessages(event.messages);
      case 'CUSTOM': {
        const transient = event.name === 'agentry.status' || event.name === 'agentry.metrics';
        return [
          {
            type: `data-${event.name}`,
            data: event.value ?? null,
            ...(transient ? { transient } : {}),
          },
        ];
      }
      case 'RUN_FINISHED': {
        done = true;
        const outcome = event.outcome;
        if (outcome?.type === 'cancelled') {
          const reason = (event.metadata?.agentry as { reason?: unknown } | undefined)?.reason;
          return [{ type: 'abort', ...(typeof reason === 'string' ? { reason } : {}) }];
        }
        if (outcome?.type === 'interrupt') {
          return [
            {
              type: 'data-agentry.interrupt',
              id: event.runId,
              data: { interrupts: outcome.interrupts },
            },
            { type: 'finish', finishReason: 'other' },
          ];
        }
        return [{ type: 'finish', finishReason: 'stop' }];
      }
      case 'RUN_ERROR':
        done = true;
        return [
          { type: 'error', errorText: event.message },
          { type: 'finish', finishReason: 'error' },
        ];
    }
  };

  /** The parts the client still has open at the resume point continue under new ids. */
  const reopen = (offset: string): UiMessageChunk[] => {
    const out: UiMessageChunk[] = [];
    for (const [messageId] of text) {
      const id = `${messageId}@${offset}`;
      text.set(messageId, id);
      out.push({ type: 'text-start', id, providerMetadata: { agentry: { messageId } } });
    }
    for (const [messageId] of reasoning) {
      const id = `${messageId}@${offset}`;
      reasoning.set(messageId, id);
      out.push({ type: 'reasoning-start', id, providerMetadata: { agentry: { messageId } } });
    }
    return out;
  };

  return {
    translate,
    reopen,
    get done() {
      return done;
    },
  };
}
