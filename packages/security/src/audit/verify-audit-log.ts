import { AgentryError, type StateStore } from '@agentry/core';
import {
  canonicalText,
  chainHash,
  chainStart,
  isRecord,
  recordLeaf,
  type HeadData,
  type StoredAuditRecord,
} from './audit-record.js';
import { readCheckpoint } from './checkpoint.js';
import { checkpointVerifier, type CheckpointVerifier } from './checkpoint-signer.js';
import { MerkleFrontier } from './merkle-tree.js';
import { readAllRows, readCheckpointNotes, readHead, type ReadRow } from './read-log.js';

/**
 * What {@link verifyAuditLog} found wrong first:
 *
 * - `edited`: an entry's content no longer matches its chain hash (or a signed checkpoint's root).
 * - `deleted`: an entry is missing while later ones remain.
 * - `reordered`: an entry sits at another entry's position.
 * - `inserted`: an entry was added that the chain does not hold.
 * - `truncated`: the last entries are gone: a checkpoint or the head covers more than remains.
 * - `bad-signature`: a checkpoint is not signed by the log's key (forged or altered).
 *
 * @example
 * ```ts
 * import type { AuditProblem } from '@agentry/security';
 *
 * const problem: AuditProblem = 'truncated';
 * console.log(problem);
 * ```
 */
export type AuditProblem =
  'edited' | 'deleted' | 'reordered' | 'inserted' | 'truncated' | 'bad-signature';

/**
 * The outcome of verifying an audit log: every entry and checkpoint checked, or the first problem
 * with the index of the first bad entry.
 *
 * @example
 * ```ts
 * import type { AuditVerification } from '@agentry/security';
 *
 * declare const result: AuditVerification;
 * if (!result.ok) console.error(`entry ${result.index}: ${result.problem}: ${result.message}`);
 * ```
 */
export type AuditVerification =
  | {
      /** Every entry, checkpoint and signature checked out. */
      readonly ok: true;
      /** Entries verified. */
      readonly entries: number;
      /** Signed checkpoints verified. */
      readonly checkpoints: number;
    }
  | {
      /** A problem was found. */
      readonly ok: false;
      /** The first index that is wrong (for a checkpoint: the last entry it covers). */
      readonly index: number;
      /** What is wrong there. */
      readonly problem: AuditProblem;
      /** What was found, for a person. */
      readonly message: string;
    };

/**
 * Options of {@link verifyAuditLog}.
 *
 * @example
 * ```ts
 * import type { VerifyAuditLogOptions } from '@agentry/security';
 *
 * declare const verifierKey: string;
 * const options: VerifyAuditLogOptions = { name: 'audit', verifier: verifierKey };
 * console.log(options.name);
 * ```
 */
export interface VerifyAuditLogOptions {
  /** The log's name in the store (default `audit`). */
  readonly name?: string;
  /** The log's checkpoint key: a verifier, or its verifier key string. */
  readonly verifier: CheckpointVerifier | string;
  /** The origin checkpoints must name (default the verifier's key name). */
  readonly origin?: string;
}

type Failure = Extract<AuditVerification, { ok: false }>;

const fail = (index: number, problem: AuditProblem, message: string): Failure => ({
  ok: false,
  index,
  problem,
  message,
});

interface Slot {
  readonly keyIndex: number;
  readonly record?: StoredAuditRecord;
  /** Why the row cannot be a record (damaged, not a record's shape). */
  readonly bad?: string;
}

function toSlot(row: ReadRow): Slot {
  if (row.unreadable !== undefined)
    return { keyIndex: row.keyIndex, bad: `the store cannot read it (${row.unreadable.code})` };
  if (!isRecord(row.data)) return { keyIndex: row.keyIndex, bad: 'it is not an audit record' };
  return { keyIndex: row.keyIndex, record: row.data };
}

/**
 * Merges the head's pending records into the rows. A pending record and its row must agree; the
 * first that do not is returned as a failure to weigh against what the walk finds.
 */
function mergePending(slots: Slot[], head: HeadData): { slots: Slot[]; failure?: Failure } {
  if (head.pending.length === 0) return { slots };
  // Rows are in key order, so entry i is at position i unless rows are missing or extra.
  const find = (index: number) =>
    slots[index]?.keyIndex === index ? slots[index] : slots.find((slot) => slot.keyIndex === index);
  const added: Slot[] = [];
  let failure: Failure | undefined;
  for (const record of head.pending) {
    const row = find(record.index);
    if (row === undefined) added.push({ keyIndex: record.index, record });
    else if (row.record?.hash !== record.hash && failure === undefined)
      failure = fail(
        record.index,
        'edited',
        `Entry ${record.index} differs from the copy the head record holds.`,
      );
  }
  const merged =
    added.length === 0 ? slots : [...slots, ...added].sort((a, b) => a.keyIndex - b.keyIndex);
  return failure === undefined ? { slots: merged } : { slots: merged, failure };
}

