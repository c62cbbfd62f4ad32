import type { AgUiEvent, AgUiEventOf } from './ag-ui-types.js';
import type { AgUiMessage, AgUiToolCall } from './ag-ui-parts.js';
import { applyJsonPatch } from './json-patch.js';

/**
 * What a run has said so far, folded from its AG-UI events, and the few events that tell it to a
 * late joiner. See {@link createRunSnapshot}.
 *
 * @example
 * ```ts
 * import { createRunSnapshot, type AgUiEvent, type RunSnapshot } from '@agentry/realtime';
 *
 * declare const sofar: AgUiEvent[];
 * const snapshot: RunSnapshot = createRunSnapshot();
 * for (const event of sofar) snapshot.apply(event);
 * console.log(snapshot.messages.length, snapshot.snapshot().map((event) => event.type));
 * ```
 */
export interface RunSnapshot {
  /**
   * Folds one event in.
   *
   * @throws AgentryError `validation_failed` for a `STATE_DELTA` that does not apply to the state
   *   (the state is left as it was)
   */
  apply(event: AgUiEvent): void;
  /**
   * The events a consumer that saw nothing of the run applies to be where a consumer that saw
   * everything is (none before anything happened): `RUN_STARTED` (when the run started), `MESSAGES_SNAPSHOT`, `STATE_SNAPSHOT`
   * (when there is state), `STEP_STARTED` for each open step, the events that re-open what is
   * still streaming, and the run's `RUN_FINISHED` or `RUN_ERROR` when it is over. Fresh copies:
   * later `apply` calls do not change them.
   */
  snapshot(): AgUiEvent[];
  /** The messages so far, what is still streaming included (read-only view; do not change it). */
  readonly messages: readonly AgUiMessage[];
  /** The state so far (`undefined` before any `STATE_SNAPSHOT`; read-only view). */
  readonly state: unknown;
}

type Open =
  | {
      readonly kind: 'text';
      readonly id: string;
      readonly role: AgUiEventOf<'TEXT_MESSAGE_START'>['role'];
    }
  | { readonly kind: 'reasoning-span'; readonly id: string }
  | { readonly kind: 'reasoning'; readonly id: string }
  | {
      readonly kind: 'tool';
      readonly id: string;
      readonly name: string;
      readonly parentMessageId: string;
      readonly call: AgUiToolCall;
    };

type Writable<T> = { -readonly [K in keyof T]: T[K] };
type AssistantMessage = Extract<AgUiMessage, { role: 'assistant' }>;

/**
 * Creates an accumulator that folds a run's AG-UI events into its messages (AG-UI `Message`
 * shapes: user, assistant with its `toolCalls`, tool, reasoning) and state (`STATE_SNAPSHOT`
 * then `STATE_DELTA` JSON Patches), so that a late joiner starts from `snapshot()` plus the
 * events after it instead of replaying every token.
 *
 * **A message still streaming** is not in the `MESSAGES_SNAPSHOT`: it is re-opened after it, with
 * its start event and one content event holding everything streamed so far
 * (`TEXT_MESSAGE_START` + `TEXT_MESSAGE_CONTENT`, `REASONING_START` +
 * `REASONING_MESSAGE_START` + `REASONING_MESSAGE_CONTENT`, `TOOL_CALL_START` +
 * `TOOL_CALL_ARGS`). The later deltas of that message then apply as they would for a consumer
 * that saw it from the start, and AG-UI's event verifier, which refuses content for a message it
 * has not seen start, accepts the sequence. A tool call still streaming is left out of its
 * assistant message the same way (and the message too when it holds nothing else).
 *
 * **Discarded messages.** The messages a failed model attempt streamed, named by
 * `CUSTOM agentry.model-error` (`discardedMessageIds`), are removed: a late joiner never sees
 * text that is not part of the answer.
 *
 * @example
 * ```ts
 * import { createRunSnapshot } from '@agentry/realtime';
 *
 * const snapshot = createRunSnapshot();
 * snapshot.apply({ type: 'RUN_STARTED', threadId: 'session-1', runId: 'run-1' });
 * snapshot.apply({ type: 'TEXT_MESSAGE_START', messageId: 'm-1', role: 'assistant' });
 * snapshot.apply({ type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-1', delta: 'Hello' });
 * console.log(snapshot.snapshot().map((event) => event.type));
 * // ['RUN_STARTED', 'MESSAGES_SNAPSHOT', 'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT']
 * // then a later { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-1', delta: ' world' } applies cleanly
 * ```
 */
