import {
  AgentryError,
  errorCodeForStatus,
  parseRetryAfter,
  toConnectionError,
  withTimeout,
} from '@agentry/core';
import { VERSION } from '../../version.js';
import type { DeliveryPolicy } from './deliver-with-retry.js';

/** @internal One HTTP request of a channel. */
export interface HttpPost {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Names the receiver in errors and logs, without its URL (which may hold a secret). */
  readonly receiver: string;
}

/**
 * Sends one POST with a deadline of `policy.timeoutMs`. Redirects are not followed (a signed
 * alert is never handed to another host). A 2xx answer resolves; anything else rejects with an
 * {@link AgentryError} whose code follows the status (`rate_limited` for 429, `provider_unavailable`
 * for 5xx: both retried; `auth_failed` or `invalid_request` for the rest: not retried), with the
 * server's Retry-After in `details.retryAfterMs`. The URL never appears in the error.
 *
 * @internal
 */
export async function postHttp(request: HttpPost, policy: DeliveryPolicy): Promise<void> {
  await withTimeout(
    async (signal) => {
      let response: Response;
      try {
        response = await fetch(request.url, {
          method: 'POST',
          headers: { 'user-agent': `agentry-monitoring/${VERSION}`, ...request.headers },
          body: request.body,
          redirect: 'manual',
          signal,
        });
      } catch (error) {
        throw toConnectionError(error, { provider: request.receiver });
      }
      // Read the body so the connection is released; it is not used otherwise.
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return;
      const retryAfterMs = parseRetryAfter(response.headers);
      throw new AgentryError({
        code:
          response.status >= 300 && response.status < 400
            ? 'invalid_request'
            : errorCodeForStatus(response.status),
        message: `The ${request.receiver} answered HTTP ${response.status}.`,
        details: {
          status: response.status,
          receiver: request.receiver,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        },
        suggestions:
          response.status >= 300 && response.status < 400
            ? ['Configure the final URL: redirects are not followed.']
            : response.status >= 500 || response.status === 429
              ? ['The receiver is failing or busy; the delivery was retried with backoff.']
              : [
                  'Check the channel settings (URL, credentials) against what the receiver expects.',
                ],
      });
    },
    policy.timeoutMs,
    {
      clock: policy.clock,
      message: `The ${request.receiver} did not answer within ${policy.timeoutMs} ms.`,
    },
  );
}
