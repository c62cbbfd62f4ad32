import type { EmulatorErrorType, EmulatorFailure } from './emulator-types.js';

/** A failure with its error type and message worked out, as wire formats render it. @internal */
export type ResolvedFailure = EmulatorFailure & { error: EmulatorErrorType; message: string };

const defaultMessages: Record<EmulatorErrorType, string> = {
  invalid_request: 'The request is not valid.',
  authentication: 'Invalid API key.',
  permission: 'The API key may not use this resource.',
  not_found: 'The requested resource does not exist.',
  rate_limit: 'Rate limit reached; retry later.',
  context_length: 'The prompt is longer than the model accepts.',
  content_filter: 'The request was blocked by the content filter.',
  server: 'The server had an error while processing the request.',
  overloaded: 'The service is overloaded; retry later.',
};

/**
 * The vendor error a status stands for when a failure does not name one: 400 `invalid_request`,
 * 401 `authentication`, 403 `permission`, 404 `not_found`, 413 `context_length`, 429
 * `rate_limit`, 529 `overloaded`, other 5xx `server`, anything else `invalid_request`.
 *
 * @example
 * ```ts
 * errorTypeForStatus(429); // 'rate_limit'
 * ```
 * @internal
 */
export function errorTypeForStatus(status: number): EmulatorErrorType {
  switch (status) {
    case 401:
      return 'authentication';
    case 403:
      return 'permission';
    case 404:
      return 'not_found';
    case 413:
      return 'context_length';
    case 429:
      return 'rate_limit';
    case 529:
      return 'overloaded';
    default:
      return status >= 500 && status <= 599 ? 'server' : 'invalid_request';
  }
}

/**
 * Fills in a failure's error type (from its status) and message (a short default per type).
 *
 * @example
 * ```ts
 * resolveFailure({ kind: 'error', status: 401 }).error; // 'authentication'
 * ```
 * @internal
 */
export function resolveFailure(failure: EmulatorFailure): ResolvedFailure {
  const error = failure.error ?? errorTypeForStatus(failure.status);
  return { ...failure, error, message: failure.message ?? defaultMessages[error] };
}
