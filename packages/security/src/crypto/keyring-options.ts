import { randomBytes } from 'node:crypto';
import { AgentryError, type StateStore } from '@agentry/core';
import { envelopeAlgorithms, type EnvelopeAlgorithm } from './envelope.js';
import type { KeyProvider } from './key-provider.js';
import type { KeyringEvent } from './keyring-types.js';

/**
 * The default invocation limit for the 96-bit-nonce ciphers (AES-256-GCM, ChaCha20-Poly1305):
 * 2^31, half the 2^32 ceiling NIST SP 800-38D §8.3 sets for random 96-bit IVs under one key. With
 * random nonces the chance of any repeat after n seals is about n²/2^97: 2^-35 at 2^31, against
 * 2^-33 at the ceiling. Reserved-but-unused counts (crashes, restarts) count as used, so the real
 * number of seals is lower still.
 */
export const DEFAULT_MAX_INVOCATIONS = 2 ** 31;

/** The ceiling NIST SP 800-38D §8.3 allows for random 96-bit nonces; higher limits are refused. */
const NONCE_96_CEILING = 2 ** 32;

/**
 * Options of `createKeyring`.
 *
 * @example
 * ```ts
 * import { memoryKeyProvider, type KeyringOptions } from '@agentry/security';
 *
 * const options: KeyringOptions = {
 *   algorithm: 'AES-256-GCM',
 *   provider: memoryKeyProvider(),
 *   rotation: { everyMs: 7 * 24 * 3600 * 1000, maxInvocations: 2 ** 30 },
 * };
 * console.log(options.algorithm);
 * ```
 */
export interface KeyringOptions {
  /** The algorithm of new keys. When the active key is of another one, the keyring rotates. */
  readonly algorithm: EnvelopeAlgorithm;
  /** Where key material comes from; see {@link KeyProvider}. */
  readonly provider: KeyProvider;
  /**
   * Where key ids, statuses and invocation counters persist, under `keyring:<name>`; processes
   * sharing it share the keyring. Defaults to an in-memory store (nothing survives a restart).
   */
  readonly store?: StateStore;
  /** The keyring's name in the store: 1 to 64 characters of `A-Z a-z 0-9 . _ -` (default `default`). */
  readonly name?: string;
  /**
   * The key to start with when the store holds no keyring yet, loaded from the provider (for
   * providers of pre-provisioned keys). Left out, the first key is created with `provider.create`.
   */
  readonly initialKeyId?: string;
  /** When the active key is replaced. */
  readonly rotation?: {
    /** Rotate a key this many milliseconds after it was created (on a timer, and at seal). */
    readonly everyMs?: number;
    /**
     * Rotate after this many seals. Default {@link DEFAULT_MAX_INVOCATIONS} (2^31) for
     * AES-256-GCM and ChaCha20-Poly1305, at most 2^32; no limit for XChaCha20-Poly1305.
     */
    readonly maxInvocations?: number;
  };
  /**
   * How many invocations a process reserves per store write (default 1,000): the store is written
   * once per block, not per seal, and a crash leaves at most one block counted but unused.
   */
  readonly counterBlock?: number;
  /**
   * How stale this process's view of the keyring may be, in milliseconds (default 1,000): another
   * process's rotation or retirement is seen within it. A key is retirable `2 × refreshMs` after
   * it stopped being active, so give every process sharing a store the same value.
   */
  readonly refreshMs?: number;
  /** Receives key life-cycle events (ids only); a throwing listener is ignored. */
  readonly onEvent?: (event: KeyringEvent) => void;
  /** The clock, in milliseconds since the epoch (default `Date.now`); for tests. */
  readonly now?: () => number;
  /** Generates new key ids (default `k-<time base36>-<16 hex digits>`); for tests. */
  readonly generateKeyId?: () => string;
}

