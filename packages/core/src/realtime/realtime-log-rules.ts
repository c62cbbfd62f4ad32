import { AgentryError } from '../errors/index.js';
import type {
  RealtimeAppendResult,
  RealtimeChannelInfo,
  RealtimeChannelOptions,
  RealtimeProducer,
} from './realtime-log.js';
import {
  REALTIME_NOW,
  REALTIME_START,
  formatRealtimeOffset,
  parseRealtimeOffset,
} from './realtime-offset.js';

// The rules every RealtimeLog backend applies the same way: options with defaults, producer
// idempotency, writer sequences, the kind of data a channel takes and where a read starts. A
// backend keeps its own state and calls these, so the memory and SQLite logs cannot drift apart.

/**
 * A channel's options with defaults filled in, as {@link RealtimeChannelInfo.options} holds them.
 *
 * @example
 * ```ts
 * import type { ResolvedRealtimeChannelOptions } from '@agentry/core';
 *
 * declare const options: ResolvedRealtimeChannelOptions;
 * console.log(options.maxEntries, options.labels);
 * ```
 */
export type ResolvedRealtimeChannelOptions = RealtimeChannelInfo['options'];

/**
 * A log's own defaults for channels created without `maxEntries` or `maxAgeMs`.
 *
 * @example
 * ```ts
 * import type { RealtimeLogDefaults } from '@agentry/core';
 *
 * const defaults: RealtimeLogDefaults = { maxEntries: 10_000, maxAgeMs: 86_400_000 };
 * console.log(defaults.maxEntries);
 * ```
 */
export interface RealtimeLogDefaults {
  /** Entries kept per channel when the channel does not say. */
  readonly maxEntries: number;
  /** How long entries are kept (milliseconds) when the channel does not say. */
  readonly maxAgeMs: number;
}

/**
 * The defaults of the logs Agentry ships: 10,000 entries and a day per channel.
 *
 * @example
 * ```ts
 * import { REALTIME_LOG_DEFAULTS } from '@agentry/core';
 *
 * console.log(REALTIME_LOG_DEFAULTS.maxEntries); // 10000
 * ```
 */
export const REALTIME_LOG_DEFAULTS: RealtimeLogDefaults = {
  maxEntries: 10_000,
  maxAgeMs: 86_400_000,
};

/**
 * The default and the ceiling of `read`'s `limit`.
 *
 * @example
 * ```ts
 * import { REALTIME_READ_LIMIT } from '@agentry/core';
 *
 * console.log(REALTIME_READ_LIMIT.default, REALTIME_READ_LIMIT.max); // 1000 100000
 * ```
 */
export const REALTIME_READ_LIMIT = {
  /** The limit a read without one gets. */
  default: 1_000,
  /** The largest limit a read may ask for. */
  max: 100_000,
} as const;

function invalid(message: string, details: Record<string, unknown>, suggestion: string): never {
  throw new AgentryError({
    code: 'validation_failed',
    message,
    details,
    suggestions: [suggestion],
  });
}

function positiveInteger(channel: string, name: string, value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  return invalid(
    `Realtime channel ${JSON.stringify(channel)}: option ${name} is ${JSON.stringify(value) ?? String(value)}; it must be a positive integer.`,
    { channel, path: name, value: String(value) },
    `Give ${name} as a whole number above 0, or leave it out for the log's default.`,
  );
}

/**
 * Checks a channel's options and fills in the defaults: the media type (`application/json`),
 * `maxEntries` and `maxAgeMs` from the log's defaults, `labels` as `{}`.
 *
 * @throws AgentryError `validation_failed` naming the option and its value
 *
 * @example
 * ```ts
 * import { REALTIME_LOG_DEFAULTS, resolveRealtimeChannelOptions } from '@agentry/core';
 *
 * const options = resolveRealtimeChannelOptions('run/r-1', { maxEntries: 500 }, REALTIME_LOG_DEFAULTS);
 * console.log(options.contentType, options.maxEntries, options.maxAgeMs); // application/json 500 86400000
 * ```
 */
