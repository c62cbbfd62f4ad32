import type {
  GenerateContentResponse,
  GenerateContentResponseUsageMetadata,
  Part,
} from '@google/genai';
import type {
  FinishReason,
  ModelResponse,
  ReasoningPart,
  TextPart,
  ToolCallPart,
  Usage,
} from '@agentry/core';
import { namelessFunctionCall } from './partial-function-call.js';
import { GOOGLE_METADATA_KEY, signatureMetadata } from './thought-signature.js';
import { createPromptBlockedError } from './to-google-error.js';

/** Gemini's finish reasons that mean a safety, policy or recitation filter stopped the answer. */
const filteredReasons = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);
/** Gemini's finish reasons that mean the model produced something unusable. */
const failedReasons = new Set([
  'MALFORMED_FUNCTION_CALL',
  'UNEXPECTED_TOOL_CALL',
  'TOO_MANY_TOOL_CALLS',
  'MISSING_THOUGHT_SIGNATURE',
  'MALFORMED_RESPONSE',
]);

/**
 * Normalises Gemini's finish reason: `STOP` is `tool-calls` when the answer calls functions (Gemini
 * has no reason of its own for that) and `stop` otherwise; `MAX_TOKENS` is `length`; safety,
 * recitation, blocklist and prohibited-content stops are `content-filter`; a malformed or
 * unexpected function call is `error`; anything else (`OTHER`, `LANGUAGE`, a reason added later,
 * none) is `other`.
 *
 * @internal
 */
export function finishReasonOf(reason: string | undefined, callsFunctions: boolean): FinishReason {
  if (reason === 'STOP') return callsFunctions ? 'tool-calls' : 'stop';
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason !== undefined && filteredReasons.has(reason)) return 'content-filter';
  if (reason !== undefined && failedReasons.has(reason)) return 'error';
  return 'other';
}

/**
 * Normalises Gemini's usage: input tokens are the prompt (cached content included) plus the
 * prompt of tool use; output tokens are the candidates plus the thoughts, which Gemini counts
 * apart. Gemini leaves counts of zero out, so missing counts are 0.
 *
 * @internal
 */
export function usageOf(metadata: GenerateContentResponseUsageMetadata | undefined): Usage {
  const prompt = (metadata?.promptTokenCount ?? 0) + (metadata?.toolUsePromptTokenCount ?? 0);
  const thoughts = metadata?.thoughtsTokenCount ?? 0;
  const output = (metadata?.candidatesTokenCount ?? 0) + thoughts;
  return {
    inputTokens: prompt,
    outputTokens: output,
    totalTokens: metadata?.totalTokenCount ?? prompt + output,
    cachedInputTokens: metadata?.cachedContentTokenCount ?? 0,
    reasoningTokens: thoughts,
  };
}

/**
 * A function call's arguments as JSON text. Gemini sends them as an object; anything else (text
 * that a proxy or the emulator passed through) is kept as it came.
 *
 * @internal
 */
export function callInputOf(args: unknown): string {
  if (typeof args === 'string') return args;
  return JSON.stringify(args ?? {});
}

/**
 * The id of the `index`-th function call of a response: Gemini's own when it sends one, else
 * `call_<index>`, the same in `generate` and `stream`.
 *
 * @internal
 */
export function callIdOf(part: Part, index: number): string {
  const id = part.functionCall?.id;
  return id !== undefined && id !== '' ? id : `call_${String(index)}`;
}

/**
 * The metadata of a response worth keeping: the raw finish reason and message, safety ratings,
 * grounding and URL context metadata, as the API sent them.
 *
 * @internal
 */
export function responseMetadataOf(
  response: GenerateContentResponse,
): Record<string, Record<string, unknown>> | undefined {
  const candidate = response.candidates?.[0];
  const metadata: Record<string, unknown> = {};
  if (candidate?.finishReason !== undefined) metadata['finishReason'] = candidate.finishReason;
  if (candidate?.finishMessage !== undefined) metadata['finishMessage'] = candidate.finishMessage;
  if (candidate?.safetyRatings !== undefined) metadata['safetyRatings'] = candidate.safetyRatings;
  if (candidate?.groundingMetadata !== undefined) {
    metadata['groundingMetadata'] = candidate.groundingMetadata;
  }
  if (candidate?.urlContextMetadata !== undefined) {
    metadata['urlContextMetadata'] = candidate.urlContextMetadata;
  }
  return Object.keys(metadata).length > 0 ? { [GOOGLE_METADATA_KEY]: metadata } : undefined;
}

/**
 * Converts a `generateContent` response: thoughts become reasoning, text parts text (neighbours
 * joined), function calls tool calls with ids from {@link callIdOf}, and thought signatures
 * reasoning parts with empty text (before the call they sign, after the text they sign).
 *
 * @throws AgentryError `content_filtered` when the prompt was blocked (`promptFeedback.blockReason`
 *   and no candidate); `provider_unavailable` when a function call has no name (it is never
 *   passed on to be run)
 * @internal
 */
export function fromGeminiResponse(response: GenerateContentResponse): ModelResponse {
  const candidate = response.candidates?.[0];
  const blockReason = response.promptFeedback?.blockReason;
  if (candidate === undefined && blockReason !== undefined) {
    throw createPromptBlockedError(blockReason, response.promptFeedback?.blockReasonMessage);
  }
  const content: (TextPart | ReasoningPart | ToolCallPart)[] = [];
  let calls = 0;
  for (const part of candidate?.content?.parts ?? []) {
    const signature = part.thoughtSignature;
    if (part.thought === true) {
      const last = content.at(-1);
      if (last?.type === 'reasoning' && last.text !== '') last.text += part.text ?? '';
      else content.push({ type: 'reasoning', text: part.text ?? '' });
      const reasoning = content.at(-1) as ReasoningPart;
      if (signature !== undefined) reasoning.providerMetadata = signatureMetadata(signature);
      continue;
    }
    if (part.functionCall !== undefined) {
      if (signature !== undefined) {
        content.push({
          type: 'reasoning',
          text: '',
          providerMetadata: signatureMetadata(signature),
        });
      }
      const toolCallId = callIdOf(part, calls);
      const toolName = part.functionCall.name ?? '';
      if (toolName === '') throw namelessFunctionCall(toolCallId);
      content.push({
        type: 'tool-call',
        toolCallId,
        toolName,
        input: callInputOf(part.functionCall.args),
      });
      calls += 1;
      continue;
    }
    if (part.text !== undefined && part.text !== '') {
      const last = content.at(-1);
      if (last?.type === 'text') last.text += part.text;
      else content.push({ type: 'text', text: part.text });
    }
    if (signature !== undefined) {
      content.push({ type: 'reasoning', text: '', providerMetadata: signatureMetadata(signature) });
    }
  }
  const providerMetadata = responseMetadataOf(response);
  return {
    content,
    finishReason: finishReasonOf(candidate?.finishReason, calls > 0),
    usage: usageOf(response.usageMetadata),
    response: {
      ...(response.responseId !== undefined ? { id: response.responseId } : {}),
      ...(response.modelVersion !== undefined ? { modelId: response.modelVersion } : {}),
    },
    ...(providerMetadata !== undefined ? { providerMetadata } : {}),
  };
}