/**
 * Walks an audit log from its first entry: recomputes every chain hash
 * (h_i = SHA-256(canon(e_i) ‖ h_{i-1}), h_{-1} = 32 zero bytes) and every signed checkpoint's
 * RFC 6962 root, checks each checkpoint's Ed25519 signature, and compares the end of the chain
 * with the head record and the largest checkpoint. Reports the first problem (see
 * {@link AuditProblem}) with the index of the first bad entry. It reads the store only, so an
 * auditor can run it with the public key alone; sealed personal data is verified in sealed form,
 * so erasures do not break it.
 *
 * A log rewritten from some entry on with every hash recomputed passes the chain check; the first
 * signed checkpoint after the change catches it (`edited`, naming the first entry after the last
 * checkpoint that still matches). Publish checkpoints outside the store to catch a rewrite of the
 * checkpoints too.
 *
 * @throws AgentryError `key_invalid` for a malformed verifier key; the store's errors when it
 *   cannot be read
 *
 * @example
 * ```ts
 * import { createSqliteStore } from '@agentry/store-sqlite';
 * import { verifyAuditLog } from '@agentry/security';
 *
 * declare const verifierKey: string;
 * const store = createSqliteStore({ path: './data/agentry.db', readonly: true });
 * const result = await verifyAuditLog(store, { verifier: verifierKey });
 * console.log(result.ok ? `${result.entries} entries verified` : result.message);
 * ```
 */
export async function verifyAuditLog(
  store: StateStore,
  options: VerifyAuditLogOptions,
): Promise<AuditVerification> {
  const log = options.name ?? 'audit';
  const verifier =
    typeof options.verifier === 'string' ? checkpointVerifier(options.verifier) : options.verifier;
  const origin = options.origin ?? verifier.name;

  // The head is read first: entries appended while the walk runs are then beyond it, not missing.
  const head = await readHead(store, log);
  if ('malformed' in head) return fail(0, 'edited', `The head record of log "${log}" is damaged.`);
  const notes = await readCheckpointNotes(store, log);
  const expected = Math.max(
    head.data.size,
    ...notes.map((note) => (Number.isFinite(note.keySize) ? note.keySize : 0)),
  );
  const merged = mergePending((await readAllRows(store, log, expected)).map(toSlot), head.data);
  const { slots } = merged;

  // Checkpoints by size, the head's own included; a bad one fails at the last entry it covers.
  const checkpoints = new Map<number, { rootHash: string; stored: number }>();
  const candidates = [
    ...notes,
    ...head.data.checkpoints
      .filter((pending) => !notes.some((note) => note.keySize === pending.size))
      .map((pending) => ({ keySize: pending.size, note: pending.note })),
  ];
  let checkpointFailure: Failure | undefined;
  for (const { keySize, note } of candidates) {
    const read = readCheckpoint(note as string, verifier);
    const at = Number.isFinite(keySize) ? Math.max(0, keySize - 1) : 0;
    const problem = !read.ok
      ? `The checkpoint stored for size ${keySize} was refused: ${read.reason}.`
      : read.checkpoint.origin !== origin
        ? `The checkpoint stored for size ${keySize} is for origin "${read.checkpoint.origin}", not "${origin}".`
        : read.checkpoint.size !== keySize
          ? `The checkpoint stored for size ${keySize} is signed for size ${read.checkpoint.size}.`
          : undefined;
    if (problem !== undefined) {
      if (checkpointFailure === undefined || at < checkpointFailure.index)
        checkpointFailure = fail(at, 'bad-signature', problem);
      continue;
    }
    if (read.ok) checkpoints.set(keySize, { rootHash: read.checkpoint.rootHash, stored: keySize });
  }
  // Failures found before the walk: the walk reports one of its own only if it comes first.
  const early = [checkpointFailure, merged.failure]
    .filter((failure): failure is Failure => failure !== undefined)
    .sort((a, b) => a.index - b.index)[0];
  const firstOf = (failure: Failure): Failure =>
    early !== undefined && early.index < failure.index ? early : failure;

  // Where the record of an index sits, looked up only once something is out of place.
  const homeOf = (index: number) => {
    const position = slots.findIndex((slot) => slot.record?.index === index);
    return position < 0 ? undefined : position;
  };
  const linksFrom = (record: StoredAuditRecord | undefined, previous: Buffer) =>
    record !== undefined &&
    chainHash(canonicalText(record), previous).toString('hex') === record.hash;

  const frontier = new MerkleFrontier();
  let previous = chainStart;
  let covered = 0; // entries covered by the last checkpoint that matched
  let verifiedCheckpoints = 0;
  for (let position = 0; position < slots.length; position += 1) {
    const slot = slots[position]!;
    if (early !== undefined && early.index < position) return early;
    if (slot.keyIndex !== position)
      return firstOf(
        slot.keyIndex > position
          ? fail(
              position,
              'deleted',
              `Entry ${position} is missing; entry ${slot.keyIndex} follows entry ${position - 1}.`,
            )
          : fail(
              position,
              'inserted',
              `A record that is not an entry key sits at position ${position}.`,
            ),
      );
    if (slot.record === undefined)
      return firstOf(fail(position, 'edited', `Entry ${position} is damaged: ${slot.bad}.`));
    const record = slot.record;
    if (record.index !== position) {
      const home = homeOf(position);
      if (home !== undefined && home !== position)
        return firstOf(
          fail(
            position,
            'reordered',
            `Entry ${position} holds entry ${record.index}, and entry ${position} sits at position ${home}.`,
          ),
        );
      if (record.index > position)
        return firstOf(
          fail(
            position,
            'deleted',
            `Entry ${position} is missing: the entries after it were moved down one place.`,
          ),
        );
      return firstOf(
        fail(
          record.index === position - 1 ? position - 1 : position,
          'inserted',
          `Position ${position} holds a second entry ${record.index}: an entry was inserted before it.`,
        ),
      );
    }
    const canonical = canonicalText(record);
    const hash = chainHash(canonical, previous);
    if (hash.toString('hex') !== record.hash) {
      if (position >= head.data.size)
        return firstOf(
          fail(
            position,
            'inserted',
            `Entry ${position} lies past the ${head.data.size} entries of the log's head and does not continue its chain: it was added outside the log.`,
          ),
        );
      const next = slots[position + 1]?.record;
      if (next?.index === position && linksFrom(next, previous))
        return firstOf(
          fail(
            position,
            'inserted',
            `Entry ${position} was inserted: the entry after it continues the chain in its place.`,
          ),
        );
      return firstOf(
        fail(
          position,
          'edited',
          `Entry ${position} does not match its chain hash: it was changed after it was written.`,
        ),
      );
    }
    previous = hash;
    frontier.append(recordLeaf(canonical));
    const checkpoint = checkpoints.get(position + 1);
    if (checkpoint !== undefined) {
      if (frontier.root().toString('base64') !== checkpoint.rootHash)
        return firstOf(
          fail(
            covered,
            'edited',
            `The signed checkpoint at size ${position + 1} does not match entries ${covered} to ${position}: an entry among them was changed and the chain recomputed.`,
          ),
        );
      covered = position + 1;
      verifiedCheckpoints += 1;
    }
  }

  const size = slots.length;
  if (early !== undefined) return early;
  const beyond = [...checkpoints.keys()].filter((checkpointSize) => checkpointSize > size);
  if (beyond.length > 0)
    return fail(
      size,
      'truncated',
      `A signed checkpoint covers ${Math.max(...beyond)} entries but only ${size} remain: the tail was cut.`,
    );
  if (head.data.size > size)
    return fail(
      size,
      'truncated',
      `The head record counts ${head.data.size} entries but only ${size} remain: the tail was cut.`,
    );
  if (head.data.size < size) {
    // Entries past the head read first are fine only if a newer head holds them.
    const later = await readHead(store, log);
    if ('malformed' in later || later.data.size < size)
      return fail(
        head.data.size,
        'inserted',
        `Entries from ${head.data.size} on are not in the log's head: they were added outside it.`,
      );
  } else if (size > 0 && head.data.hash !== previous.toString('hex')) {
    return fail(
      covered,
      'edited',
      `The chain ends in another hash than the head record holds: an entry from ${covered} on was changed.`,
    );
  }
  return { ok: true, entries: size, checkpoints: verifiedCheckpoints };
}

