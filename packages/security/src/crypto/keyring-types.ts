import type { EnvelopeAlgorithm, EnvelopeContext } from './envelope.js';

/**
 * A key's life-cycle status: `active` seals (exactly one key), `decrypt-only` opens what it sealed
 * before a rotation, `retired` opens nothing (its envelopes fail with `key_retired`).
 *
 * @example
 * ```ts
 * import type { KeyStatus } from '@agentry/security';
 *
 * const status: KeyStatus = 'decrypt-only';
 * console.log(status);
 * ```
 */
export type KeyStatus = 'active' | 'decrypt-only' | 'retired';

/**
 * What a keyring tells about one key: never its material.
 *
 * @example
 * ```ts
 * import { createKeyring, memoryKeyProvider, type KeyInfo } from '@agentry/security';
 *
 * const keyring = await createKeyring({ algorithm: 'AES-256-GCM', provider: memoryKeyProvider() });
 * const [first]: readonly KeyInfo[] = await keyring.keys();
 * console.log(first?.status, first?.invocations); // 'active' 0
 * await keyring.close();
 * ```
 */
export interface KeyInfo {
  /** The key id written in every envelope it seals. */
  readonly id: string;
  /** The algorithm the key is for. */
  readonly algorithm: EnvelopeAlgorithm;
  /** Where it is in its life cycle. */
  readonly status: KeyStatus;
  /** When it was created, as an ISO 8601 string. */
  readonly createdAt: string;
  /** When it was retired, as an ISO 8601 string. */
  readonly retiredAt?: string;
  /**
   * How many seals were counted against it: every invocation reserved by any process, minus what
   * this process has reserved and not used yet. An upper bound of its real uses (a crashed
   * process's unused reservation stays counted).
   */
  readonly invocations: number;
}

/**
 * A key life-cycle event of a keyring; it names key ids only, never material.
 *
 * - `key-rotated`: a new key became active (`previousKeyId` absent for the first key);
 *   `reason` is `initial`, `scheduled`, `invocation-limit`, `algorithm-changed` or the caller's.
 * - `key-retired`: a key was retired; its envelopes no longer open.
 * - `key-limit-reached`: the active key reached `rotation.maxInvocations` (a rotation follows).
 * - `key-rotation-error`: a scheduled rotation failed; it is retried at the next seal or tick.
 *
 * @example
 * ```ts
 * import { createKeyring, memoryKeyProvider, type KeyringEvent } from '@agentry/security';
 *
 * const seen: KeyringEvent[] = [];
 * const keyring = await createKeyring({
 *   algorithm: 'ChaCha20-Poly1305',
 *   provider: memoryKeyProvider(),
 *   onEvent: (event) => seen.push(event),
 * });
 * console.log(seen[0]?.type); // 'key-rotated'
 * await keyring.close();
 * ```
 */
export type KeyringEvent =
  | {
      /** A new key became active. */
      readonly type: 'key-rotated';
      /** When, ISO 8601. */
      readonly at: string;
      /** The new active key. */
      readonly keyId: string;
      /** The key it replaced (now decrypt-only); absent for the first key. */
      readonly previousKeyId?: string;
      /** Why: `schedule`, `invocation-limit`, `algorithm-change`, or the reason given. */
      readonly reason: string;
    }
  | {
      /** A decrypt-only key was retired: what it sealed no longer opens. */
      readonly type: 'key-retired';
      /** When, ISO 8601. */
      readonly at: string;
      /** The retired key. */
      readonly keyId: string;
    }
  | {
      /** The active key reached its invocation limit (it rotates next). */
      readonly type: 'key-limit-reached';
      /** When, ISO 8601. */
      readonly at: string;
      /** The key. */
      readonly keyId: string;
      /** Its counted uses (an upper bound: counts are reserved in blocks). */
      readonly invocations: number;
      /** The limit it reached. */
      readonly limit: number;
    }
  | {
      /** A due rotation failed; the key goes on sealing until it succeeds or the limit stops it. */
      readonly type: 'key-rotation-error';
      /** When, ISO 8601. */
      readonly at: string;
      /** The key that should have been replaced. */
      readonly keyId: string;
      /** The error code of the failure. */
      readonly code: string;
    };

/**
 * Data-encryption keys with a life cycle: one active key seals, older keys open what they sealed
 * until retired, and the active key rotates on a schedule, after a number of uses, or on demand.
 * Key ids, statuses and counters live in a state store (shared by every process using the same
 * store and name); key material lives only in the `KeyProvider` and this process's memory.
 *
 * @example
 * ```ts
 * import { createKeyring, memoryKeyProvider } from '@agentry/security';
 *
 * const keyring = await createKeyring({ algorithm: 'AES-256-GCM', provider: memoryKeyProvider() });
 * const context = { tenant: 'acme', key: 'notes:1', field: 'data' };
 * const sealed = await keyring.seal(new TextEncoder().encode('secret'), context);
 * const old = await keyring.activeKeyId();
 * await keyring.rotate('quarterly');
 * console.log(new TextDecoder().decode(await keyring.open(sealed, context))); // still opens
 * await keyring.retire(old); // now `open(sealed)` fails with key_retired
 * await keyring.close();
 * ```
 */
export interface Keyring {
  /** The algorithm new keys are created for. */
  readonly algorithm: EnvelopeAlgorithm;
  /**
   * Seals `plaintext` under the active key (see `sealEnvelope`), counting the invocation; rotates
   * first when the active key is due (schedule, invocation limit, algorithm change).
   *
   * @throws AgentryError `validation_failed` for a context without `key`; `invalid_transition`
   *   after `close()` or when a due rotation needs a provider that cannot create keys; what the
   *   store or provider rejects with
   */
  seal(plaintext: Uint8Array, context: EnvelopeContext): Promise<Uint8Array>;
  /**
   * Opens an envelope sealed by any key of this keyring that is not retired.
   *
   * @throws AgentryError `key_not_found` when the keyring has no key by the envelope's id;
   *   `key_retired` when that key is retired; `envelope_invalid` / `decryption_failed` as
   *   `openEnvelope` does
   */
  open(envelope: Uint8Array, context: EnvelopeContext): Promise<Uint8Array>;
  /** The id of the key that seals now (as of the last read, at most `refreshMs` old). */
  activeKeyId(): Promise<string>;
  /**
   * Creates a new active key; the previous one becomes decrypt-only.
   *
   * @throws AgentryError `invalid_transition` when the provider cannot create keys
   */
  rotate(reason?: string): Promise<KeyInfo>;
  /**
   * Retires a decrypt-only key: its envelopes no longer open (`key_retired`). Re-encrypt its data
   * first (find it with `readEnvelopeHeader`).
   *
   * @throws AgentryError `key_not_found` for an unknown id; `invalid_transition` for the active
   *   key, or one deactivated less than two `refreshMs` ago (other processes may still seal with it)
   */
  retire(keyId: string): Promise<void>;
  /** Every key, oldest first, without material. */
  keys(): Promise<readonly KeyInfo[]>;
  /** Stops the rotation timer and wipes cached key material; later calls reject. */
  close(): Promise<void>;
}
