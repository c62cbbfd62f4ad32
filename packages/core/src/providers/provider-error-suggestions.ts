import type { ProviderErrorCode } from './provider-error-code.js';

/**
 * What a person can do about each provider failure, by code; `{provider}` is replaced by the
 * provider's name.
 *
 * @internal
 */
export const providerErrorSuggestions: Readonly<Record<ProviderErrorCode, readonly string[]>> = {
  rate_limited: [
    'Retry after the wait the provider asked for (details.retryAfterMs), or with backoff.',
    'Lower the request rate or concurrency, or ask {provider} for a higher rate limit.',
  ],
  auth_failed: [
    'Check that the {provider} API key or token is set, current and allowed to use this model.',
    'If the key was revoked or expired, issue a new one and update the configuration.',
  ],
  invalid_request: [
    "Check the model id, parameters and message format against {provider}'s API reference.",
  ],
  context_length_exceeded: [
    'Shorten the conversation or the input, or lower parameters.maxTokens.',
    'Use a model with a larger context window.',
  ],
  content_filtered: [
    "Rephrase the input: {provider}'s content policy blocked the request or the answer.",
  ],
  provider_unavailable: [
    'Retry later: {provider} is down or overloaded.',
    'Add a model of another provider to models.fallbackChain to keep working meanwhile.',
  ],
  timeout: ['Retry, or give the call a longer timeout.'],
  network: [
    'Check the network connection, proxy settings and the provider endpoint URL, then retry.',
  ],
  aborted: ['Nothing to do if the abort was intended; otherwise find who aborted the signal.'],
};
