import { AgentryError, type AuditSink, type Logger, type PurgeReport } from '@agentry/core';
import type { ComplianceHost } from '../../logging/core-interfaces.js';

const dayMs = 86_400_000;
// setInterval's largest delay: a longer one fires at once, over and over.
const maxIntervalMs = 2_147_483_647;

/**
 * Options of the data retention schedule.
 *
 * @example
 * ```ts
 * import type { RetentionScheduleOptions } from '@agentry/monitoring';
 *
 * // Every six hours, and the metrics registry drops what it keeps from before the limit.
 * const retention: RetentionScheduleOptions = {
 *   intervalMs: 6 * 60 * 60 * 1000,
 *   onPurge: (before) => console.log(`dropping metrics before ${before.toISOString()}`),
 * };
 * ```
 */
export interface RetentionScheduleOptions {
  /** How often a purge runs, in milliseconds; default one day. */
  readonly intervalMs?: number;
  /** Whether a purge also runs once right after installation (default `true`), so that a process restarted more often than `intervalMs` still purges. */
  readonly runAtStart?: boolean;
  /** Called with the limit on each purge, after the stores were purged: drop kept data (metrics) older than it. */
  readonly onPurge?: (before: Date) => void | Promise<void>;
  /** The clock; default `() => new Date()`. */
  readonly now?: () => Date;
}

/**
 * What one purge removed: counts per store, never keys or record data.
 *
 * @example
 * ```ts
 * import type { RetentionRun } from '@agentry/monitoring';
 *
 * declare const run: RetentionRun;
 * console.log(`${run.removed} records older than ${run.before.toISOString()} removed`);
 * ```
 */
export interface RetentionRun {
  /** The limit: records last updated before it were removed. */
  readonly before: Date;
  /**
   * Per store: how many records were removed, how many could not be, and the code of the error
   * that stopped the store from being gone through, when one did.
   */
  readonly stores: readonly {
    /** The store's name. */
    readonly store: string;
    /** Records removed. */
    readonly removed: number;
    /** Records that could not be removed. */
    readonly failed: number;
    /** The code of the error that stopped the store from being gone through. */
    readonly error?: string;
  }[];
  /** How many records were removed in all. */
  readonly removed: number;
  /** How many records were left: not removed, or unreadable so not checked. */
  readonly notRemoved: number;
}

/** @internal */
export interface RetentionSchedule {
  purgeNow(): Promise<RetentionRun>;
  /** How many purges failed (a store's purge or `onPurge`). */
  failedPurges(): number;
  /** Clears the timer and waits for a purge under way. */
  stop(): Promise<void>;
}

/** @internal */
export interface CreateRetentionScheduleOptions extends RetentionScheduleOptions {
  readonly host: Pick<ComplianceHost, 'purgeExpired' | 'onReady'>;
  /** The `dataRetention` setting, in days. */
  readonly days: number;
  readonly logger: Logger;
  /** Looked up at each purge: the audit sink, when one is provided. */
  readonly audit: () => AuditSink | undefined;
}

/**
 * Runs `host.purgeExpired({ before: now - days })` on an unref'd interval (it never keeps the
 * process alive), calls `onPurge` with the same limit, and logs and audits what was removed as
 * counts per store. A purge that fails is logged, audited and counted; a scheduled one goes on at
 * the next interval. A purge asked for while one is under way joins it.
 *
 * @throws AgentryError `config_invalid` when `days` or `intervalMs` is not a positive number
 * @internal
 */
export function createRetentionSchedule(
  options: CreateRetentionScheduleOptions,
): RetentionSchedule {
  const { host, days, logger, audit, onPurge, now = () => new Date() } = options;
  const intervalMs = options.intervalMs ?? dayMs;
  checkPositive(
    'monitoring.logging.compliance.dataRetention',
    days,
    Number.MAX_SAFE_INTEGER / dayMs,
  );
  checkPositive('retention.intervalMs', intervalMs, maxIntervalMs);
  let failures = 0;
  let running: Promise<RetentionRun> | undefined;

  const record = async (entry: Parameters<AuditSink['append']>[0]) => {
    // The trail logs and counts its own failures; the purge's outcome does not depend on it.
    await audit()
      ?.append(entry)
      .catch(() => undefined);
  };
  const purge = async (): Promise<RetentionRun> => {
    const before = new Date(now().getTime() - days * dayMs);
    let run: RetentionRun | undefined;
    try {
      run = summarise(before, await host.purgeExpired({ before }));
      await onPurge?.(before);
    } catch (error) {
      failures += 1;
      const reason = error instanceof Error ? error.message : String(error);
      logger.error(
        {
          before: before.toISOString(),
          ...(run ? counts(run) : {}),
          failedPurges: failures,
          error: { message: reason },
        },
        run ? 'retention purge: the stores were purged, onPurge failed' : 'retention purge failed',
      );
      await record({
        at: now().toISOString(),
        category: 'data',
        action: 'retention.purge-failed',
        actor: '@agentry/monitoring',
        details: {
          before: before.toISOString(),
          ...(run ? counts(run) : {}),
          reason,
        },
      });
      throw error;
    }
    // Records left behind (a store that failed, a record that kept changing) need a look.
    const incomplete = run.notRemoved > 0 || run.stores.some((store) => store.error !== undefined);
    logger[incomplete ? 'warn' : 'info'](
      { before: before.toISOString(), ...counts(run) },
      incomplete ? 'retention purge completed with records left' : 'retention purge completed',
    );
    await record({
      at: now().toISOString(),
      category: 'data',
      action: 'retention.purge',
      actor: '@agentry/monitoring',
      details: {
        before: before.toISOString(),
        retentionDays: days,
        ...counts(run),
      },
    });
    return run;
  };
  const purgeNow = () => {
    running ??= purge().finally(() => {
      running = undefined;
    });
    return running;
  };
  // Failures are logged, audited and counted in purge(); the schedule goes on.
  let stopped = false;
  const tick = () => {
    if (!stopped) void purgeNow().catch(() => undefined);
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  // The first purge once the instance is whole: during set-up not every store is offered yet.
  if (options.runAtStart !== false) host.onReady(tick);

  return {
    purgeNow,
    failedPurges: () => failures,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}

function summarise(before: Date, report: PurgeReport): RetentionRun {
  const stores = report.stores.map(({ store, deleted, failed, error }) => ({
    store,
    removed: deleted.length,
    failed: failed?.length ?? 0,
    ...(error !== undefined ? { error: error.code } : {}),
  }));
  let removed = 0;
  let notRemoved = report.unreadable?.length ?? 0;
  for (const store of stores) {
    removed += store.removed;
    notRemoved += store.failed;
  }
  return { before, stores, removed, notRemoved };
}

/** What a log line and an audit entry say of a run: counts, never keys. */
const counts = ({ stores, removed, notRemoved }: RetentionRun) => ({ stores, removed, notRemoved });

function checkPositive(path: string, value: number, max: number): void {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= max) return;
  throw new AgentryError({
    code: 'config_invalid',
    message: `${path} must be a positive number of at most ${Math.floor(max)}, not ${JSON.stringify(value)}.`,
    details: { path, received: value, limit: Math.floor(max) },
    suggestions: [`Set ${path} to a positive number.`],
  });
}
