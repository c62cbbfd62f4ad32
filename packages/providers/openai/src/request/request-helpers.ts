import type { ModelRequest, ToolResultPart } from '@agentry/core';
import { isReasoningModel } from '../models.js';

/**
 * The request's `providerOptions.openai`: fields passed through to OpenAI's request body as they
 * are, after (and so over) the ones built from the request.
 *
 * @internal
 */
export function openaiOptionsOf(request: ModelRequest): Record<string, unknown> {
  const options = request.providerOptions?.openai;
  return typeof options === 'object' && options !== null ? options : {};
}

/**
 * A tool result as the text OpenAI takes: a string as it is, any other value as JSON; a failed
 * call's output is marked `Error:` so the model knows the call did not succeed.
 *
 * @internal
 */
export function toolOutputText(part: ToolResultPart): string {
  const text =
    typeof part.output === 'string' ? part.output : (JSON.stringify(part.output) ?? 'null');
  return part.isError === true ? `Error: ${text}` : text;
}

/**
 * Whether sampling parameters (`temperature`, `top_p`) may be sent: reasoning models refuse them
 * unless reasoning is off (`reasoning_effort: 'none'`, or `reasoning: { effort: 'none' }`).
 *
 * @internal
 */
export function acceptsSampling(modelId: string, options: Record<string, unknown>): boolean {
  if (!isReasoningModel(modelId)) return true;
  const reasoning = options.reasoning;
  const effort =
    options.reasoning_effort ??
    (typeof reasoning === 'object' && reasoning !== null
      ? (reasoning as { effort?: unknown }).effort
      : undefined);
  return effort === 'none';
}

/**
 * A name OpenAI accepts for a response schema: letters, digits, `_` and `-`, at most 64.
 *
 * @internal
 */
export function toSchemaName(name: string | undefined): string {
  const cleaned = (name ?? 'response').replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  return cleaned === '' ? 'response' : cleaned;
}