export function resolveRealtimeChannelOptions(
  channel: string,
  options: RealtimeChannelOptions | undefined,
  defaults: RealtimeLogDefaults,
): ResolvedRealtimeChannelOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null))
    invalid(
      `Realtime channel ${JSON.stringify(channel)}: options must be an object.`,
      { channel },
      'Pass { contentType, maxEntries, maxAgeMs, expiresAt, labels } or nothing.',
    );
  const given = options ?? {};
  const contentType = given.contentType ?? 'application/json';
  if (typeof contentType !== 'string' || !/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/.test(contentType))
    invalid(
      `Realtime channel ${JSON.stringify(channel)}: contentType ${JSON.stringify(contentType)} is not a media type.`,
      { channel, path: 'contentType', value: String(contentType) },
      'Give a media type such as application/json or text/plain.',
    );
  const maxEntries = positiveInteger(
    channel,
    'maxEntries',
    given.maxEntries ?? defaults.maxEntries,
  );
  const maxAgeMs = positiveInteger(channel, 'maxAgeMs', given.maxAgeMs ?? defaults.maxAgeMs);
  if (
    given.expiresAt !== undefined &&
    (typeof given.expiresAt !== 'number' || !Number.isFinite(given.expiresAt))
  )
    invalid(
      `Realtime channel ${JSON.stringify(channel)}: expiresAt ${String(given.expiresAt)} is not a time.`,
      { channel, path: 'expiresAt', value: String(given.expiresAt) },
      'Give expiresAt in milliseconds since the epoch, such as Date.now() + 3_600_000.',
    );
  const labels: Record<string, string> = {};
  if (given.labels !== undefined) {
    if (typeof given.labels !== 'object' || given.labels === null)
      invalid(
        `Realtime channel ${JSON.stringify(channel)}: labels must be an object of strings.`,
        { channel, path: 'labels' },
        'Give labels such as { userId: "u-1" }.',
      );
    for (const key of Object.keys(given.labels).sort()) {
      const value = given.labels[key];
      if (typeof value !== 'string')
        invalid(
          `Realtime channel ${JSON.stringify(channel)}: label ${JSON.stringify(key)} is not a string.`,
          { channel, path: `labels.${key}` },
          'Label values are strings; convert numbers with String().',
        );
      labels[key] = value;
    }
  }
  return given.expiresAt === undefined
    ? { contentType, maxEntries, maxAgeMs, labels }
    : { contentType, maxEntries, maxAgeMs, expiresAt: given.expiresAt, labels };
}

/**
 * The canonical JSON text of resolved options: equal options give equal text (labels sorted), so
 * `create` compares a second call's options with the stored ones by this text.
 *
 * @example
 * ```ts
 * import { REALTIME_LOG_DEFAULTS, realtimeChannelOptionsKey, resolveRealtimeChannelOptions } from '@agentry/core';
 *
 * const a = resolveRealtimeChannelOptions('c', { labels: { b: '1', a: '2' } }, REALTIME_LOG_DEFAULTS);
 * const b = resolveRealtimeChannelOptions('c', { labels: { a: '2', b: '1' } }, REALTIME_LOG_DEFAULTS);
 * console.log(realtimeChannelOptionsKey(a) === realtimeChannelOptionsKey(b)); // true
 * ```
 */
export function realtimeChannelOptionsKey(options: ResolvedRealtimeChannelOptions): string {
  const labels: Record<string, string> = {};
  for (const key of Object.keys(options.labels).sort()) labels[key] = options.labels[key]!;
  return JSON.stringify({
    contentType: options.contentType,
    maxEntries: options.maxEntries,
    maxAgeMs: options.maxAgeMs,
    expiresAt: options.expiresAt ?? null,
    labels,
  });
}

/**
 * The `conflict` thrown by `create` when a channel exists with other options.
 *
 * @example
 * ```ts
 * import { realtimeOptionsConflict } from '@agentry/core';
 *
 * const error = realtimeOptionsConflict('run/r-1', '{"maxEntries":1}', '{"maxEntries":2}');
 * console.log(error.code); // conflict
 * ```
 */
export function realtimeOptionsConflict(
  channel: string,
  existing: string,
  requested: string,
): AgentryError {
  return new AgentryError({
    code: 'conflict',
    message: `Realtime channel ${JSON.stringify(channel)} already exists with other options.`,
    details: {
      channel,
      existing: JSON.parse(existing) as unknown,
      requested: JSON.parse(requested) as unknown,
    },
    suggestions: [
      'Create it with the same options, or delete it first (its history is lost and a new epoch starts).',
    ],
  });
}

/**
 * The `not_found` for a channel that was never created (or was deleted).
 *
 * @example
 * ```ts
 * import { realtimeChannelNotFound } from '@agentry/core';
 *
 * console.log(realtimeChannelNotFound('run/r-1').code); // not_found
 * ```
 */
export function realtimeChannelNotFound(channel: string): AgentryError {
  return new AgentryError({
    code: 'not_found',
    message: `Realtime channel ${JSON.stringify(channel)} does not exist.`,
    details: { channel },
    suggestions: ['Create it with log.create() first; a deleted or expired channel is gone.'],
  });
}

