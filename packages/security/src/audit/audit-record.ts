import { hash } from 'node:crypto';
import { AgentryError, type AuditEntry } from '@agentry/core';
import { canonicalJsonWithout } from './canonical-json.js';
import { leafHash } from './merkle-tree.js';

/**
 * The storage layout of one log (all keys under `audit:<name>:`), shared by the writer, the reader
 * and the verifier:
 *
 * - `audit:<name>:head`: the head record (see {@link HeadData}); its store revision serialises
 *   appends across processes.
 * - `audit:<name>:e:<index, 12 digits>`: one entry record (see {@link StoredAuditRecord}), written
 *   create-only once the head that holds it has committed, never rewritten.
 * - `audit:<name>:c:<tree size, 12 digits>`: one signed checkpoint `{ note }`, create-only.
 *
 * The zero-padding keeps key order equal to index order up to 10¹² entries.
 */
export const layout = {
  head: (log: string) => `audit:${log}:head`,
  entryPrefix: (log: string) => `audit:${log}:e:`,
  entry: (log: string, index: number) => `audit:${log}:e:${String(index).padStart(12, '0')}`,
  checkpointPrefix: (log: string) => `audit:${log}:c:`,
  checkpoint: (log: string, size: number) => `audit:${log}:c:${String(size).padStart(12, '0')}`,
} as const;

/** @internal The store `kind`s and schema version of the records. */
export const recordKinds = {
  head: 'audit-head',
  entry: 'audit-entry',
  checkpoint: 'audit-checkpoint',
  schemaVersion: '1',
} as const;

/**
 * Personal data sealed out of an entry: which fields, under which subject's key, and the envelope
 * (base64 of `sealEnvelope` over the canonical JSON of those fields, bound to the log and index).
 *
 * @example
 * ```ts
 * import type { SealedFields } from '@agentry/security';
 *
 * const sealed: SealedFields = { keyId: 'k-9Jd2', fields: ['actor', 'details'], envelope: 'AQEE…' };
 * console.log(sealed.fields);
 * ```
 */
export interface SealedFields {
  /** The id of the data subject's key (random; it does not reveal who the subject is). */
  readonly keyId: string;
  /** The entry fields inside the envelope. */
  readonly fields: readonly ('actor' | 'subject' | 'details')[];
  /** The envelope, base64. */
  readonly envelope: string;
}

/**
 * An entry as the log stores and hashes it: its position, the {@link AuditEntry} fields (personal
 * data replaced by `sealed`), and its chain hash. The canonical form `canon(e)` is RFC 8785 JSON of
 * every field but `hash`.
 *
 * @example
 * ```ts
 * import type { StoredAuditRecord } from '@agentry/security';
 *
 * declare const record: StoredAuditRecord;
 * console.log(record.index, record.action, record.hash);
 * ```
 */
export interface StoredAuditRecord extends Omit<AuditEntry, 'actor' | 'subject' | 'details'> {
  /** The entry's position in the log, from 0. */
  readonly index: number;
  /** Who did it, unless sealed. */
  readonly actor?: string;
  /** What it was done to, unless sealed. */
  readonly subject?: string;
  /** More about it, unless sealed. */
  readonly details?: Readonly<Record<string, unknown>>;
  /** The personal data of the entry, sealed under its subject's key. */
  readonly sealed?: SealedFields;
  /** h_i = SHA-256(canon(e_i) ‖ h_{i-1}), hex, with h_{-1} 32 zero bytes. */
  readonly hash: string;
}

/** @internal The head record: the chain's end, the tree's compact range, what is not yet in `e:`. */
export interface HeadData {
  /** Entries in the log. */
  readonly size: number;
  /** The chain hash of the last entry (hex; 64 zeros for an empty log). */
  readonly hash: string;
  /** The Merkle compact range at `size` (hex). */
  readonly frontier: readonly string[];
  /** Entry records that may not be written under `e:` yet: the head makes them durable first. */
  readonly pending: readonly StoredAuditRecord[];
  /** Checkpoints that may not be written under `c:` yet. */
  readonly checkpoints: readonly { readonly size: number; readonly note: string }[];
}

/** h_{-1}: the chain starts from 32 zero bytes. */
export const chainStart: Buffer = Buffer.alloc(32);

/** @internal The canonical form of a record (every field but `hash`), as text. */
export function canonicalText(record: Omit<StoredAuditRecord, 'hash'> & { hash?: string }): string {
  return canonicalJsonWithout(record, 'hash');
}

/** @internal The canonical bytes of a record (every field but `hash`). */
export function canonicalBytes(
  record: Omit<StoredAuditRecord, 'hash'> & { hash?: string },
): Buffer {
  return Buffer.from(canonicalText(record), 'utf8');
}

