import type { GenerateContentResponse, Part } from '@google/genai';
import { createProviderError, type AgentryError, type ModelStreamPart } from '@agentry/core';
import {
  callIdOf,
  callInputOf,
  finishReasonOf,
  responseMetadataOf,
  usageOf,
} from './from-gemini-response.js';
import { namelessFunctionCall, PartialFunctionCall } from './partial-function-call.js';
import { signatureMetadata } from './thought-signature.js';
import { createPromptBlockedError } from './to-google-error.js';

/**
 * Turns the chunks of a `streamGenerateContent` stream into model stream parts, in order:
 *
 * - thought parts open a reasoning block (`reasoning-start`, `reasoning-delta`s, `reasoning-end`
 *   with the thought signature, when one came, as `providerMetadata.google.thoughtSignature`);
 * - text parts open a text block (`text-start`, `text-delta`s, `text-end`), one block for a run of
 *   text across chunks;
 * - each function call, which Gemini sends whole, is `tool-call-start`, one `tool-call-delta` with
 *   all the arguments and `tool-call-end`, after an empty reasoning block holding its signature;
 *   a call that Vertex AI streams in pieces (`willContinue`, `partialArgs`) is the same, the
 *   delta and end coming with its last piece; a call without a name fails the stream;
 * - a chunk of another response (another `responseId`) fails the stream: two responses spliced
 *   together are never joined;
 * - a signature on a text part (the empty text part of the last chunk, as Gemini streams it)
 *   becomes an empty reasoning block after the text;
 * - {@link GeminiStreamParts.end} closes open blocks and gives `response-end` with the finish
 *   reason, usage (the last chunk's, which Gemini reports as running totals) and the response id.
 *
 * @internal
 */
export class GeminiStreamParts {
  #text: string | undefined;
  #reasoning: { id: string; signature: string | undefined } | undefined;
  #blocks = 0;
  #calls = 0;
  /** The function call streamed in pieces whose last piece has not come yet. */
  #call: PartialFunctionCall | undefined;
  #last: GenerateContentResponse | undefined;
  #finishReason: string | undefined;
  #responseId: string | undefined;
  #modelVersion: string | undefined;

