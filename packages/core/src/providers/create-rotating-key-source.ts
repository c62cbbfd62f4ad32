import { AgentryError } from '../errors/agentry-error.js';
import type { Clock } from '../resilience/clock.js';
import type { ApiKeyRotationConfig } from '../schemas/api-key-rotation-config.js';
import type { Credential, CredentialSource } from './credential-source.js';
import { waitFor } from './wait-for.js';
import { rememberSecret } from './known-secrets.js';

const HOUR = 3_600_000;

/** What {@link createRotatingKeySource} needs. @internal */
export interface RotatingKeySourceOptions {
  /** The rotation settings; `rotationInterval` and `maxAge` are in hours. */
  rotation: ApiKeyRotationConfig;
  /** Reads the current key. */
  readKey: () => string | Promise<string>;
  /** The source of time. */
  clock: Clock;
  /**
   * Whether `readKey` can give a key other than the configured one, so that a refused key is
   * worth reading again (false when no reader was given).
   */
  canReplace: boolean;
}

/**
 * An API-key source that re-reads the key every `rotationInterval` hours and refuses a key that
 * has been in use for more than `maxAge` hours. See `createCredentialSource`.
 *
 * @internal
 */
export function createRotatingKeySource(options: RotatingKeySourceOptions): CredentialSource {
  const { rotation, readKey, clock, canReplace } = options;
  const intervalMs = rotation.rotationInterval * HOUR;
  const maxAgeMs = rotation.maxAge * HOUR;
  const firstSeen = new Map<string, number>();
  let current: Credential | undefined;
  let readAt = 0;
  let reading: Promise<void> | undefined;
  let readFailure: unknown;
  let hasReadFailure = false;
  /** The key the provider refused, which a failed read must not fall back on. */
  let refused: string | undefined;

  const onKey = (key: unknown): void => {
    if (typeof key !== 'string' || key === '') {
      throw new AgentryError({
        code: 'auth_failed',
        message: `The API key reader returned ${key === '' ? 'an empty string' : typeof key} instead of a key.`,
        details: { received: key === '' ? 'empty string' : typeof key },
        suggestions: ['Make readKey return the current API key as a non-empty string.'],
      });
    }
    const now = clock.now();
    if (!firstSeen.has(key)) firstSeen.set(key, now);
    if (current?.value !== key) {
      rememberSecret(key);
      current = Object.freeze({ scheme: 'api_key', value: key });
    }
    hasReadFailure = false;
    readFailure = undefined;
  };

  const read = (): Promise<void> => {
    if (reading !== undefined) return reading;
    const startedAt = clock.now();
    reading = Promise.resolve()
      .then(readKey)
      .then(onKey)
      .then(
        () => {
          readAt = startedAt;
        },
        (error: unknown) => {
          // Without any key there is nothing to fall back on: fail this read and try again on
          // the next call rather than after a whole interval.
          if (current === undefined) throw toReadError(error, false);
          if (current.value === refused) throw toReadError(error, true);
          readAt = startedAt;
          hasReadFailure = true;
          readFailure = error;
        },
      )
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };

  // Only called once a read has produced a key.
  const tooOld = (now: number): AgentryError | undefined => {
    const age = now - (firstSeen.get((current as Credential).value) ?? now);
    return age > maxAgeMs
      ? tooOldError(age, rotation.maxAge, hasReadFailure, readFailure)
      : undefined;
  };

  return {
    get(requestOptions) {
      const now = clock.now();
      if (current !== undefined && now - readAt < intervalMs) {
        const refusal = tooOld(now);
        return refusal === undefined ? Promise.resolve(current) : Promise.reject(refusal);
      }
      return waitFor(read(), requestOptions?.signal, 'Reading the API key').then(() => {
        const refusal = tooOld(clock.now());
        if (refusal !== undefined) throw refusal;
        return current as Credential;
      });
    },
    invalidate(credential) {
      if (!canReplace) return false;
      if (current !== undefined && current.value === credential.value) {
        refused = credential.value;
        // The next get reads at once, whatever the interval says.
        readAt = Number.NEGATIVE_INFINITY;
      }
      return true;
    },
  };
}

function toReadError(error: unknown, keyRefused: boolean): AgentryError {
  if (AgentryError.isInstance(error)) return error;
  return new AgentryError({
    code: 'auth_failed',
    message: keyRefused
      ? "Reading the API key failed after the provider refused the key in use, so the call cannot be authenticated; the reader's error is the cause."
      : "Reading the API key failed and no earlier key is known, so the call cannot be authenticated; the reader's error is the cause.",
    details: keyRefused ? { keyRefused } : {},
    suggestions: keyRefused
      ? [
          'Store a valid key where readKey reads it, and check that readKey can reach the key store.',
        ]
      : ['Check that readKey can reach the key store, then retry.'],
    cause: error,
  });
}

function tooOldError(
  ageMs: number,
  maxAge: number,
  hasReadFailure: boolean,
  readFailure: unknown,
): AgentryError {
  const ageHours = Math.floor((ageMs / HOUR) * 10) / 10;
  const why = hasReadFailure
    ? 'and reading a newer key failed'
    : 'and the key source still returns it';
  return new AgentryError({
    code: 'auth_failed',
    recoverable: false,
    message: `The API key in use is older than apiKeyRotation.maxAge (${maxAge} hours): it was first seen ${ageHours} hours ago, ${why}. Rotate the key.`,
    details: { maxAgeHours: maxAge, ageHours, readFailed: hasReadFailure },
    suggestions: [
      'Rotate the API key: issue a new key at the provider and store it where readKey reads it.',
      ...(hasReadFailure ? ['Check that readKey can reach the key store.'] : []),
      'Raise apiKeyRotation.maxAge if keys are meant to live longer.',
    ],
    cause: hasReadFailure ? readFailure : undefined,
  });
}