/**
 * {@link verifyAuditLog}, throwing when the log fails.
 *
 * @throws AgentryError `audit_tampered` with `details.index`, `details.problem` and the log name
 *   when an entry or checkpoint fails
 *
 * @example
 * ```ts
 * import { createSqliteStore } from '@agentry/store-sqlite';
 * import { assertAuditLogIntact } from '@agentry/security';
 *
 * declare const verifierKey: string;
 * const store = createSqliteStore({ path: './data/agentry.db', readonly: true });
 * const { entries } = await assertAuditLogIntact(store, { verifier: verifierKey });
 * console.log(`${entries} entries verified`);
 * ```
 */
export async function assertAuditLogIntact(
  store: StateStore,
  options: VerifyAuditLogOptions,
): Promise<Extract<AuditVerification, { ok: true }>> {
  const result = await verifyAuditLog(store, options);
  if (result.ok) return result;
  throw tamperedError(options.name ?? 'audit', result);
}

/** @internal The `audit_tampered` error of a failed verification. */
export function tamperedError(log: string, result: Failure): AgentryError {
  return new AgentryError({
    code: 'audit_tampered',
    message: `Audit log "${log}" failed verification at entry ${result.index} (${result.problem}): ${result.message}`,
    details: { log, index: result.index, problem: result.problem },
    suggestions: [
      'Treat the entries from that index on as untrustworthy and investigate who had write access to the store.',
      'Compare with a backup or with checkpoints published outside the store.',
    ],
  });
}