export function createRunSnapshot(): RunSnapshot {
  // The run's messages in order, and the same objects by id. Entries are added by START, tool
  // call and result events, changed by content events, and removed by a MESSAGES_SNAPSHOT
  // (replaced) or a discard. `open` holds what started and has not ended, in the order it
  // started; each entry's message (or call) is in `messages`.
  let messages: Writable<AgUiMessage>[] = [];
  const byId = new Map<string, Writable<AgUiMessage>>();
  const open = new Map<string, Open>();
  const openSteps = new Set<string>();
  let started: AgUiEventOf<'RUN_STARTED'> | undefined;
  let ended: AgUiEventOf<'RUN_FINISHED'> | AgUiEventOf<'RUN_ERROR'> | undefined;
  let state: unknown;
  let hasState = false;

  const add = (message: Writable<AgUiMessage>) => {
    messages.push(message);
    byId.set(message.id, message);
    return message;
  };
  const assistant = (id: string): AssistantMessage => {
    const found = byId.get(id);
    if (found?.role === 'assistant') return found;
    return add({ id, role: 'assistant' }) as AssistantMessage;
  };
  /** Adds a content delta; a message never started (a producer that skipped START) is made. */
  const append = (id: string, delta: string, role: 'assistant' | 'reasoning') => {
    const message = byId.get(id) ?? add({ id, role, content: '' });
    if (message.role === 'assistant') message.content = (message.content ?? '') + delta;
    else if ('content' in message && typeof message.content === 'string') message.content += delta;
  };
  const discard = (ids: readonly unknown[]) => {
    const gone = new Set(ids.filter((id): id is string => typeof id === 'string'));
    if (gone.size === 0) return;
    messages = messages.filter((message) => !gone.has(message.id));
    for (const id of gone) byId.delete(id);
    // Whatever of them is still open goes too (a failed attempt's parts are normally closed).
    for (const [key, item] of open) {
      if (gone.has(item.kind === 'tool' ? item.parentMessageId : item.id)) open.delete(key);
    }
  };

  return {
    apply(event) {
      switch (event.type) {
        case 'RUN_STARTED':
          started = event;
          ended = undefined;
          openSteps.clear();
          return;
        case 'RUN_FINISHED':
        case 'RUN_ERROR':
          ended = event;
          open.clear();
          openSteps.clear();
          return;
        case 'STEP_STARTED':
          openSteps.add(event.stepName);
          return;
        case 'STEP_FINISHED':
          openSteps.delete(event.stepName);
          return;
        case 'TEXT_MESSAGE_START': {
          const found = byId.get(event.messageId);
          if (found === undefined) {
            add(
              event.role === 'assistant'
                ? { id: event.messageId, role: 'assistant', content: '' }
                : { id: event.messageId, role: event.role, content: '' },
            );
          } else if (found.role === 'assistant') found.content ??= '';
          open.set(`text:${event.messageId}`, {
            kind: 'text',
            id: event.messageId,
            role: event.role,
          });
          return;
        }
        case 'TEXT_MESSAGE_CONTENT':
          append(event.messageId, event.delta, 'assistant');
          return;
        case 'TEXT_MESSAGE_END':
          open.delete(`text:${event.messageId}`);
          return;
        case 'REASONING_START':
          open.set(`span:${event.messageId}`, { kind: 'reasoning-span', id: event.messageId });
          return;
        case 'REASONING_MESSAGE_START':
          if (!byId.has(event.messageId))
            add({ id: event.messageId, role: 'reasoning', content: '' });
          open.set(`reasoning:${event.messageId}`, { kind: 'reasoning', id: event.messageId });
          return;
        case 'REASONING_MESSAGE_CONTENT':
          append(event.messageId, event.delta, 'reasoning');
          return;
        case 'REASONING_MESSAGE_END':
          open.delete(`reasoning:${event.messageId}`);
          return;
        case 'REASONING_END':
          open.delete(`span:${event.messageId}`);
          return;
        case 'TOOL_CALL_START': {
          const parentMessageId = event.parentMessageId ?? event.toolCallId;
          const parent = assistant(parentMessageId);
          const call: AgUiToolCall = {
            id: event.toolCallId,
            type: 'function',
            function: { name: event.toolCallName, arguments: '' },
          };
          (parent.toolCalls ??= []).push(call);
          open.set(`tool:${event.toolCallId}`, {
            kind: 'tool',
            id: event.toolCallId,
            name: event.toolCallName,
            parentMessageId: parent.id,
            call,
          });
          return;
        }
        case 'TOOL_CALL_ARGS': {
          const item = open.get(`tool:${event.toolCallId}`);
          if (item?.kind === 'tool') item.call.function.arguments += event.delta;
          return;
        }
        case 'TOOL_CALL_END':
          open.delete(`tool:${event.toolCallId}`);
          return;
        case 'TOOL_CALL_RESULT': {
          const agentry = event.metadata?.agentry as { isError?: unknown } | undefined;
          add({
            id: event.messageId,
            role: 'tool',
            toolCallId: event.toolCallId,
            content: event.content,
            ...(agentry?.isError === true ? { error: event.content } : {}),
          });
          return;
        }
        case 'MESSAGES_SNAPSHOT':
          messages = structuredClone(event.messages);
          byId.clear();
          for (const message of messages) byId.set(message.id, message);
          open.clear();
          return;
        case 'STATE_SNAPSHOT':
          state = structuredClone(event.snapshot);
          hasState = true;
          return;
        case 'STATE_DELTA':
          state = applyJsonPatch(state, event.delta);
          hasState = true;
          return;
        case 'CUSTOM':
          if (event.name === 'agentry.model-error') {
            const ids = (event.value as { discardedMessageIds?: unknown } | null)
              ?.discardedMessageIds;
            if (Array.isArray(ids)) discard(ids);
          }
          return;
      }
    },
    snapshot() {
      const out: AgUiEvent[] = [];
      // Nothing happened yet: nothing to tell (a lone MESSAGES_SNAPSHOT would precede the run's
      // RUN_STARTED, which AG-UI refuses).
      if (started === undefined && messages.length === 0 && !hasState) return out;
      if (started !== undefined) out.push(structuredClone(started));
      const streaming = new Set<string>();
      const streamingCalls = new Set<string>();
      for (const item of open.values()) {
        if (item.kind === 'text' || item.kind === 'reasoning') streaming.add(item.id);
        if (item.kind === 'tool') streamingCalls.add(item.id);
      }
      const settled: AgUiMessage[] = [];
      for (const message of messages) {
        if (streaming.has(message.id)) continue;
        if (
          message.role === 'assistant' &&
          message.toolCalls?.some((call) => streamingCalls.has(call.id))
        ) {
          const toolCalls = message.toolCalls.filter((call) => !streamingCalls.has(call.id));
          // A message made only of calls still streaming is re-made by their TOOL_CALL_START.
          if (toolCalls.length === 0 && message.content === undefined) continue;
          const copy: AssistantMessage = { ...structuredClone(message) };
          if (toolCalls.length > 0) copy.toolCalls = structuredClone(toolCalls);
          else delete copy.toolCalls;
          settled.push(copy);
          continue;
        }
        settled.push(structuredClone(message));
      }
      out.push({ type: 'MESSAGES_SNAPSHOT', messages: settled });
      if (hasState) out.push({ type: 'STATE_SNAPSHOT', snapshot: structuredClone(state) });
      if (ended === undefined) {
        for (const stepName of openSteps) out.push({ type: 'STEP_STARTED', stepName });
      }
      for (const item of open.values()) {
        switch (item.kind) {
          case 'text': {
            out.push({ type: 'TEXT_MESSAGE_START', messageId: item.id, role: item.role });
            const message = byId.get(item.id);
            const content =
              message !== undefined && 'content' in message ? message.content : undefined;
            if (typeof content === 'string' && content !== '') {
              out.push({ type: 'TEXT_MESSAGE_CONTENT', messageId: item.id, delta: content });
            }
            break;
          }
          case 'reasoning-span':
            out.push({ type: 'REASONING_START', messageId: item.id });
            break;
          case 'reasoning': {
            out.push({ type: 'REASONING_MESSAGE_START', messageId: item.id, role: 'reasoning' });
            const message = byId.get(item.id);
            if (message?.role === 'reasoning' && message.content !== '') {
              out.push({
                type: 'REASONING_MESSAGE_CONTENT',
                messageId: item.id,
                delta: message.content,
              });
            }
            break;
          }
          case 'tool':
            out.push({
              type: 'TOOL_CALL_START',
              toolCallId: item.id,
              toolCallName: item.name,
              parentMessageId: item.parentMessageId,
            });
            if (item.call.function.arguments !== '') {
              out.push({
                type: 'TOOL_CALL_ARGS',
                toolCallId: item.id,
                delta: item.call.function.arguments,
              });
            }
            break;
        }
      }
      if (ended !== undefined) out.push(structuredClone(ended));
      return out;
    },
    get messages() {
      return messages;
    },
    get state() {
      return state;
    },
  };
}
