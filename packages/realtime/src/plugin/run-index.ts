import { AgentryError, REALTIME_START, type RealtimeLog } from '@agentry/core';

/** The channel where the plug-in records which run channels it opened and ended. */
export const RUN_INDEX_CHANNEL = '_realtime/runs';
/** Index entries kept; it is compacted to the open runs at each start. */
const indexEntries = 100_000;

/** @internal One open run, as recorded in the index. */
interface OpenRun {
  readonly open: string;
  readonly kind: 'run' | 'workflow-run';
  readonly runId: string;
  /** Other channels that carry the run's events (its agent's and session's). */
  readonly also: readonly string[];
  /** The plug-in incarnation that opened it. */
  readonly producer: string;
}

/** @internal What the restart check did. */
export interface InterruptedRuns {
  /** Agent run channels ended with a `RUN_ERROR` (`aborted`) and closed. */
  readonly closed: readonly string[];
  /** Workflow run channels left open for the runner's recovery to continue. */
  readonly left: readonly string[];
}

/** @internal */
export interface RunIndex {
  /** Records a run channel as open; resolves once durable (or reported). */
  opened(
    channel: string,
    run: { kind: 'run' | 'workflow-run'; runId: string },
    also: readonly string[],
  ): Promise<void>;
  /** Records a run channel as ended. */
  ended(channel: string): Promise<void>;
  /**
   * Ends the agent runs an earlier incarnation left open (its process stopped mid-run): appends
   * a `RUN_ERROR` with code `aborted` to each run channel still open, and to the agent and
   * session channels that carried it, closing the run channel in the same append. Workflow runs
   * are left open: the workflow runner's recovery continues them on the same channel. Then
   * compacts the index to the runs still open.
   */
  endInterrupted(): Promise<InterruptedRuns>;
  /** Resolves once every operation given so far has settled. */
  drain(): Promise<void>;
}

/**
 * The record of open run channels, kept in the log itself so it survives a restart on a durable
 * log. Every operation is chained: they reach the log one at a time, in order.
 *
 * It assumes one serving process per log: a process starting on a log another live process
 * writes would end that process's runs. Sharing logs between processes needs leases first.
 *
 * @internal
 */
export function createRunIndex(options: {
  readonly log: RealtimeLog;
  readonly producerId: string;
  readonly retryDelays: readonly number[];
  readonly report: (error: AgentryError) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}): RunIndex {
  const { log } = options;
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let chain: Promise<unknown> = Promise.resolve();
  let created = false;

  const ensure = async () => {
    if (created) return;
    await log.create(RUN_INDEX_CHANNEL, { maxEntries: indexEntries });
    created = true;
  };
  const enqueue = <T>(what: string, operation: () => Promise<T>, fallback: T): Promise<T> => {
    const next = chain.then(async () => {
      let failure: unknown;
      for (let retry = 0; retry <= options.retryDelays.length; retry += 1) {
        if (retry > 0) await sleep(options.retryDelays[retry - 1]!);
        try {
          return await operation();
        } catch (error) {
          failure = error;
          if (AgentryError.isInstance(error) && error.code === 'not_found') created = false;
        }
      }
      options.report(
        new AgentryError({
          code: 'internal',
          message: `The realtime run index could not ${what}: ${failure instanceof Error ? failure.message : String(failure)}. After a restart this run may not be ended for its readers.`,
          details: { channel: RUN_INDEX_CHANNEL },
          suggestions: ['Check the realtime log backend.'],
          cause: failure,
        }),
      );
      return fallback;
    });
    chain = next;
    return next;
  };
  const append = async (entry: object) => {
    await ensure();
    await log.append(RUN_INDEX_CHANNEL, [JSON.stringify(entry)]);
  };

  return {
    opened: (channel, run, also) =>
      enqueue(
        `record ${channel} as open`,
        () =>
          append({
            open: channel,
            kind: run.kind,
            runId: run.runId,
            also,
            producer: options.producerId,
          } satisfies OpenRun),
        undefined,
      ),
    ended: (channel) =>
      enqueue(`record ${channel} as ended`, () => append({ end: channel }), undefined),
    endInterrupted: () =>
      enqueue(
        'end the runs an earlier process left open',
        async () => {
          const open = await readOpen(log);
          const closed: string[] = [];
          const left: string[] = [];
          for (const run of open.values()) {
            if (run.producer === options.producerId) continue;
            if (run.kind === 'workflow-run') {
              left.push(run.open);
              continue;
            }
            const interrupted = JSON.stringify({
              type: 'RUN_ERROR',
              message: `The run ${run.runId} was interrupted by a restart of the serving process; it will not continue.`,
              code: 'aborted',
            });
            for (const channel of run.also) await endOn(log, channel, interrupted, false);
            if (await endOn(log, run.open, interrupted, true)) closed.push(run.open);
            open.delete(run.open);
          }
          // Compacted to what is still open: workflow runs left to recovery, and this process's.
          await log.delete(RUN_INDEX_CHANNEL);
          created = false;
          await ensure();
          if (open.size > 0) {
            await log.append(
              RUN_INDEX_CHANNEL,
              [...open.values()].map((run) => JSON.stringify(run)),
            );
          }
          return { closed, left };
        },
        { closed: [], left: [] },
      ),
    drain: async () => {
      await chain;
    },
  };
}

/** The open runs the index records, by channel, in the order they were opened. */
async function readOpen(log: RealtimeLog): Promise<Map<string, OpenRun>> {
  const open = new Map<string, OpenRun>();
  if ((await log.info(RUN_INDEX_CHANNEL)) === undefined) return open;
  let after = REALTIME_START;
  for (;;) {
    const page = await log.read(RUN_INDEX_CHANNEL, after, { limit: 1_000 });
    for (const entry of page.entries) {
      const record = JSON.parse(
        typeof entry.data === 'string' ? entry.data : new TextDecoder().decode(entry.data),
      ) as Partial<OpenRun> & { end?: string };
      if (typeof record.end === 'string') open.delete(record.end);
      else if (typeof record.open === 'string') open.set(record.open, record as OpenRun);
    }
    if (page.upToDate || page.entries.length === 0) return open;
    after = page.nextOffset;
  }
}

/** Appends the end to a channel that exists and is open; returns whether it did. */
async function endOn(
  log: RealtimeLog,
  channel: string,
  entry: string,
  close: boolean,
): Promise<boolean> {
  const info = await log.info(channel);
  if (info === undefined || info.closed) return false;
  await log.append(channel, [entry], close ? { close } : {});
  return true;
}
