import type { GenerateContentResponse } from '@google/genai';
import { createProviderError, type ModelStreamPart } from '@agentry/core';
import {
  callIdOf,
  callInputOf,
  finishReasonOf,
  responseMetadataOf,
  usageOf,
} from './from-gemini-response.js';
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
  #last: GenerateContentResponse | undefined;
  #finishReason: string | undefined;
  #responseId: string | undefined;
  #modelVersion: string | undefined;

  /**
   * The parts for one chunk.
   *
   * @throws AgentryError `content_filtered` when the chunk says the prompt was blocked
   */
  push(chunk: GenerateContentResponse): ModelStreamPart[] {
    this.#last = chunk;
    this.#responseId ??= chunk.responseId;
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
        this.#closeText(parts);
        this.#closeReasoning(parts);
        if (signature !== undefined) this.#signatureBlock(parts, signature);
        const toolCallId = callIdOf(part, this.#calls);
        const toolName = part.functionCall.name ?? '';
        const input = callInputOf(part.functionCall.args);
        this.#calls += 1;
        parts.push(
          { type: 'tool-call-start', toolCallId, toolName },
          { type: 'tool-call-delta', toolCallId, delta: input },
          { type: 'tool-call-end', toolCallId, toolName, input },
        );
        continue;
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