  /**
   * The parts for one chunk.
   *
   * @throws AgentryError `content_filtered` when the chunk says the prompt was blocked;
   *   `provider_unavailable` when it belongs to another response (another `responseId`), holds
   *   a function call without a name, or a piece of a streamed call that cannot be assembled
   */
  push(chunk: GenerateContentResponse): ModelStreamPart[] {
    this.#last = chunk;
    const responseId = chunk.responseId;
    if (responseId !== undefined && responseId !== this.#responseId) {
      // Every chunk of one response has its id: another id is another response spliced in,
      // whose text must not be appended to this one's.
      if (this.#responseId !== undefined) throw splicedResponse(this.#responseId, responseId);
      this.#responseId = responseId;
    }
    this.#modelVersion ??= chunk.modelVersion;
    const candidate = chunk.candidates?.[0];
    const blockReason = chunk.promptFeedback?.blockReason;
    if (candidate === undefined && blockReason !== undefined) {
      throw createPromptBlockedError(blockReason, chunk.promptFeedback?.blockReasonMessage);
    }
    if (candidate?.finishReason !== undefined) this.#finishReason = candidate.finishReason;
    const parts: ModelStreamPart[] = [];
    for (const part of candidate?.content?.parts ?? []) {
      const signature = part.thoughtSignature;
      if (part.thought === true) {
        this.#closeText(parts);
        const reasoning = this.#openReasoning(parts);
        if (part.text !== undefined && part.text !== '') {
          parts.push({ type: 'reasoning-delta', id: reasoning.id, delta: part.text });
        }
        if (signature !== undefined) reasoning.signature = signature;
        continue;
      }
      if (part.functionCall !== undefined) {
        this.#functionCall(part, parts);
        continue;
      }
      // Text while a call streams in pieces: the call's last piece was lost.
      if (this.#call !== undefined && part.text !== undefined && part.text !== '') {
        throw this.#unfinishedCall();
      }
      if (part.text !== undefined && part.text !== '') {
        this.#closeReasoning(parts);
        if (this.#text === undefined) {
          this.#text = this.#nextId('text');
          parts.push({ type: 'text-start', id: this.#text });
        }
        parts.push({ type: 'text-delta', id: this.#text, delta: part.text });
      }
      if (signature !== undefined) {
        this.#closeText(parts);
        this.#closeReasoning(parts);
        this.#signatureBlock(parts, signature);
      }
    }
    return parts;
  }

  /**
   * Closes open blocks and ends the response.
   *
   * @throws AgentryError `network` when the stream closed without a finish reason: a connection
   *   cut short by something between Agentry and Gemini
   */
  end(): ModelStreamPart[] {
    if (this.#call !== undefined) throw this.#unfinishedCall();
    const parts: ModelStreamPart[] = [];
    this.#closeText(parts);
    this.#closeReasoning(parts);
    if (this.#finishReason === undefined) {
      throw createProviderError({
        provider: 'google',
        code: 'network',
        message:
          'The Gemini stream closed before its last chunk (no finish reason was sent); the output so far is partial.',
      });
    }
    const providerMetadata = this.#last === undefined ? undefined : responseMetadataOf(this.#last);
    parts.push({
      type: 'response-end',
      finishReason: finishReasonOf(this.#finishReason, this.#calls > 0),
      usage: usageOf(this.#last?.usageMetadata),
      response: {
        ...(this.#responseId !== undefined ? { id: this.#responseId } : {}),
        ...(this.#modelVersion !== undefined ? { modelId: this.#modelVersion } : {}),
      },
      ...(providerMetadata !== undefined ? { providerMetadata } : {}),
    });
    return parts;
  }

  /**
   * A function call: whole, as the Gemini API sends it, or a piece of one that Vertex AI streams
   * (`willContinue`, `partialArgs`), assembled into one call whose arguments are sent when its
   * last piece comes. A call without a name is refused.
   */
  #functionCall(part: Part, parts: ModelStreamPart[]): void {
    const call = part.functionCall!;
    if (this.#call !== undefined) {
      this.#continueCall(this.#call, call, parts);
      return;
    }
    this.#closeText(parts);
    this.#closeReasoning(parts);
    if (part.thoughtSignature !== undefined) this.#signatureBlock(parts, part.thoughtSignature);
    const toolCallId = callIdOf(part, this.#calls);
    const toolName = call.name ?? '';
    if (toolName === '') throw namelessFunctionCall(toolCallId);
    this.#calls += 1;
    parts.push({ type: 'tool-call-start', toolCallId, toolName });
    if (call.willContinue === true || call.partialArgs !== undefined) {
      this.#call = new PartialFunctionCall(toolCallId, toolName, call.args);
      this.#continueCall(this.#call, call, parts);
      return;
    }
    const input = callInputOf(call.args);
    parts.push(
      { type: 'tool-call-delta', toolCallId, delta: input },
      { type: 'tool-call-end', toolCallId, toolName, input },
    );
  }

  /** Adds a piece to the call in progress, and ends the call with its last piece. */
  #continueCall(
    open: PartialFunctionCall,
    piece: NonNullable<Part['functionCall']>,
    parts: ModelStreamPart[],
  ): void {
    open.add(piece.partialArgs);
    if (piece.willContinue === true) return;
    this.#call = undefined;
    const input = open.input();
    const { toolCallId, toolName } = open;
    parts.push(
      { type: 'tool-call-delta', toolCallId, delta: input },
      { type: 'tool-call-end', toolCallId, toolName, input },
    );
  }

  #unfinishedCall(): AgentryError {
    const call = this.#call;
    return createProviderError({
      provider: 'google',
      code: 'provider_unavailable',
      message: `The Gemini stream went on without the last piece of function call ${String(call?.toolName)} (${String(call?.toolCallId)}), which said it would continue; the call was not run. Retry the call.`,
    });
  }

  #nextId(kind: 'text' | 'reasoning'): string {
    const id = `${kind}-${String(this.#blocks)}`;
    this.#blocks += 1;
    return id;
  }

  #openReasoning(parts: ModelStreamPart[]): { id: string; signature: string | undefined } {
    if (this.#reasoning !== undefined) return this.#reasoning;
    this.#reasoning = { id: this.#nextId('reasoning'), signature: undefined };
    parts.push({ type: 'reasoning-start', id: this.#reasoning.id });
    return this.#reasoning;
  }

  #closeReasoning(parts: ModelStreamPart[]): void {
    const reasoning = this.#reasoning;
    if (reasoning === undefined) return;
    this.#reasoning = undefined;
    parts.push(
      reasoning.signature === undefined
        ? { type: 'reasoning-end', id: reasoning.id }
        : {
            type: 'reasoning-end',
            id: reasoning.id,
            providerMetadata: signatureMetadata(reasoning.signature),
          },
    );
  }

  #closeText(parts: ModelStreamPart[]): void {
    if (this.#text === undefined) return;
    parts.push({ type: 'text-end', id: this.#text });
    this.#text = undefined;
  }

  /** An empty reasoning block that only carries a signature. */
  #signatureBlock(parts: ModelStreamPart[], signature: string): void {
    const id = this.#nextId('reasoning');
    parts.push(
      { type: 'reasoning-start', id },
      { type: 'reasoning-end', id, providerMetadata: signatureMetadata(signature) },
    );
  }
}

function splicedResponse(first: string, second: string): AgentryError {
  return createProviderError({
    provider: 'google',
    code: 'provider_unavailable',
    message: `The Gemini stream switched from response ${first} to response ${second} mid-stream: two responses were spliced together. The output so far is partial; retry the call.`,
  });
}