/**
 * @internal SHA-256(canon(e_i) ‖ h_{i-1}), from the canonical text or bytes. One buffer is
 * written instead of two concatenated: verification runs it 100,000 times for 100,000 entries
 * (bench/audit-log.bench.ts).
 */
export function chainHash(canonical: string | Uint8Array, previous: Uint8Array): Buffer {
  if (typeof canonical !== 'string')
    return hash('sha256', Buffer.concat([canonical, previous]), 'buffer');
  const input = Buffer.allocUnsafe(Buffer.byteLength(canonical) + previous.length);
  const written = input.write(canonical, 'utf8');
  input.set(previous, written);
  return hash('sha256', input, 'buffer');
}

/** @internal The Merkle leaf hash SHA-256(0x00 ‖ canon(e_i)) of a record's canonical text or bytes. */
export function recordLeaf(canonical: string | Uint8Array): Buffer {
  // U+0000 encodes as the single byte 0x00 in UTF-8: the RFC 6962 leaf prefix.
  return typeof canonical === 'string'
    ? hash('sha256', `\u0000${canonical}`, 'buffer')
    : leafHash(canonical);
}

const categories = new Set(['configuration', 'plugin', 'alert', 'security', 'data']);
const outcomes = new Set(['allowed', 'denied', 'succeeded', 'failed']);

/** @internal Checks an entry before it is logged. */
export function checkEntry(entry: AuditEntry): void {
  const problem =
    typeof entry !== 'object' || entry === null
      ? 'an entry must be an object'
      : typeof entry.at !== 'string' || entry.at === ''
        ? '`at` must be an ISO 8601 time'
        : !categories.has(entry.category)
          ? '`category` must be configuration, plugin, alert, security or data'
          : typeof entry.action !== 'string' || entry.action === ''
            ? '`action` must be a non-empty string'
            : entry.outcome !== undefined && !outcomes.has(entry.outcome)
              ? '`outcome` must be allowed, denied, succeeded or failed'
              : (['actor', 'subject', 'traceId', 'runId'] as const).find(
                    (field) => entry[field] !== undefined && typeof entry[field] !== 'string',
                  ) !== undefined
                ? 'actor, subject, traceId and runId must be strings'
                : entry.details !== undefined &&
                    (typeof entry.details !== 'object' ||
                      entry.details === null ||
                      Array.isArray(entry.details))
                  ? '`details` must be an object'
                  : undefined;
  if (problem !== undefined)
    throw new AgentryError({
      code: 'validation_failed',
      message: `The audit entry is not valid: ${problem}.`,
      details: {
        action: typeof entry?.action === 'string' ? entry.action.slice(0, 128) : undefined,
      },
      suggestions: ['Build entries as AuditEntry describes.'],
    });
}

/** @internal The entry fields of a record, in a fixed order (the canonical form sorts anyway). */
export function toRecordFields(index: number, entry: AuditEntry): Omit<StoredAuditRecord, 'hash'> {
  return {
    index,
    at: entry.at,
    category: entry.category,
    action: entry.action,
    ...(entry.actor === undefined ? {} : { actor: entry.actor }),
    ...(entry.subject === undefined ? {} : { subject: entry.subject }),
    ...(entry.outcome === undefined ? {} : { outcome: entry.outcome }),
    ...(entry.traceId === undefined ? {} : { traceId: entry.traceId }),
    ...(entry.runId === undefined ? {} : { runId: entry.runId }),
    ...(entry.details === undefined ? {} : { details: entry.details }),
  };
}

/** @internal Whether stored data has the shape of a record (the hash check does the rest). */
export function isRecord(data: unknown): data is StoredAuditRecord {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false;
  const record = data as Record<string, unknown>;
  return (
    Number.isSafeInteger(record['index']) &&
    typeof record['hash'] === 'string' &&
    /^[0-9a-f]{64}$/.test(record['hash']) &&
    typeof record['action'] === 'string'
  );
}

/** @internal Reads a head record's data, or `undefined` when it is malformed. */
export function toHeadData(data: unknown): HeadData | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const head = data as Partial<HeadData>;
  if (
    !Number.isSafeInteger(head.size) ||
    (head.size as number) < 0 ||
    typeof head.hash !== 'string' ||
    !/^[0-9a-f]{64}$/.test(head.hash) ||
    !Array.isArray(head.frontier) ||
    !head.frontier.every((node) => typeof node === 'string' && /^[0-9a-f]{64}$/.test(node)) ||
    !Array.isArray(head.pending) ||
    !head.pending.every(isRecord) ||
    !Array.isArray(head.checkpoints)
  )
    return undefined;
  return head as HeadData;
}
