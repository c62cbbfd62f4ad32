import {
  createProviderError,
  errorCodeForStatus,
  type AgentryError,
  type ProviderErrorCode,
} from '@agentry/core';
import { ACME_RETRY_HEADER, type AcmeFault, type AcmeFaultKind } from './acme-protocol.js';
import { PROVIDER_NAME } from './to-acme-request.js';

const codes: Record<AcmeFaultKind, ProviderErrorCode> = {
  bad_request: 'invalid_request',
  bad_key: 'auth_failed',
  forbidden: 'auth_failed',
  no_such_model: 'invalid_request',
  too_long: 'context_length_exceeded',
  slow_down: 'rate_limited',
  blocked: 'content_filtered',
  broken: 'provider_unavailable',
  busy: 'provider_unavailable',
};

function readFault(body: unknown): AcmeFault | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { fault } = body as { fault?: unknown };
  if (typeof fault !== 'object' || fault === null) return undefined;
  const { kind, detail } = fault as { kind?: unknown; detail?: unknown };
  return typeof kind === 'string'
    ? { kind: kind as AcmeFaultKind, detail: typeof detail === 'string' ? detail : '' }
    : undefined;
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const value = Number(headers?.get(ACME_RETRY_HEADER) ?? Number.NaN);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** What {@link toAcmeError} maps. */
export interface AcmeErrorInput {
  /** The HTTP status, or `undefined` for a `fault` frame inside a stream. */
  status?: number;
  /** The response headers, for `acme-retry-in-ms`. */
  headers?: Headers;
  /** The error body (parsed JSON, or its text), or the `fault` frame. */
  body: unknown;
}

/**
 * Maps an Acme failure (an HTTP error with its fault body, or a `fault` frame mid-stream) to an
 * `AgentryError` with the shared provider codes: by the fault's kind when Acme names one it
 * knows, else by HTTP status; `rate_limited` carries `details.retryAfterMs` from
 * `acme-retry-in-ms`.
 *
 * @example
 * ```ts
 * throw toAcmeError({ status: 429, headers: response.headers, body: { fault: { kind: 'slow_down', detail: 'Later.' } } });
 * ```
 */
export function toAcmeError(input: AcmeErrorInput): AgentryError {
  const fault = readFault(input.body);
  const known = fault !== undefined && fault.kind in codes ? codes[fault.kind] : undefined;
  const code =
    known ??
    (input.status === undefined ? 'provider_unavailable' : errorCodeForStatus(input.status));
  const said =
    fault?.detail || (typeof input.body === 'string' ? input.body.slice(0, 200) : 'no detail');
  const where = input.status === undefined ? 'failed mid-stream' : `answered HTTP ${input.status}`;
  return createProviderError({
    provider: PROVIDER_NAME,
    code,
    message: `Acme ${where} (${fault?.kind ?? code}): ${said}`,
    status: input.status,
    retryAfterMs: retryAfterMs(input.headers),
    vendorCode: fault?.kind,
  });
}
