import { AgentryError, storeKey } from '@agentry/core';
import { dropLease, holdLease, leaseOf } from './local-runs.js';
import { isConflict } from './run-store.js';
import type { RunnerCore } from './runner-core.js';

/**
 * Leases: a run is claimed before it is executed or journaled.
 *
 * The lease of a run is one store entry, `workflow-lease:<runId>` (kind `workflow-lease`, data
 * `{ owner, expiresAt }`). A runner claims it with an expected-revision write when it is free (no
 * entry, released, expired on the claimer's clock, or held by the claimer's own `workerId`), renews
 * it every third of `leaseMs` while it executes (again an expected-revision write), and releases it
 * when it stops. The revision of the claiming write is the run's **fencing token**: every journal
 * record the owner writes carries it, and a record whose token is lower than one written before it
 * in the journal is void (see `foldJournal`), so a process that lost its lease while paused can
 * never change the run's history after the new owner's first write. A renewal that finds another
 * revision means another process claimed the run: the execution here stops at once, its attempts'
 * signals aborted with `lease_lost`.
 *
 * The lease entry is never deleted (deleting it would restart revisions, and so tokens, at 1); a
 * finished run keeps a released one. Claims, renewals and releases are the only writes to it.
 *
 * @internal
 */
export interface RunLease {
  runId: string;
  /** The revision of the claiming write: the fencing token journal records carry. */
  token: number;
  /** The lease entry's current revision (each renewal moves it). */
  revision: number;
  /** When the lease runs out, on the runner's clock. */
  expiresAt: number;
  /** Set once another process took the run, or the lease was released. */
  lost: boolean;
  /** The renewal timer, while armed. */
  timer: unknown;
  /** Called once when the lease is found lost (by a renewal or a write). */
  onLost: ((error: AgentryError) => void) | undefined;
  /** A renewal in flight, so that concurrent checks share it. */
  renewing: Promise<void> | undefined;
  /** Called once the lease is released or lost (see `leaseReleased` in `local-runs.ts`). */
  waiters: Array<() => void> | undefined;
}

/** What a claim found when another runner holds the lease. @internal */
export interface LeaseHeld {
  held: true;
  owner: string;
  expiresAt: number;
}

/** The kind of lease entries in the store. @internal */
export const leaseRecordKind = 'workflow-lease';
const leaseSchemaVersion = '1';

interface LeaseData {
  owner: string;
  expiresAt: number;
}

/** The store key of a run's lease. @internal */
export const leaseKey = (runId: string) => storeKey('workflow-lease', runId);

/**
 * Claims a run's lease for this runner, or reports who holds it. `force` takes it even from a live
 * owner (a cancel does: the owner sees its next renewal fail and stops).
 *
 * @internal
 * @throws AgentryError as the store does, other than `conflict`
 */
export async function claimLease(
  core: RunnerCore,
  runId: string,
  options: { force?: boolean } = {},
): Promise<RunLease | LeaseHeld> {
  const key = leaseKey(runId);
  const mine = leaseOf(core, runId);
  if (mine && !options.force)
    return { held: true, owner: core.workerId, expiresAt: mine.expiresAt };
  for (let tries = 0; ; tries += 1) {
    const current = await core.store.get(key);
    const data = current?.data as LeaseData | undefined;
    const now = core.clock.now();
    if (
      data !== undefined &&
      !options.force &&
      data.owner !== core.workerId &&
      data.expiresAt > now
    ) {
      return { held: true, owner: data.owner, expiresAt: data.expiresAt };
    }
    const expiresAt = now + core.leaseMs;
    try {
      const written = await core.store.put(
        key,
        {
          kind: leaseRecordKind,
          schemaVersion: leaseSchemaVersion,
          data: { owner: core.workerId, expiresAt },
        },
        { expectedRevision: current?.revision ?? null },
      );
      const lease: RunLease = {
        runId,
        token: written.revision,
        revision: written.revision,
        expiresAt,
        lost: false,
        timer: undefined,
        onLost: undefined,
        renewing: undefined,
        waiters: undefined,
      };
      holdLease(core, lease);
      armRenewal(core, lease);
      return lease;
    } catch (error) {
      // Another runner claimed (or renewed) in between: look again.
      if (!isConflict(error) || tries >= 4) throw error;
    }
  }
}