/**
 * The `invalid_transition` for a log used after `close()`.
 *
 * @example
 * ```ts
 * import { realtimeLogClosed } from '@agentry/core';
 *
 * console.log(realtimeLogClosed('memory').code); // invalid_transition
 * ```
 */
export function realtimeLogClosed(name: string): AgentryError {
  return new AgentryError({
    code: 'invalid_transition',
    message: `The realtime log (${name}) is closed; it cannot be used any more.`,
    details: { log: name, state: 'closed' },
    suggestions: ['Create a new log, or close the log last.'],
  });
}

/**
 * Whether a media type is JSON (`application/json` or a `+json` type): its entries are JSON text.
 *
 * @example
 * ```ts
 * import { isJsonContentType } from '@agentry/core';
 *
 * console.log(isJsonContentType('application/json; charset=utf-8')); // true
 * console.log(isJsonContentType('text/plain')); // false
 * ```
 */
export function isJsonContentType(contentType: string): boolean {
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}

/**
 * Checks what is appended (or stored as a snapshot): strings or bytes, and on a JSON channel
 * strings that parse as JSON.
 *
 * @throws AgentryError `validation_failed` naming the entry's index
 *
 * @example
 * ```ts
 * import { assertRealtimeEntries } from '@agentry/core';
 *
 * assertRealtimeEntries('run/r-1', 'application/json', ['{"type":"RUN_STARTED"}']); // fine
 * assertRealtimeEntries('run/r-1', 'application/json', ['{oops']); // throws validation_failed
 * ```
 */
export function assertRealtimeEntries(
  channel: string,
  contentType: string,
  entries: readonly unknown[],
): asserts entries is readonly (string | Uint8Array)[] {
  if (!Array.isArray(entries))
    invalid(
      `Realtime channel ${JSON.stringify(channel)}: entries must be an array.`,
      { channel },
      'Pass an array of strings (JSON text on a JSON channel) or Uint8Arrays.',
    );
  const json = isJsonContentType(contentType);
  for (let index = 0; index < entries.length; index += 1) {
    const entry: unknown = entries[index];
    if (typeof entry === 'string') {
      if (!json) continue;
      try {
        JSON.parse(entry);
        continue;
      } catch {
        invalid(
          `Realtime channel ${JSON.stringify(channel)} holds JSON; entry ${index} is not JSON text.`,
          { channel, path: `entries[${index}]`, contentType },
          'Append JSON.stringify(value), once per value.',
        );
      }
    }
    if (entry instanceof Uint8Array && !json) continue;
    invalid(
      `Realtime channel ${JSON.stringify(channel)} (${contentType}): entry ${index} is ${entry instanceof Uint8Array ? 'bytes, but the channel holds JSON text' : entry === null ? 'null' : typeof entry}.`,
      { channel, path: `entries[${index}]`, contentType },
      json
        ? 'Append JSON text (JSON.stringify(value)) to a JSON channel.'
        : 'Append strings or Uint8Arrays.',
    );
  }
}

/**
 * What a log keeps per channel and producer id for idempotent appends.
 *
 * @example
 * ```ts
 * import type { RealtimeProducerState } from '@agentry/core';
 *
 * const state: RealtimeProducerState = { epoch: 3, seq: 41 };
 * console.log(state.seq);
 * ```
 */
export interface RealtimeProducerState {
  /** The newest epoch seen. */
  readonly epoch: number;
  /** The last sequence applied in that epoch. */
  readonly seq: number;
}

/**
 * Decides a producer's append against what the log last applied for it: `append` for the next
 * sequence (0 for a producer never seen or a new epoch), `duplicate` for a sequence already applied
 * in the current epoch.
 *
 * @throws AgentryError `conflict` (details `{ expected, received }`) for a sequence gap;
 *   `lease_lost` for an epoch older than the newest seen; `validation_failed` for a malformed
 *   producer
 *
 * @example
 * ```ts
 * import { checkRealtimeProducer } from '@agentry/core';
 *
 * console.log(checkRealtimeProducer('run/r-1', { epoch: 1, seq: 4 }, { id: 'p', epoch: 1, seq: 5 })); // append
 * console.log(checkRealtimeProducer('run/r-1', { epoch: 1, seq: 4 }, { id: 'p', epoch: 1, seq: 3 })); // duplicate
 * ```
 */
