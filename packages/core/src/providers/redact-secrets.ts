import { maskSecret } from '../config/mask-secrets.js';
import { isSecretName } from './is-secret-name.js';
import { maskKnownSecrets } from './known-secrets.js';
import { sanitizeUrlsInText } from './sanitize-url.js';

// Credentials vendors are known to echo in error text: OpenAI and Anthropic keys (`sk-…`), Google
// API keys (`AIza…`) and OAuth2 access tokens (`ya29.…`), bearer tokens and JWTs. Only the last
// four characters survive, as `maskSecret` shows them.
const secretPattern =
  /\bsk-[A-Za-z0-9_-]{8,}|\bAIza[A-Za-z0-9_-]{20,}|\bya29\.[A-Za-z0-9._-]{8,}|\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*|(?<=\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/g;
// Credentials inside URLs, as fetch's errors quote them (`https://user:password@host/`,
// `?key=…`, `client_secret=…`), go by the one rule of `sanitizeUrlsInText`.
// Header and field names that carry a credential go by the one rule of `isSecretName`.
// How deep a cause chain and the objects inside it are copied; past that, values are dropped.
const maxDepth = 8;

/**
 * Masks anything in `text` that looks like a credential, so that a vendor's error message can go
 * into an `AgentryError` without leaking the key that was sent: every credential value the process
 * sends (see `rememberSecret`), whatever its format, and anything shaped like a vendor key or token
 * keep their last four characters (`****abcd`); the user information of a URL and its query
 * parameters named like credentials are removed (see `sanitizeUrlsInText`). The one rule for text
 * that leaves the process: provider errors and log lines (`@agentry/monitoring`) both use it.
 *
 * @example
 * ```ts
 * import { redactSecrets } from '@agentry/core';
 *
 * const key = ['sk', 'live', '0123456789abcdef'].join('-');
 * redactSecrets(`Incorrect API key provided: ${key}`); // 'Incorrect API key provided: ****cdef'
 * ```
 */
export function redactSecrets(text: string): string {
  return sanitizeUrlsInText(maskKnownSecrets(text)).replace(secretPattern, (secret) =>
    maskSecret(secret),
  );
}

/**
 * A copy of an error (or anything thrown) that a logger may print whole: the message, the stack
 * and every string inside pass through {@link redactSecrets}; fields and headers whose name says
 * they hold a credential are masked; the cause chain (and an `AggregateError`'s `errors`) is
 * copied the same way. The copy is an `Error` with the original's `name` and own fields (such as
 * `status`, `code`, `requestID`, the error body and the response headers, as a `Headers`), so it
 * keeps what helps a person debug; it is not an instance of the SDK's class. Anything that is not
 * an object is returned as it is, strings redacted. Plain objects and arrays are copied the same
 * way (fields named like credentials masked, every string redacted), so a log record can pass
 * through it too; past a depth of 8 values are dropped rather than copied unredacted.
 *
 * @example
 * ```ts
 * import { redactError } from '@agentry/core';
 *
 * const token = ['tok', '0123456789abcdef'].join('-');
 * const safe = redactError({ tool: 'lookup', arguments: { query: 'orders', authorization: token } });
 * console.log(JSON.stringify(safe)); // {"tool":"lookup","arguments":{"query":"orders","authorization":"****cdef"}}
 * ```
 */
export function redactError(value: unknown): unknown {
  try {
    return redactValue(value, maxDepth, new Map());
  } catch {
    // A getter that throws (an exotic error object) must not turn one failure into another: the
    // copy then keeps only what can be read safely.
    return new Error(`${describe(value, 'name')}: ${describe(value, 'message')}`);
  }
}

function describe(value: unknown, field: 'name' | 'message'): string {
  try {
    const text = (value as Record<string, unknown> | null)?.[field];
    return typeof text === 'string' ? redactSecrets(text) : 'unknown';
  } catch {
    return 'unknown';
  }
}

function redactValue(value: unknown, depth: number, copies: Map<object, unknown>): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (typeof value !== 'object' || value === null) return value;
  const seen = copies.get(value);
  if (seen !== undefined) return seen;
  if (depth === 0) return undefined;
  if (value instanceof Error) return redactErrorObject(value, depth, copies);
  if (isHeaders(value)) {
    const headers = new Headers();
    value.forEach((headerValue, name) => {
      headers.append(
        name,
        isSecretName(name) ? maskSecret(headerValue) : redactSecrets(headerValue),
      );
    });
    copies.set(value, headers);
    return headers;
  }
  if (Array.isArray(value)) {
    const array: unknown[] = [];
    copies.set(value, array);
    for (const item of value) array.push(redactValue(item, depth - 1, copies));
    return array;
  }
  const record: Record<string, unknown> = {};
  copies.set(value, record);
  for (const [name, field] of Object.entries(value)) {
    record[name] = redactField(name, field, depth, copies);
  }
  return record;
}

function redactField(
  name: string,
  field: unknown,
  depth: number,
  copies: Map<object, unknown>,
): unknown {
  if (typeof field === 'string' && isSecretName(name)) return maskSecret(field);
  return redactValue(field, depth - 1, copies);
}

function redactErrorObject(error: Error, depth: number, copies: Map<object, unknown>): Error {
  const copy = new Error(redactSecrets(String(error.message)));
  copies.set(error, copy);
  Object.defineProperty(copy, 'name', {
    value: String(error.name),
    writable: true,
    configurable: true,
    enumerable: false,
  });
  Object.defineProperty(copy, 'stack', {
    value: typeof error.stack === 'string' ? redactSecrets(error.stack) : undefined,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  for (const [name, field] of Object.entries(error)) {
    if (name === 'cause' || name === 'errors') continue;
    (copy as unknown as Record<string, unknown>)[name] = redactField(name, field, depth, copies);
  }
  if ('cause' in error && error.cause !== undefined) {
    Object.defineProperty(copy, 'cause', {
      value: redactValue(error.cause, depth - 1, copies),
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  const errors = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors)) {
    Object.defineProperty(copy, 'errors', {
      value: redactValue(errors, depth - 1, copies),
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  return copy;
}

function isHeaders(value: object): value is Headers {
  // Duck-typed, so that the `Headers` of another fetch implementation (undici's) counts.
  return (
    typeof (value as { get?: unknown }).get === 'function' &&
    typeof (value as { forEach?: unknown }).forEach === 'function' &&
    typeof (value as { has?: unknown }).has === 'function'
  );
}
