import { createHash, randomBytes } from 'node:crypto';
import { AgentryError, type AuditEntry, type StateStore } from '@agentry/core';
import { openEnvelope, sealEnvelope, type DataKey } from '../crypto/envelope.js';
import type { SealedFields, StoredAuditRecord } from './audit-record.js';
import { canonicalJson } from './canonical-json.js';

/**
 * How an audit log keeps personal data erasable (crypto-shredding): the fields of an entry that
 * names a data subject are sealed under that subject's own 32-byte key, kept in `keys`; erasing
 * the subject deletes the key, and the sealed fields can never be read again, while the chain,
 * which covers the sealed form, still verifies.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from '@agentry/core';
 * import type { AuditPersonalData } from '@agentry/security';
 *
 * const personalData: AuditPersonalData = {
 *   keys: createMemoryStore(), // in production, a store apart from the log's, backed up apart
 *   subjectOf: (entry) => (entry.category === 'data' ? entry.subject : undefined),
 * };
 * console.log(personalData.fields ?? ['actor', 'details']);
 * ```
 */
export interface AuditPersonalData {
  /**
   * Where the per-subject keys live (`audit-key:<log>:<key id>` and
   * `audit-subject:<log>:<SHA-256 of the subject id>`). Keep it apart from the log's store: a
   * backup of the log must not carry the keys.
   */
  readonly keys: StateStore;
  /** The data subject an entry is about (a user id), or `undefined` when it names none. */
  readonly subjectOf: (entry: AuditEntry) => string | undefined;
  /**
   * The fields sealed when an entry names a subject (default `['actor', 'details']`). Add
   * `'subject'` when the subject field itself is the person's identifier.
   */
  readonly fields?: readonly ('actor' | 'subject' | 'details')[];
}

/** What a sealed field reads as once its subject was erased. */
export const erasedMarker = '[erased]';

const KEY_CACHE_LIMIT = 1000;
const sealable = new Set(['actor', 'subject', 'details']);

function keyStoreError(error: unknown): AgentryError {
  return new AgentryError({
    code: 'audit_unavailable',
    message: 'The audit log could not read or write a data subject key.',
    details: { cause: AgentryError.isInstance(error) ? error.code : 'error' },
    suggestions: ['Check that the personal-data key store is reachable, then retry.'],
    cause: error,
  });
}

/**
 * The subject keys of one log, and sealing and opening of entries with them.
 *
 * @internal
 */
export class SubjectKeys {
  readonly #keys: StateStore;
  readonly #log: string;
  readonly #fields: readonly ('actor' | 'subject' | 'details')[];
  readonly subjectOf: (entry: AuditEntry) => string | undefined;
  /** Subject id hash → key, for sealing; an erasure in this process removes its entry. */
  readonly #cache = new Map<string, DataKey>();

  constructor(log: string, options: AuditPersonalData) {
    this.#keys = options.keys;
    this.#log = log;
    this.subjectOf = options.subjectOf;
    this.#fields = options.fields ?? ['actor', 'details'];
    if (this.#fields.some((field) => !sealable.has(field)))
      throw new AgentryError({
        code: 'validation_failed',
        message: 'personalData.fields may name actor, subject and details only.',
        details: { path: 'personalData.fields' },
        suggestions: ["Use ['actor', 'details'] (the default) or add 'subject'."],
      });
  }

  #subjectKey(subject: string): string {
    const digest = createHash('sha256').update(subject, 'utf8').digest('hex');
    return `audit-subject:${this.#log}:${digest}`;
  }

