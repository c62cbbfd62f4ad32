import { AgentryError } from '@agentry/core';
import { decodeBase64Key, type KeyProvider } from './key-provider.js';

/**
 * Options of {@link environmentKeyProvider}.
 *
 * @example
 * ```ts
 * import type { EnvironmentKeyProviderOptions } from '@agentry/security';
 *
 * const options: EnvironmentKeyProviderOptions = { prefix: 'AGENTRY_KEY_' };
 * console.log(options.prefix);
 * ```
 */
export interface EnvironmentKeyProviderOptions {
  /**
   * Prepended to the key id to name the variable (default `AGENTRY_KEY_`). The id is upper-cased
   * and each `.` or `-` becomes `_`: key `k-2026.12` is read from `AGENTRY_KEY_K_2026_12`.
   */
  readonly prefix?: string;
  /** The variables to read; defaults to `process.env` (read at each `load`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The environment variable {@link environmentKeyProvider} reads key `keyId` from.
 *
 * @internal
 */
export function keyVariableName(prefix: string, keyId: string): string {
  return `${prefix}${keyId.toUpperCase().replace(/[.-]/g, '_')}`;
}

/**
 * A {@link KeyProvider} of pre-provisioned keys held in environment variables (or injected by a
 * secret manager into them), each a base64 string of 32 bytes. It cannot create keys, so a keyring
 * on it does not rotate: provision the next key, then start the keyring with it.
 *
 * @throws AgentryError from `load`: `secret_unresolved` naming the variable when it is unset or
 *   empty; `key_invalid` naming the variable when it is not 32 bytes of base64. Neither error
 *   carries the value.
 *
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * import { environmentKeyProvider } from '@agentry/security';
 *
 * const env = { AGENTRY_KEY_K1: randomBytes(32).toString('base64') };
 * const provider = environmentKeyProvider({ prefix: 'AGENTRY_KEY_', env });
 * console.log((await provider.load('k1')).length); // 32
 * ```
 */
export function environmentKeyProvider(options: EnvironmentKeyProviderOptions = {}): KeyProvider {
  const prefix = options.prefix ?? 'AGENTRY_KEY_';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix)) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `The environment key prefix "${prefix.slice(0, 64)}" is not a variable name prefix.`,
      details: { path: 'prefix' },
      suggestions: ['Use letters, digits and `_`, such as `AGENTRY_KEY_`.'],
    });
  }
  function read(keyId: string): Uint8Array {
    const variable = keyVariableName(prefix, keyId);
    const value = (options.env ?? process.env)[variable];
    if (value === undefined || value.trim() === '') {
      throw new AgentryError({
        code: 'secret_unresolved',
        message: `Key "${keyId}" is not available: environment variable ${variable} is not set.`,
        details: { keyId, variable },
        suggestions: [
          `Set ${variable} to a base64 string of 32 random bytes.`,
          'Keep every key an envelope may name in the environment until its data is re-encrypted.',
        ],
      });
    }
    return decodeBase64Key(value, keyId, `environment variable ${variable}`);
  }
  return {
    name: 'environment',
    load: (keyId) => Promise.resolve(keyId).then(read),
  };
}
