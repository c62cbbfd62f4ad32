import type { AuditEntry, AuditSink, StateStore } from '@agentry/core';
import type { AuditCheckpoint } from './checkpoint.js';
import type { CheckpointSigner } from './checkpoint-signer.js';
import type { InclusionProof } from './inclusion-proof.js';
import type { AuditPersonalData } from './personal-data.js';
import type { AuditVerification } from './verify-audit-log.js';

/**
 * Options of `createAuditLog`.
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from 'node:crypto';
 * import { createMemoryStore } from '@agentry/core';
 * import { createCheckpointSigner, type AuditLogOptions } from '@agentry/security';
 *
 * const { privateKey } = generateKeyPairSync('ed25519');
 * const options: AuditLogOptions = {
 *   store: createMemoryStore(),
 *   signer: createCheckpointSigner({ name: 'example.com/audit', privateKey }),
 *   checkpoint: { everyEntries: 1000, everyMs: 5000 },
 * };
 * console.log(options.name ?? 'audit');
 * ```
 */
export interface AuditLogOptions {
  /** Where the log lives (a durable store: SQLite, Postgres). */
  readonly store: StateStore;
  /** The log's name, its key prefix `audit:<name>:` (default `audit`): 1 to 64 of `A-Z a-z 0-9 . _ -`. */
  readonly name?: string;
  /** Signs checkpoints. Keep its private key out of the store. */
  readonly signer: CheckpointSigner;
  /** The origin line of checkpoints (default the signer's name, as C2SP recommends). */
  readonly origin?: string;
  /**
   * When to sign a checkpoint: at every multiple of `everyEntries` entries (default 1,000), and
   * every `everyMs` milliseconds when entries were added since the last one (default 5,000; 0
   * turns the timer off). `close()` signs one for the entries after the last.
   */
  readonly checkpoint?: {
    /** Entries between two checkpoints at most (default 1,000). */
    readonly everyEntries?: number;
    /** Milliseconds between two checkpoints at most, when entries were appended (default 5,000). */
    readonly everyMs?: number;
  };
  /** Seals the personal data of entries that name a data subject, for erasure (see {@link AuditPersonalData}). */
  readonly personalData?: AuditPersonalData;
  /** The most entries one store write carries (default 500). */
  readonly maxBatch?: number;
}

/**
 * The end of the log: how many entries it holds, the last chain hash, and the RFC 6962 root.
 *
 * @example
 * ```ts
 * import type { AuditHead } from '@agentry/security';
 *
 * declare const head: AuditHead;
 * console.log(`${head.size} entries, last hash ${head.hash}`);
 * ```
 */
export interface AuditHead {
  /** Entries in the log. */
  readonly size: number;
  /** The chain hash of the last entry, hex (64 zeros for an empty log). */
  readonly hash: string;
  /** The Merkle root of all entries, base64. */
  readonly rootHash: string;
}

/**
 * An entry read back from the log: the {@link AuditEntry} with its sealed personal data opened,
 * or replaced by `[erased]` once its data subject was erased.
 *
 * @example
 * ```ts
 * import type { AuditRecord } from '@agentry/security';
 *
 * declare const record: AuditRecord;
 * console.log(record.index, record.entry.action, record.erased ? '(erased)' : record.entry.actor);
 * ```
 */
export interface AuditRecord {
  /** The entry's position, from 0. */
  readonly index: number;
  /** Its chain hash, hex. */
  readonly hash: string;
  /**
   * The entry; sealed fields of an erased subject read `[erased]` (as they do through a log
   * created without the `personalData` option, which holds no keys).
   */
  readonly entry: Omit<AuditEntry, 'details'> & {
    /** The details, or `[erased]` once their data subject's key is gone. */
    readonly details?: AuditEntry['details'] | '[erased]';
  };
  /** Whether personal data of the entry was erased. */
  readonly erased: boolean;
}

/**
 * A tamper-evident audit log: an {@link AuditSink} whose entries form one hash chain and one RFC
 * 6962 Merkle tree with signed checkpoints. Create it with `createAuditLog`.
 *
 * @example
 * ```ts
 * import type { AuditLog } from '@agentry/security';
 *
 * declare const log: AuditLog;
 * await log.append({ at: new Date().toISOString(), category: 'security', action: 'tool.denied' });
 * console.log((await log.verify()).ok);
 * ```
 */
export interface AuditLog extends AuditSink {
  /**
   * Appends one entry; resolves once it is durable in the store.
   *
   * @throws AgentryError `validation_failed` for a malformed entry, `not_serializable` for details
   *   that are not JSON, `audit_unavailable` when the store write fails (nothing is recorded:
   *   refuse the action it guards), `audit_tampered` when the log's head is damaged,
   *   `invalid_transition` after `close()`
   */
  append(entry: AuditEntry): Promise<void>;
  /** Verifies the whole log with the signer's public key (see `verifyAuditLog`). */
  verify(): Promise<AuditVerification>;
  /**
   * Verifies the whole log and throws when it fails.
   *
   * @throws AgentryError `audit_tampered` naming the first bad index and the problem
   */
  assertIntact(): Promise<Extract<AuditVerification, { ok: true }>>;
  /** Signs (and stores) a checkpoint of the log as it is now, after the appends queued before. */
  checkpoint(): Promise<AuditCheckpoint>;
  /** The end of the log, as stored now. */
  head(): Promise<AuditHead>;
  /**
   * Reads entries `[from, to)` (default the whole log), opening sealed personal data.
   *
   * @throws AgentryError `audit_tampered` when an entry in the range is missing or damaged
   */
  entries(range?: { from?: number; to?: number }): Promise<AuditRecord[]>;
  /**
   * Proves that entry `index` is in the log: the audit path to the latest checkpoint that covers
   * it (one is signed first when none does).
   *
   * @throws AgentryError `not_found` when the log has no entry `index`
   */
  proveInclusion(index: number): Promise<InclusionProof>;
  /**
   * Erases a data subject: deletes its key, so the sealed fields of its entries read `[erased]`
   * for ever, and records the erasure as an entry (naming the key id, not the subject). Resolves
   * to whether the subject had a key.
   *
   * @throws AgentryError `validation_failed` when the log has no `personalData` option;
   *   `audit_unavailable` when the key store or the log cannot be written
   */
  eraseSubject(subjectId: string): Promise<boolean>;
  /** Waits for queued appends, signs a checkpoint of the entries after the last, stops the timer. */
  close(): Promise<void>;
}