  #keyKey(keyId: string): string {
    return `audit-key:${this.#log}:${keyId}`;
  }

  /** The key of a key id, or `undefined` once erased. */
  async keyById(keyId: string): Promise<DataKey | undefined> {
    let stored;
    try {
      stored = await this.#keys.get(this.#keyKey(keyId));
    } catch (error) {
      throw keyStoreError(error);
    }
    const material = (stored?.data as { material?: unknown } | undefined)?.material;
    if (typeof material !== 'string') return undefined;
    return { id: keyId, algorithm: 'AES-256-GCM', material: Buffer.from(material, 'base64') };
  }

  /** The subject's key, created on first use. */
  async keyForSubject(subject: string): Promise<DataKey> {
    const mapKey = this.#subjectKey(subject);
    const cached = this.#cache.get(mapKey);
    if (cached !== undefined) return cached;
    try {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const mapped = await this.#keys.get(mapKey);
        const keyId = (mapped?.data as { keyId?: unknown } | undefined)?.keyId;
        if (typeof keyId === 'string') {
          const key = await this.keyById(keyId);
          if (key !== undefined) return this.#remember(mapKey, key);
          // Mapped to an erased key (an erasure in flight): map the subject afresh.
          await this.#keys.delete(mapKey, { expectedRevision: mapped!.revision }).catch(() => {});
          continue;
        }
        const key: DataKey = {
          id: randomBytes(12).toString('base64url'),
          algorithm: 'AES-256-GCM',
          material: randomBytes(32),
        };
        await this.#keys.put(
          this.#keyKey(key.id),
          {
            kind: 'audit-subject-key',
            schemaVersion: '1',
            data: { material: Buffer.from(key.material).toString('base64') },
          },
          { expectedRevision: null },
        );
        try {
          await this.#keys.put(
            mapKey,
            { kind: 'audit-subject', schemaVersion: '1', data: { keyId: key.id } },
            { expectedRevision: null },
          );
          return this.#remember(mapKey, key);
        } catch (error) {
          // Another writer mapped the subject first: use its key, drop ours.
          await this.#keys.delete(this.#keyKey(key.id)).catch(() => {});
          if (!AgentryError.isInstance(error) || error.code !== 'conflict') throw error;
        }
      }
    } catch (error) {
      throw keyStoreError(error);
    }
    throw keyStoreError(new Error('the subject key kept changing'));
  }

  #remember(mapKey: string, key: DataKey): DataKey {
    if (this.#cache.size >= KEY_CACHE_LIMIT) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(mapKey, key);
    return key;
  }

  /** Deletes the subject's key; returns its id, or `undefined` when the subject had none. */
  async erase(subject: string): Promise<string | undefined> {
    const mapKey = this.#subjectKey(subject);
    this.#cache.delete(mapKey);
    try {
      const mapped = await this.#keys.get(mapKey);
      const keyId = (mapped?.data as { keyId?: unknown } | undefined)?.keyId;
      if (typeof keyId !== 'string') return undefined;
      await this.#keys.delete(this.#keyKey(keyId));
      await this.#keys.delete(mapKey);
      return keyId;
    } catch (error) {
      throw keyStoreError(error);
    }
  }

  /** The fields of `record` to seal for `entry`, or none when it names no subject. */
  async seal(
    entry: AuditEntry,
    record: Omit<StoredAuditRecord, 'hash'>,
  ): Promise<Omit<StoredAuditRecord, 'hash'>> {
    const subject = this.subjectOf(entry);
    if (subject === undefined) return record;
    const fields = this.#fields.filter((field) => record[field] !== undefined);
    if (fields.length === 0) return record;
    const key = await this.keyForSubject(subject);
    const plain: Record<string, unknown> = {};
    const rest: Record<string, unknown> = { ...record };
    for (const field of fields) {
      plain[field] = record[field];
      delete rest[field];
    }
    const envelope = sealEnvelope(
      Buffer.from(canonicalJson(plain), 'utf8'),
      key,
      this.context(record.index),
    );
    const sealed: SealedFields = {
      keyId: key.id,
      fields,
      envelope: Buffer.from(envelope).toString('base64'),
    };
    return { ...(rest as Omit<StoredAuditRecord, 'hash'>), sealed };
  }

  /** The envelope context: the log and the entry's index, so an envelope cannot be moved. */
  context(index: number) {
    return { tenant: this.#log, key: `audit:${this.#log}:${index}`, field: 'personal' };
  }
}

/**
 * Opens the sealed fields of a record with `keyById` (cached per call by the caller), replacing
 * them with `[erased]` when the key is gone.
 *
 * @internal
 */
export function openSealed(
  record: StoredAuditRecord,
  key: DataKey | undefined,
  context: { tenant: string; key: string; field: string },
): { fields: Record<string, unknown>; erased: boolean } {
  const sealed = record.sealed!;
  if (key === undefined)
    return {
      fields: Object.fromEntries(sealed.fields.map((field) => [field, erasedMarker])),
      erased: true,
    };
  const plain = openEnvelope(Buffer.from(sealed.envelope, 'base64'), () => key, context);
  return {
    fields: JSON.parse(Buffer.from(plain).toString('utf8')) as Record<string, unknown>,
    erased: false,
  };
}
