import { createProviderError, type AgentryError, type Usage } from '@agentry/core';

/**
 * The usage of a call, normalised: input tokens include cached ones and output tokens include
 * reasoning, as OpenAI counts them; the optional counts are left out when OpenAI does not report
 * them.
 *
 * @internal
 */
export function toUsage(counts: {
  input: number | undefined;
  output: number | undefined;
  total?: number | undefined;
  cached?: number | undefined;
  reasoning?: number | undefined;
}): Usage {
  const inputTokens = counts.input ?? 0;
  const outputTokens = counts.output ?? 0;
  return {
    inputTokens,
    outputTokens,
    totalTokens: counts.total ?? inputTokens + outputTokens,
    ...(counts.cached === undefined ? {} : { cachedInputTokens: counts.cached }),
    ...(counts.reasoning === undefined ? {} : { reasoningTokens: counts.reasoning }),
  };
}

/**
 * The usage of a stream that ended without reporting any (some OpenAI-compatible servers do not
 * send it).
 *
 * @internal
 */
export const UNKNOWN_USAGE: Readonly<Usage> = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  totalTokens: 0,
});

/**
 * The error for a stream that ended before its last event: the connection closed early.
 *
 * @internal
 */
export function streamEndedEarly(modelId: string): AgentryError {
  return createProviderError({
    provider: 'openai',
    code: 'network',
    message: `The OpenAI stream for model ${modelId} ended before the response was complete.`,
  });
}

/**
 * The error for a stream that went silent for longer than the provider's timeout; its
 * connection has been closed.
 *
 * @internal
 */
export function streamTimedOut(modelId: string, timeout: number | undefined): AgentryError {
  return createProviderError({
    provider: 'openai',
    code: 'timeout',
    message: `The OpenAI stream for model ${modelId} sent nothing for ${String(timeout)} ms (the provider's timeout) and was closed; the output so far is partial.`,
  });
}

/**
 * The error for a stream that holds a second response after the first (another response id, or
 * a second `response.created`), as when something between Agentry and OpenAI splices two
 * responses together: the first one's output is partial, and is never joined to the second's.
 *
 * @internal
 */
export function streamSpliced(modelId: string, first: string, second: string): AgentryError {
  return createProviderError({
    provider: 'openai',
    code: 'provider_unavailable',
    message: `The OpenAI stream for model ${modelId} switched from response ${first} to response ${second} mid-stream: two responses were spliced together. The output so far is partial; retry the call.`,
  });
}
