/** The rows of {@link errorCodes}, with their literal values. */
const errorCodeTable = {
  // Configuration and validation
  config_invalid: {
    recoverable: false,
    httpStatus: 400,
    summary: 'The configuration is not valid.',
  },
  validation_failed: {
    recoverable: false,
    httpStatus: 400,
    summary: 'A value does not match its schema.',
  },
  not_serializable: {
    recoverable: false,
    httpStatus: 400,
    summary: 'A value cannot be persisted as JSON.',
  },
  duplicate_id: { recoverable: false, httpStatus: 409, summary: 'An id is already in use.' },
  unknown_model: { recoverable: false, httpStatus: 400, summary: 'A model is not registered.' },
  invalid_api_key_format: {
    recoverable: false,
    httpStatus: 400,
    summary: 'An API key has the wrong format.',
  },
  secret_unresolved: {
    recoverable: false,
    httpStatus: 500,
    summary: 'A secret reference could not be resolved.',
  },
  compliance_failed: {
    recoverable: false,
    httpStatus: 400,
    summary: 'The configuration fails a compliance baseline.',
  },
  config_load_failed: {
    recoverable: false,
    httpStatus: 500,
    summary: 'A configuration file could not be loaded.',
  },
  // Plug-ins
  plugin_missing: {
    recoverable: false,
    httpStatus: 500,
    summary: 'A required plug-in is not installed.',
  },
  plugin_duplicate: {
    recoverable: false,
    httpStatus: 500,
    summary: 'A plug-in is installed twice.',
  },
  plugin_incompatible: {
    recoverable: false,
    httpStatus: 500,
    summary: 'A plug-in does not fit the installed core.',
  },
  plugin_setup_failed: {
    recoverable: false,
    httpStatus: 500,
    summary: 'A plug-in failed while setting up.',
  },
  // Versioning
  schema_version_missing: {
    recoverable: false,
    httpStatus: 400,
    summary: 'A document carries no schema version.',
  },
  schema_version_unsupported: {
    recoverable: false,
    httpStatus: 400,
    summary: 'A document is newer than this code.',
  },
  migration_required: {
    recoverable: false,
    httpStatus: 409,
    summary: 'A document must be migrated first.',
  },
  migration_not_found: {
    recoverable: false,
    httpStatus: 500,
    summary: 'No registered migration path exists.',
  },
  migration_not_allowed: {
    recoverable: false,
    httpStatus: 409,
    summary: 'The compatibility matrix forbids a jump.',
  },
  migration_failed: { recoverable: false, httpStatus: 500, summary: 'A migration step threw.' },
  rollback_unavailable: {
    recoverable: false,
    httpStatus: 409,
    summary: 'A migration cannot be rolled back.',
  },
  // Runtime
  invalid_transition: {
    recoverable: false,
    httpStatus: 409,
    summary: 'A state machine refused an event.',
  },
  aborted: { recoverable: false, httpStatus: 499, summary: 'The operation was aborted.' },
  limit_exceeded: { recoverable: true, httpStatus: 429, summary: 'A resource limit was reached.' },
  permission_denied: {
    recoverable: false,
    httpStatus: 403,
    summary: 'The caller lacks a permission.',
  },
  approval_required: {
    recoverable: false,
    httpStatus: 403,
    summary: 'The action needs a person to approve it, and no approval was given.',
  },
  queue_full: {
    recoverable: true,
    httpStatus: 429,
    summary: 'A bounded wait queue is full; retry later.',
  },
  not_found: {
    recoverable: false,
    httpStatus: 404,
    summary: 'The thing asked for does not exist.',
  },
  conflict: {
    recoverable: true,
    httpStatus: 409,
    summary: 'A concurrent write won; reload and retry.',
  },
  lease_lost: {
    recoverable: true,
    httpStatus: 409,
    summary: 'Another process took over the work this lease guarded.',
  },
  offset_gone: {
    recoverable: true,
    httpStatus: 410,
    summary:
      'An offset fell out of retention or belongs to an earlier epoch of the log; rebuild from a snapshot.',
  },
  unauthenticated: {
    recoverable: false,
    httpStatus: 401,
    summary: 'The caller presented no credential, or an expired or forged one.',
  },
  data_corrupted: {
    recoverable: false,
    httpStatus: 500,
    summary: 'Stored data failed its integrity check.',
  },
  internal: {
    recoverable: false,
    httpStatus: 500,
    summary: 'An unexpected failure inside Agentry.',
  },
  // Data protection
  envelope_invalid: {
    recoverable: false,
    httpStatus: 400,
    summary:
      'An encrypted value is malformed, or names a format version, algorithm, nonce or tag length that is not allowed.',
  },
  decryption_failed: {
    recoverable: false,
    httpStatus: 500,
    summary:
      'An encrypted value failed authentication: it was altered, or it belongs to another record, field or tenant.',
  },
  key_not_found: {
    recoverable: false,
    httpStatus: 500,
    summary: 'No key with the id an encrypted value names is available.',
  },
  key_retired: {
    recoverable: false,
    httpStatus: 500,
    summary: 'The key an encrypted value names was retired; its data can no longer be read.',
  },
  key_invalid: {
    recoverable: false,
    httpStatus: 500,
    summary: 'A key has the wrong length or form for its algorithm.',
  },
  audit_tampered: {
    recoverable: false,
    httpStatus: 500,
    summary:
      'An audit log failed verification: an entry was edited, deleted, reordered, inserted, or the tail truncated.',
  },
  audit_unavailable: {
    recoverable: true,
    httpStatus: 503,
    summary: 'The audit log could not record an entry, so the action it guards did not run.',
  },
  insecure_transport: {
    recoverable: false,
    httpStatus: 400,
    summary: 'An endpoint uses plain http:// or ws:// while encryption in transit is required.',
  },

  // Providers (shared by every provider plug-in)
  rate_limited: {
    recoverable: true,
    httpStatus: 429,
    summary:
      "A rate limit was reached (the provider's, or one Agentry enforces); retry after retryAfterMs.",
  },
  auth_failed: {
    recoverable: false,
    httpStatus: 401,
    summary: 'The provider refused the credentials.',
  },
  invalid_request: {
    recoverable: false,
    httpStatus: 400,
    summary: 'The provider refused the request.',
  },
  context_length_exceeded: {
    recoverable: false,
    httpStatus: 400,
    summary: 'The input is too long for the model.',
  },
  content_filtered: {
    recoverable: false,
    httpStatus: 422,
    summary: 'The provider filtered the content.',
  },
  provider_unavailable: {
    recoverable: true,
    httpStatus: 503,
    summary: 'The provider is down or overloaded.',
  },
  timeout: { recoverable: true, httpStatus: 504, summary: 'The operation took too long.' },
  network: { recoverable: true, httpStatus: 502, summary: 'The connection failed.' },
} as const satisfies Record<string, ErrorCodeInfo>;