export function checkRealtimeProducer(
  channel: string,
  last: RealtimeProducerState | undefined,
  producer: RealtimeProducer,
): 'append' | 'duplicate' {
  const id: unknown = producer?.id;
  if (
    typeof producer !== 'object' ||
    producer === null ||
    typeof id !== 'string' ||
    id.length === 0 ||
    id.length > 256 ||
    !Number.isSafeInteger(producer.epoch) ||
    producer.epoch < 0 ||
    !Number.isSafeInteger(producer.seq) ||
    producer.seq < 0
  )
    invalid(
      `Realtime channel ${JSON.stringify(channel)}: the producer ${JSON.stringify(producer)} is malformed.`,
      { channel, path: 'producer' },
      'A producer is { id: non-empty string of at most 256 characters, epoch: integer ≥ 0, seq: integer ≥ 0 }.',
    );
  if (last !== undefined && producer.epoch < last.epoch)
    throw new AgentryError({
      code: 'lease_lost',
      message: `Realtime channel ${JSON.stringify(channel)}: producer ${JSON.stringify(id)} epoch ${producer.epoch} is older than epoch ${last.epoch}, which took over.`,
      details: { channel, producer: id, currentEpoch: last.epoch, received: producer.epoch },
      suggestions: ['Stop this writer: a newer incarnation of the producer owns the channel.'],
    });
  const sameEpoch = last !== undefined && producer.epoch === last.epoch;
  if (sameEpoch && producer.seq <= last.seq) return 'duplicate';
  const expected = sameEpoch ? last.seq + 1 : 0;
  if (producer.seq === expected) return 'append';
  throw new AgentryError({
    code: 'conflict',
    message: `Realtime channel ${JSON.stringify(channel)}: producer ${JSON.stringify(id)} sent sequence ${producer.seq} in epoch ${producer.epoch}; the next one expected is ${expected}.`,
    details: { channel, producer: id, epoch: producer.epoch, expected, received: producer.seq },
    suggestions: [
      `Resend the appends from sequence ${expected}; a new epoch starts at sequence 0.`,
    ],
  });
}

/**
 * What {@link RealtimeLog.append} answers for a producer's retried append (a `duplicate` from
 * {@link checkRealtimeProducer}): nothing appended, the channel's tail and closed state, and the
 * producer's highest accepted sequence in its epoch (`producerSeq`, from `last`).
 *
 * @example
 * ```ts
 * import { realtimeDuplicateAppendResult } from '@agentry/core';
 *
 * const result = realtimeDuplicateAppendResult('0193a1b2c3d4_0000000000000003', false, { epoch: 0, seq: 2 });
 * console.log(result.duplicate, result.producerSeq); // true 2
 * ```
 */
export function realtimeDuplicateAppendResult(
  tailOffset: string,
  closed: boolean,
  last: RealtimeProducerState,
): RealtimeAppendResult {
  return { offsets: [], tailOffset, duplicate: true, closed, producerSeq: last.seq };
}

/**
 * Checks a `writerSeq` against the last one given on the channel: it must be greater as a string.
 *
 * @throws AgentryError `conflict` (details `{ last, received }`); `validation_failed` for an empty
 *   or non-string value
 *
 * @example
 * ```ts
 * import { checkRealtimeWriterSeq } from '@agentry/core';
 *
 * checkRealtimeWriterSeq('run/r-1', '0001', '0002'); // fine
 * checkRealtimeWriterSeq('run/r-1', '0002', '0002'); // throws conflict
 * ```
 */
export function checkRealtimeWriterSeq(
  channel: string,
  last: string | undefined,
  writerSeq: string,
): void {
  if (typeof writerSeq !== 'string' || writerSeq.length === 0 || writerSeq.length > 256)
    invalid(
      `Realtime channel ${JSON.stringify(channel)}: writerSeq must be a non-empty string of at most 256 characters.`,
      { channel, path: 'writerSeq' },
      'Give a sequence that sorts as a string, such as a zero-padded counter.',
    );
  if (last === undefined || writerSeq > last) return;
  throw new AgentryError({
    code: 'conflict',
    message: `Realtime channel ${JSON.stringify(channel)}: writerSeq ${JSON.stringify(writerSeq)} is not greater than the last one, ${JSON.stringify(last)}.`,
    details: { channel, last, received: writerSeq },
    suggestions: [
      'Give each append a writerSeq that sorts after the previous one (zero-pad counters).',
    ],
  });
}

/**
 * Checks `read`'s `limit` and fills in the default.
 *
 * @throws AgentryError `validation_failed` for a limit that is not an integer from 1 to 100,000
 *
 * @example
 * ```ts
 * import { resolveRealtimeReadLimit } from '@agentry/core';
 *
 * console.log(resolveRealtimeReadLimit(undefined)); // 1000
 * ```
 */
