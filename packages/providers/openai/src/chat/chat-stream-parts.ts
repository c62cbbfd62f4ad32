import type { FinishReason, ModelStreamPart, Usage } from '@agentry/core';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { streamEndedEarly, streamSpliced, UNKNOWN_USAGE } from '../response/response-helpers.js';
import { reasoningTextOf, toChatFinishReason, toChatUsage } from './from-chat-completion.js';

const TEXT_ID = 'text-0';
const REASONING_ID = 'reasoning-0';

interface ToolCallState {
  id: string | undefined;
  name: string | undefined;
  input: string;
  /** Argument pieces that came before the call's id and name. */
  pending: string[];
  started: boolean;
}

/**
 * Turns Chat Completions chunks into contract stream parts: reasoning (from compatible servers)
 * and text as blocks, tool calls by their `index` as start, argument deltas and end (parallel calls
 * interleave), then one `response-end` with the finish reason and the usage of the final chunk
 * (`stream_options.include_usage`). A refusal streams as text, and the finish reason is then
 * `content-filter`.
 *
 * @throws AgentryError `network` when the chunks end before one carries a finish reason;
 *   `provider_unavailable` when a chunk of another completion (another id) follows
 * @internal
 */
export async function* toChatStreamParts(
  chunks: AsyncIterable<ChatCompletionChunk>,
  modelId: string,
): AsyncGenerator<ModelStreamPart> {
  const mapper = new ChatStreamMapper(modelId);
  const parts: ModelStreamPart[] = [];
  for await (const chunk of chunks) {
    mapper.push(chunk, parts);
    for (const part of parts) yield part;
    parts.length = 0;
  }
  mapper.end(parts);
  for (const part of parts) yield part;
}

/**
 * The state of one Chat Completions stream: {@link ChatStreamMapper.push} adds the parts of a
 * chunk to a list, {@link ChatStreamMapper.end} the closing parts. A model's stream calls it from
 * its own loop, so that each part crosses one async generator rather than two.
 *
 * @internal
 */
export class ChatStreamMapper {
  readonly #modelId: string;
  #textOpen = false;
  #reasoningOpen = false;
  #refused = false;
  #finishReason: FinishReason | undefined;
  #usage: Usage | undefined;
  #response: { id?: string; modelId?: string } | undefined;
  #calls: Map<number, ToolCallState> | undefined;

  constructor(modelId: string) {
    this.#modelId = modelId;
  }

  /**
   * Adds the parts `chunk` makes to `parts`.
   *
   * @throws AgentryError `provider_unavailable` when the chunk belongs to another completion
   *   (another id) than the chunks before it
   */
  push(chunk: ChatCompletionChunk, parts: ModelStreamPart[]): void {
    const response = this.#response;
    if (response === undefined) {
      this.#response = { id: chunk.id, modelId: chunk.model };
    } else if (chunk.id !== response.id && chunk.id !== '') {
      // Every chunk of one completion has its id (Azure's first chunk of filter results has
      // none); another id is another completion spliced in, whose text must not be appended.
      if (response.id !== '') throw streamSpliced(this.#modelId, response.id ?? '', chunk.id);
      response.id = chunk.id;
    }
    if (chunk.usage !== undefined && chunk.usage !== null) this.#usage = toChatUsage(chunk.usage);
    const choice = chunk.choices[0];
    if (choice === undefined) return;
    const { delta } = choice;

    const reasoning = reasoningTextOf(delta);
    if (reasoning !== undefined) {
      if (!this.#reasoningOpen) {
        this.#reasoningOpen = true;
        parts.push({ type: 'reasoning-start', id: REASONING_ID });
      }
      parts.push({ type: 'reasoning-delta', id: REASONING_ID, delta: reasoning });
    }
    // A refusal streams as the answer's text; the finish reason then says content-filter.
    const refusal = delta.refusal;
    if (typeof refusal === 'string' && refusal !== '') this.#refused = true;
    const content = typeof delta.content === 'string' ? delta.content : '';
    const text = refusal === undefined || refusal === null ? content : content + refusal;
    if (text !== '') {
      this.#closeReasoning(parts);
      if (!this.#textOpen) {
        this.#textOpen = true;
        parts.push({ type: 'text-start', id: TEXT_ID });
      }
      parts.push({ type: 'text-delta', id: TEXT_ID, delta: text });
    }

    const pieces = delta.tool_calls;
    if (pieces !== undefined && pieces !== null && pieces.length > 0)
      this.#toolCalls(pieces, parts);
    if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
      this.#finishReason = toChatFinishReason(choice.finish_reason);
    }
  }

  /**
   * Adds the closing parts to `parts`.
   *
   * @throws AgentryError `network` when no chunk carried a finish reason
   */
  end(parts: ModelStreamPart[]): void {
    const finishReason = this.#finishReason;
    if (finishReason === undefined) throw streamEndedEarly(this.#modelId);
    if (this.#reasoningOpen) parts.push({ type: 'reasoning-end', id: REASONING_ID });
    if (this.#textOpen) parts.push({ type: 'text-end', id: TEXT_ID });
    for (const [index, call] of [...(this.#calls ?? [])].sort(([a], [b]) => a - b)) {
      // A call whose id or name never came still ends, under a made-up id, so its arguments reach
      // the agent, which reports what is missing.
      const toolCallId = call.id ?? `call_${index}`;
      const toolName = call.name ?? '';
      const input = call.input + call.pending.join('');
      if (!call.started) parts.push({ type: 'tool-call-start', toolCallId, toolName });
      parts.push({ type: 'tool-call-end', toolCallId, toolName, input });
    }
    const response = this.#response;
    parts.push({
      type: 'response-end',
      finishReason: this.#refused ? 'content-filter' : finishReason,
      usage: this.#usage ?? { ...UNKNOWN_USAGE },
      ...(response === undefined ? {} : { response }),
    });
  }

  #closeReasoning(parts: ModelStreamPart[]): void {
    if (!this.#reasoningOpen) return;
    this.#reasoningOpen = false;
    parts.push({ type: 'reasoning-end', id: REASONING_ID });
  }

  #toolCalls(
    pieces: NonNullable<ChatCompletionChunk.Choice.Delta['tool_calls']>,
    parts: ModelStreamPart[],
  ): void {
    const calls = (this.#calls ??= new Map<number, ToolCallState>());
    for (const [position, piece] of pieces.entries()) {
      // Some compatible servers send whole calls without an index: their place in the list is it.
      const index = (piece.index as number | undefined) ?? position;
      let call = calls.get(index);
      if (call === undefined) {
        call = { id: undefined, name: undefined, input: '', pending: [], started: false };
        calls.set(index, call);
      }
      call.id ??= piece.id;
      call.name ??= piece.function?.name;
      const argumentsPiece = piece.function?.arguments;
      if (argumentsPiece !== undefined && argumentsPiece !== '') call.pending.push(argumentsPiece);
      if (!call.started && call.id !== undefined && call.name !== undefined) {
        this.#closeReasoning(parts);
        call.started = true;
        parts.push({ type: 'tool-call-start', toolCallId: call.id, toolName: call.name });
      }
      if (call.started && call.id !== undefined) {
        for (const pending of call.pending) {
          call.input += pending;
          parts.push({ type: 'tool-call-delta', toolCallId: call.id, delta: pending });
        }
        call.pending = [];
      }
    }
  }
}