/**
 * Every Agentry error code: a key of {@link errorCodes}.
 *
 * @example
 * ```ts
 * import { AgentryError, type Agent, type ErrorCode } from '@agentry/core';
 *
 * declare const agent: Agent;
 * // Branch on the stable code, never on the message.
 * const retryLater: readonly ErrorCode[] = ['rate_limited', 'provider_unavailable', 'timeout'];
 * try {
 *   await agent.send('Hello');
 * } catch (error) {
 *   if (error instanceof AgentryError && retryLater.includes(error.code)) console.warn('Try again shortly.');
 *   else throw error;
 * }
 * ```
 */
export type ErrorCode = keyof typeof errorCodeTable;

/**
 * The one table of Agentry error codes. Each row holds whether an error with that code is worth
 * retrying by default and the HTTP status a server (such as the realtime transport) answers with.
 *
 * @example
 * ```ts
 * import { errorCodes } from '@agentry/core';
 * errorCodes.rate_limited.recoverable; // true
 * ```
 */
export const errorCodes: Readonly<Record<ErrorCode, ErrorCodeInfo>> = errorCodeTable;

/**
 * One row of {@link errorCodes}.
 *
 * @example
 * ```ts
 * import { errorCodes, type ErrorCodeInfo } from '@agentry/core';
 *
 * // Whether an error of a code can succeed when retried, without an error at hand.
 * const info: ErrorCodeInfo = errorCodes.rate_limited;
 * console.log(info.recoverable); // true
 * ```
 */
export interface ErrorCodeInfo {
  /** Whether an error with this code is worth retrying unless the thrower says otherwise. */
  readonly recoverable: boolean;
  /** The HTTP status a server answers with for this code. */
  readonly httpStatus: number;
  /** One line saying what the code means. */
  readonly summary: string;
}

/**
 * Tells whether a string is a known {@link ErrorCode}.
 *
 * @example
 * ```ts
 * isErrorCode('rate_limited'); // true
 * ```
 */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCodes, value);
}