/** Whether a claim found the lease held elsewhere. @internal */
export function isHeld<T>(value: T | LeaseHeld): value is LeaseHeld {
  return typeof value === 'object' && value !== null && (value as { held?: unknown }).held === true;
}

/**
 * The check every journal write makes before it is issued: nothing while the lease has more than
 * a third of its time left (the common case, no store call); otherwise a renewal first. Rejects
 * with `lease_lost` when the run is no longer this runner's.
 *
 * @internal
 */
export function checkLease(core: RunnerCore, lease: RunLease): Promise<void> | undefined {
  if (lease.lost) return Promise.reject(leaseLost(lease.runId));
  if (core.clock.now() < lease.expiresAt - core.leaseMs / 3) return undefined;
  return renewLease(core, lease);
}

/**
 * Renews the lease with an expected-revision write. A revision that moved means another runner
 * claimed the run: the lease is lost. A store failure is tolerated until the lease runs out.
 *
 * @internal
 */
export function renewLease(core: RunnerCore, lease: RunLease): Promise<void> {
  if (lease.lost) return Promise.reject(leaseLost(lease.runId));
  lease.renewing ??= (async () => {
    const expiresAt = core.clock.now() + core.leaseMs;
    try {
      const written = await core.store.put(
        leaseKey(lease.runId),
        {
          kind: leaseRecordKind,
          schemaVersion: leaseSchemaVersion,
          data: { owner: core.workerId, expiresAt },
        },
        { expectedRevision: lease.revision },
      );
      lease.revision = written.revision;
      lease.expiresAt = expiresAt;
    } catch (error) {
      if (isConflict(error) || core.clock.now() >= lease.expiresAt) {
        markLost(core, lease);
        throw leaseLost(lease.runId);
      }
      throw error;
    } finally {
      lease.renewing = undefined;
    }
  })();
  return lease.renewing;
}

/**
 * Releases the lease (its time set to 0, so any runner may claim it at once) and stops renewing.
 * A lease already lost is left to its new owner.
 *
 * @internal
 */
export async function releaseLease(core: RunnerCore, lease: RunLease): Promise<void> {
  core.clock.clearTimeout(lease.timer);
  lease.timer = undefined;
  if (lease.lost) return;
  lease.lost = true;
  lease.onLost = undefined;
  dropLease(core, lease);
  if (lease.renewing) await lease.renewing.catch(() => undefined);
  await core.store
    .put(
      leaseKey(lease.runId),
      {
        kind: leaseRecordKind,
        schemaVersion: leaseSchemaVersion,
        data: { owner: core.workerId, expiresAt: 0 },
      },
      { expectedRevision: lease.revision },
    )
    .catch(() => undefined);
}

/** The `lease_lost` error of a run taken over by another runner. @internal */
export function leaseLost(runId: string): AgentryError {
  return new AgentryError({
    code: 'lease_lost',
    message: `Another runner took over the run "${runId}" (its lease was claimed), so this runner stopped executing it.`,
    details: { runId },
    suggestions: [
      'Nothing to do: the new owner goes on from the journal.',
      'If this happens without a crash, raise leaseMs or check that the runner is not blocked for longer than a third of it.',
    ],
  });
}

function armRenewal(core: RunnerCore, lease: RunLease): void {
  const every = Math.max(1, Math.floor(core.leaseMs / 3));
  lease.timer = core.clock.setTimeout(() => {
    lease.timer = undefined;
    if (lease.lost || core.closed) return;
    renewLease(core, lease).then(
      () => {
        if (!lease.lost) armRenewal(core, lease);
      },
      () => {
        if (!lease.lost) armRenewal(core, lease);
      },
    );
  }, every);
}

function markLost(core: RunnerCore, lease: RunLease): void {
  if (lease.lost) return;
  lease.lost = true;
  dropLease(core, lease);
  core.clock.clearTimeout(lease.timer);
  lease.timer = undefined;
  const onLost = lease.onLost;
  lease.onLost = undefined;
  onLost?.(leaseLost(lease.runId));
}
