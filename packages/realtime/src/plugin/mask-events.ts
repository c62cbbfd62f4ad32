import type { Masker, MaskContext, MaskStream } from '@agentry/core';
import type { AgUiEvent } from '../payloads/index.js';

/** @internal Masks AG-UI events before they are appended to the log (and so before any client). */
export interface EventMasking {
  /**
   * Returns `events` masked, for the run (or agent) `scope` they belong to. Streamed text (text,
   * reasoning and tool-argument deltas) goes through one `MaskStream` per message when the masker
   * offers streams: a delta may come out shorter (the held-back tail) or not at all, and the held
   * text comes out, masked, just before the message's end event or the run's end.
   */
  mask(events: readonly AgUiEvent[], scope: string, context: MaskContext): readonly AgUiEvent[];
}

type Streamed = Extract<
  AgUiEvent,
  { type: 'TEXT_MESSAGE_CONTENT' | 'REASONING_MESSAGE_CONTENT' | 'TOOL_CALL_ARGS' }
>;

/** The id a streamed event's stream is keyed by, and the event that carries more of it. */
function streamOf(
  event: AgUiEvent,
): { id: string; carry: (delta: string) => AgUiEvent } | undefined {
  if (event.type === 'TEXT_MESSAGE_CONTENT' || event.type === 'REASONING_MESSAGE_CONTENT') {
    return { id: `m:${event.messageId}`, carry: (delta) => ({ ...event, delta }) };
  }
  if (event.type === 'TOOL_CALL_ARGS') {
    return { id: `t:${event.toolCallId}`, carry: (delta) => ({ ...event, delta }) };
  }
  return undefined;
}

/** The stream id an event ends, if it ends one. */
function endOf(event: AgUiEvent): string | undefined {
  if (event.type === 'TEXT_MESSAGE_END' || event.type === 'REASONING_MESSAGE_END') {
    return `m:${event.messageId}`;
  }
  return event.type === 'TOOL_CALL_END' ? `t:${event.toolCallId}` : undefined;
}

/**
 * Masking with the instance's masker, looked up at each call (`services.masker`): without one,
 * events pass unchanged and nothing is held. A masker that throws withholds the events it threw
 * on, reported through `report`: an event is never sent unmasked.
 *
 * @internal
 */
export function createEventMasking(
  masker: () => Masker | undefined,
  report: (error: unknown) => void,
): EventMasking {
  /** Open streams per scope (a run, or an agent outside runs), each with its last event. */
  type OpenStreams = Map<string, { stream: MaskStream; last: Streamed }>;
  const scopes = new Map<string, OpenStreams>();

  const flush = (open: OpenStreams, id: string) => {
    const held = open.get(id);
    if (held === undefined) return undefined;
    open.delete(id);
    const rest = held.stream.flush();
    return rest === '' ? undefined : streamOf(held.last)!.carry(rest);
  };

  return {
    mask(events, scope, context) {
      const current = masker();
      if (current === undefined) return events;
      const out: AgUiEvent[] = [];
      let open = scopes.get(scope);
      for (const event of events) {
        try {
          const streamed = streamOf(event);
          if (streamed !== undefined && current.stream !== undefined) {
            if (open === undefined) scopes.set(scope, (open = new Map() as OpenStreams));
            let held = open.get(streamed.id);
            if (held === undefined) {
              held = { stream: current.stream(context), last: event as Streamed };
              open.set(streamed.id, held);
            }
            held.last = event as Streamed;
            const safe = held.stream.push((event as Streamed).delta);
            if (safe !== '') out.push(streamed.carry(safe));
            continue;
          }
          const ended = endOf(event);
          if (ended !== undefined && open !== undefined) {
            const rest = flush(open, ended);
            if (rest !== undefined) out.push(rest);
          }
          if ((event.type === 'RUN_FINISHED' || event.type === 'RUN_ERROR') && open !== undefined) {
            for (const id of [...open.keys()]) {
              const rest = flush(open, id);
              if (rest !== undefined) out.push(rest);
            }
          }
          out.push(current.mask(event, context));
        } catch (error) {
          report(error);
        }
      }
      if (open !== undefined && open.size === 0) scopes.delete(scope);
      return out;
    },
  };
}
