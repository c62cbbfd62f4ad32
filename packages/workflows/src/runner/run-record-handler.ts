import type { RecordHandler, StoredEnvelope } from '@agentry/core';
import { journalEntryKind, runRecordKind, startRecordKind } from './journal-entry.js';
import { leaseKey, leaseRecordKind } from './run-lease.js';
import { journalPrefix, startKey } from './run-store.js';

/** The statuses after which a run never changes again. */
const finished: ReadonlySet<unknown> = new Set(['completed', 'failed', 'cancelled']);

/** A string field of a stored record's data, or `undefined`. */
function field(envelope: StoredEnvelope, name: string): string | undefined {
  const data = envelope.data;
  const value =
    typeof data === 'object' && data !== null && Object.hasOwn(data, name)
      ? (data as Record<string, unknown>)[name]
      : undefined;
  return typeof value === 'string' ? value : undefined;
}

/**
 * The user a run record belongs to: its `userId`, else the id of the principal it acts for when
 * that principal is a user (a service or agent principal is nobody's personal data).
 */
function userOfRun(envelope: StoredEnvelope): string | undefined {
  const userId = field(envelope, 'userId');
  if (userId !== undefined) return userId;
  const data = envelope.data;
  const principal =
    typeof data === 'object' && data !== null && Object.hasOwn(data, 'principal')
      ? (data as { principal?: unknown }).principal
      : undefined;
  if (typeof principal !== 'object' || principal === null) return undefined;
  const { id, kind } = principal as { id?: unknown; kind?: unknown };
  return typeof id === 'string' && (kind === undefined || kind === 'user') ? id : undefined;
}

/**
 * How `agentry.erase` and `agentry.purgeExpired` treat the runner's records. A run record belongs
 * to the user it was started for (its `userId`, else its principal when that is a user) and is in use until the run is finished: an unfinished run is
 * never purged whatever its age, and an erasure reports it rather than removing it from under its
 * runner. A run takes with it its journal, its lease and its idempotent start, which go only with
 * their run.
 *
 * @internal
 */
export const runRecordHandlers: readonly RecordHandler[] = [
  {
    kinds: [runRecordKind],
    userOf: userOfRun,
    inUse: (envelope) => !finished.has((envelope.data as { status?: unknown } | null)?.status),
    related(envelope) {
      const runId = field(envelope, 'runId');
      if (runId === undefined) return {};
      const workflowId = field(envelope, 'workflowId');
      const idempotencyKey = field(envelope, 'idempotencyKey');
      return {
        prefixes: [journalPrefix(runId)],
        keys: [
          leaseKey(runId),
          ...(workflowId !== undefined && idempotencyKey !== undefined
            ? [startKey(workflowId, idempotencyKey)]
            : []),
        ],
      };
    },
  },
  { kinds: [startRecordKind], userOf: () => undefined, expiresAt: () => undefined },
  {
    kinds: [journalEntryKind, leaseRecordKind],
    userOf: () => undefined,
    expiresAt: () => undefined,
  },
];