export function resolveRealtimeReadLimit(limit: number | undefined): number {
  if (limit === undefined) return REALTIME_READ_LIMIT.default;
  if (Number.isSafeInteger(limit) && limit >= 1 && limit <= REALTIME_READ_LIMIT.max) return limit;
  return invalid(
    `A realtime read limit of ${String(limit)} is not allowed; it is an integer from 1 to ${REALTIME_READ_LIMIT.max}.`,
    { path: 'limit', value: String(limit) },
    'Leave limit out for 1,000, or page with nextOffset.',
  );
}

/**
 * Where a channel's history stands, as a read sees it.
 *
 * @example
 * ```ts
 * import type { RealtimeChannelPosition } from '@agentry/core';
 *
 * const position: RealtimeChannelPosition = { epoch: '0193a1b2c3d4', tailSeq: 12, retainedAfterSeq: 2 };
 * console.log(position.tailSeq);
 * ```
 */
export interface RealtimeChannelPosition {
  /** The channel's epoch. */
  readonly epoch: string;
  /** The sequence of its last entry; 0 when it has none. */
  readonly tailSeq: number;
  /** Entries up to this sequence were dropped by retention; 0 when none were. */
  readonly retainedAfterSeq: number;
}

/**
 * Resolves `read`'s `after` against a channel: the sequence to read after, whether the read from
 * `-1` missed dropped entries (`truncated`), and the offset to report when nothing is read.
 *
 * @throws AgentryError `offset_gone` (details `{ retainedAfter, epoch }`) for an offset whose
 *   following entries were dropped or from an older epoch; `validation_failed` for a string that is
 *   not an offset, or one from a newer epoch or past the tail
 *
 * @example
 * ```ts
 * import { resolveRealtimeReadStart } from '@agentry/core';
 *
 * const start = resolveRealtimeReadStart('run/r-1', '-1', { epoch: '0193a1b2c3d4', tailSeq: 9, retainedAfterSeq: 4 });
 * console.log(start.afterSeq, start.truncated); // 4 true
 * ```
 */
export function resolveRealtimeReadStart(
  channel: string,
  after: string,
  position: RealtimeChannelPosition,
): {
  /** The sequence to read after: the read returns the entries from the next one on. */
  readonly afterSeq: number;
  /** `true` when a read from `-1` starts after entries retention dropped. */
  readonly truncated: boolean;
  /** The offset to report as the next one when the read returns no entries. */
  readonly offset: string;
} {
  const { epoch, tailSeq, retainedAfterSeq } = position;
  if (after === REALTIME_START)
    return {
      afterSeq: retainedAfterSeq,
      truncated: retainedAfterSeq > 0,
      offset: formatRealtimeOffset(epoch, retainedAfterSeq),
    };
  if (after === REALTIME_NOW)
    return { afterSeq: tailSeq, truncated: false, offset: formatRealtimeOffset(epoch, tailSeq) };
  const parsed = typeof after === 'string' ? parseRealtimeOffset(after) : undefined;
  if (parsed === undefined)
    invalid(
      `Realtime channel ${JSON.stringify(channel)}: ${JSON.stringify(after)} is not an offset.`,
      { channel, offset: String(after) },
      'Read from -1 (the start), now (the tail) or an offset this log returned.',
    );
  const retainedAfter = formatRealtimeOffset(epoch, retainedAfterSeq);
  if (parsed.epoch < epoch || (parsed.epoch === epoch && parsed.seq < retainedAfterSeq))
    throw new AgentryError({
      code: 'offset_gone',
      message:
        parsed.epoch < epoch
          ? `Realtime channel ${JSON.stringify(channel)}: offset ${after} belongs to an earlier history (epoch ${parsed.epoch}); the channel is now at epoch ${epoch}.`
          : `Realtime channel ${JSON.stringify(channel)}: the entries after ${after} were dropped by retention; the oldest kept follow ${retainedAfter}.`,
      details: { channel, offset: after, retainedAfter, epoch },
      suggestions: [
        "Start again from the channel's snapshot (getSnapshot) and read after its offset, or from -1.",
      ],
    });
  if (parsed.epoch > epoch || parsed.seq > tailSeq)
    invalid(
      `Realtime channel ${JSON.stringify(channel)}: offset ${after} is ${parsed.epoch > epoch ? 'from a newer epoch than the channel' : "past the channel's tail"} (${formatRealtimeOffset(epoch, tailSeq)}).`,
      { channel, offset: after, tailOffset: formatRealtimeOffset(epoch, tailSeq) },
      'Use an offset this log returned for this channel.',
    );
  return { afterSeq: parsed.seq, truncated: false, offset: after };
}
