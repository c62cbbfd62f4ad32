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
 * How `agentry.erase` and `agentry.purgeExpired` treat the runner's records. A run record belongs
 * to the user it was started for and is in use until the run is finished: an unfinished run is
 * never purged whatever its age, and an erasure reports it rather than removing it from under its
 * runner. A run takes with it its journal, its lease and its idempotent start, which go only with
 * their run.
 *
 * @internal
 */
export const runRecordHandlers: readonly RecordHandler[] = [
  {
    kinds: [runRecordKind],
    userOf: (envelope) => field(envelope, 'userId'),
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
