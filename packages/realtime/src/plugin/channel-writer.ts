import {
  AgentryError,
  type RealtimeChannelOptions,
  type RealtimeLog,
  type RealtimeProducer,
} from '@agentry/core';

/** @internal How a channel writer retries and reports. */
export interface ChannelWriterOptions {
  readonly log: RealtimeLog;
  readonly channel: string;
  readonly create: RealtimeChannelOptions;
  /**
   * The producer id of this writer, unique to it (its sequence starts at 0), so a retried append
   * is never applied twice.
   */
  readonly producerId: string;
  /** Writes start once this settles: the previous writer of the channel, retired. */
  readonly after?: Promise<void>;
  /** Milliseconds to wait before each retry of a failed append; its length is the retry count. */
  readonly retryDelays: readonly number[];
  /** What to put first on the channel after its history had to be reset (see `write`). */
  readonly restart: (lost: number) => readonly unknown[];
  /** Runs once, before the channel is first created (the plug-in records an open run first). */
  readonly prepare?: () => Promise<void>;
  /**
   * Called after each append that made events durable, in order, with the last offset and
   * whether the channel is closed now.
   */
  readonly durable?: (events: readonly unknown[], offset: string, closed: boolean) => Promise<void>;
  /** Called with events whose append failed for good (reported), before the channel is reset. */
  readonly lost?: (events: readonly unknown[]) => void;
  readonly report: (error: AgentryError) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** @internal One channel's serialized appends. */
export interface ChannelWriter {
  readonly channel: string;
  /**
   * Appends events after every write made before (never reordered), closing the channel with them
   * when `close` is set. Resolves `true` once they are durable, `false` once their failure is
   * reported.
   */
  write(events: readonly unknown[], close?: boolean): Promise<boolean>;
  /** Resolves once every write given so far has settled. */
  settled(): Promise<void>;
  /** Whether no write is pending. */
  readonly idle: boolean;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Makes a channel's writer. Writes are chained, one at a time, so entries reach the log in the
 * order they were given. The channel is created on the first write. A failed append is retried
 * after each of `retryDelays`, as the same producer append (idempotent: a retry of an append that
 * did land is not applied again). When every retry fails, the failure is reported with the number
 * of events not written, and the channel's history is reset before the next write (deleted and
 * created again: a new epoch, so a reader holding an older offset gets `offset_gone`, an explicit
 * gap), that write starting with `restart(lost)` (the run's snapshot, or a gap notice). Nothing is
 * dropped silently.
 *
 * @internal
 */
export function createChannelWriter(options: ChannelWriterOptions): ChannelWriter {
  const { log, channel } = options;
  const sleep = options.sleep ?? sleepFor;
  let tail: Promise<void> = options.after ?? Promise.resolve();
  let pending = 0;
  let created = false;
  let prepared = false;
  let seq = 0;
  /** Events reported as not written since the last successful append; > 0 means reset first. */
  let lost = 0;
  let closed = false;

  const ensure = async () => {
    if (created) return;
    if (!prepared && options.prepare !== undefined) await options.prepare();
    prepared = true;
    try {
      await log.create(channel, options.create);
    } catch (error) {
      // Made before with other options (another version's retention, say): write to it as it is.
      if (!(AgentryError.isInstance(error) && error.code === 'conflict')) throw error;
    }
    created = true;
  };

  const attempt = async (entries: readonly string[], close: boolean) => {
    await ensure();
    const producer: RealtimeProducer = { id: options.producerId, epoch: 0, seq };
    const result = await log.append(channel, entries, { producer, ...(close ? { close } : {}) });
    seq += 1;
    return result;
  };

  const run = async (events: readonly unknown[], close: boolean): Promise<boolean> => {
    if (closed) {
      options.report(
        new AgentryError({
          code: 'invalid_transition',
          message: `${events.length} realtime event(s) for ${channel} came after the channel was closed; they were not written.`,
          details: { channel, events: events.length },
          suggestions: ['This is a bug in the event source: report it with the channel name.'],
        }),
      );
      return false;
    }
    let batch = events;
    if (lost > 0) {
      await log.delete(channel).catch(() => undefined);
      created = false;
      seq = 0;
      batch = [...options.restart(lost), ...events];
    }
    const entries = batch.map((event) => JSON.stringify(event));
    let failure: unknown;
    for (let retry = 0; retry <= options.retryDelays.length; retry += 1) {
      if (retry > 0) await sleep(options.retryDelays[retry - 1]!);
      try {
        const result = await attempt(entries, close);
        lost = 0;
        if (result.closed) closed = true;
        const last = result.offsets.at(-1) ?? result.tailOffset;
        await options.durable?.(batch, last, closed).catch((error: unknown) =>
          options.report(
            new AgentryError({
              code: 'internal',
              message: `Storing the snapshot of ${channel} failed: ${error instanceof Error ? error.message : String(error)}. Late joiners start from the previous snapshot and read a longer tail.`,
              details: { channel },
              suggestions: ['Check the realtime log backend.'],
              cause: error,
            }),
          ),
        );
        return true;
      } catch (error) {
        failure = error;
        if (AgentryError.isInstance(error) && error.code === 'not_found') created = false;
        // A closed channel never takes more: retrying cannot help.
        if (AgentryError.isInstance(error) && error.code === 'conflict') break;
      }
    }
    lost += events.length;
    if (close) closed = true;
    options.lost?.(events);
    const cause = failure instanceof Error ? failure.message : String(failure);
    options.report(
      new AgentryError({
        code: 'internal',
        message: `Appending ${events.length} realtime event(s) to ${channel} failed ${options.retryDelays.length + 1} time(s): ${cause}. ${
          close
            ? 'The channel could not be closed either.'
            : "Its history is reset before the next append, so readers see an explicit gap (offset_gone) and the run's snapshot."
        }`,
        details: { channel, events: events.length, lost },
        suggestions: [
          'Check the realtime log backend (disk space, database connection).',
          'Readers resume from the snapshot; the events reported here are missing from the log.',
        ],
        cause: failure,
      }),
    );
    return false;
  };

  return {
    channel,
    write(events, close = false) {
      pending += 1;
      const next = tail.then(() => run(events, close));
      const settled = next.then(
        (written) => {
          pending -= 1;
          return written;
        },
        (error: unknown) => {
          pending -= 1;
          options.report(
            new AgentryError({
              code: 'internal',
              message: `The realtime writer of ${channel} failed: ${error instanceof Error ? error.message : String(error)}`,
              details: { channel },
              suggestions: ['Report this with the channel name.'],
              cause: error,
            }),
          );
          return false;
        },
      );
      tail = settled.then(() => undefined);
      return settled;
    },
    settled: () => tail,
    get idle() {
      return pending === 0;
    },
  };
}