/** @internal */
export interface ResolvedKeyringOptions {
  readonly algorithm: EnvelopeAlgorithm;
  readonly provider: KeyProvider;
  readonly name: string;
  readonly initialKeyId?: string;
  readonly everyMs?: number;
  readonly maxInvocations: number;
  readonly counterBlock: number;
  readonly refreshMs: number;
  readonly now: () => number;
  readonly generateKeyId: () => string;
}

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

function invalid(path: string, message: string, suggestion: string): AgentryError {
  return new AgentryError({
    code: 'validation_failed',
    message,
    details: { path },
    suggestions: [suggestion],
  });
}

function positiveInteger(value: unknown, path: string, max: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw invalid(
      path,
      `${path} must be an integer from 1 to ${max}.`,
      `Pass a whole number within 1 to ${max}.`,
    );
  }
}

/**
 * Checks {@link KeyringOptions} and fills in the defaults.
 *
 * @internal
 * @throws AgentryError `validation_failed` naming the option
 */
export function resolveKeyringOptions(options: KeyringOptions): ResolvedKeyringOptions {
  const { algorithm, provider } = options;
  if (!envelopeAlgorithms.includes(algorithm)) {
    throw invalid(
      'algorithm',
      `Keyring algorithm "${String(algorithm)}" is not allowed.`,
      `Use one of: ${envelopeAlgorithms.join(', ')}.`,
    );
  }
  if (typeof provider?.load !== 'function') {
    throw invalid(
      'provider',
      'A keyring needs a key provider with load().',
      'Pass fileKeyProvider(), environmentKeyProvider() or your KMS provider.',
    );
  }
  const name = options.name ?? 'default';
  if (!NAME.test(name)) {
    throw invalid(
      'name',
      'A keyring name must be 1 to 64 characters of A-Z a-z 0-9 . _ -.',
      'Name it like `tenant-data`.',
    );
  }
  if (options.initialKeyId !== undefined && !NAME.test(options.initialKeyId)) {
    throw invalid(
      'initialKeyId',
      'A key id must be 1 to 64 characters of A-Z a-z 0-9 . _ -.',
      'Name keys like `k-2026-12`.',
    );
  }
  const nonce96 = algorithm !== 'XChaCha20-Poly1305';
  const maxInvocations =
    options.rotation?.maxInvocations ??
    (nonce96 ? DEFAULT_MAX_INVOCATIONS : Number.MAX_SAFE_INTEGER);
  positiveInteger(
    maxInvocations,
    'rotation.maxInvocations',
    nonce96 ? NONCE_96_CEILING : Number.MAX_SAFE_INTEGER,
  );
  if (options.rotation?.everyMs !== undefined)
    positiveInteger(options.rotation.everyMs, 'rotation.everyMs', Number.MAX_SAFE_INTEGER);
  if (options.rotation?.everyMs !== undefined && typeof provider.create !== 'function') {
    throw invalid(
      'rotation.everyMs',
      `Scheduled rotation needs a key provider that can create keys; "${provider.name}" cannot.`,
      'Use a provider with create() (file, KMS), or rotate by provisioning a new key and restarting with it as initialKeyId.',
    );
  }
  const counterBlock = options.counterBlock ?? 1000;
  positiveInteger(counterBlock, 'counterBlock', 1_000_000);
  const refreshMs = options.refreshMs ?? 1000;
  positiveInteger(refreshMs, 'refreshMs', 3_600_000);
  const now = options.now ?? Date.now;
  return {
    algorithm,
    provider,
    name,
    ...(options.initialKeyId === undefined ? {} : { initialKeyId: options.initialKeyId }),
    ...(options.rotation?.everyMs === undefined ? {} : { everyMs: options.rotation.everyMs }),
    maxInvocations,
    counterBlock,
    refreshMs,
    now,
    generateKeyId: options.generateKeyId ?? (() => defaultKeyId(now())),
  };
}

/** A fresh key id: time-ordered, with 64 random bits so two processes never pick the same. @internal */
export function defaultKeyId(now: number): string {
  return `k-${now.toString(36)}-${randomBytes(8).toString('hex')}`;
}
