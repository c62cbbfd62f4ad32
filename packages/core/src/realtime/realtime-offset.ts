import { AgentryError } from '../errors/index.js';

/** The offset before a channel's first entry. */
export const REALTIME_START = '-1';
/** The offset meaning "the channel's tail, whatever it is now". */
export const REALTIME_NOW = 'now';

const offsetPattern = /^([0-9a-f]{12})_(\d{16})$/;
const channelPattern = /^[A-Za-z0-9._~:@-]+(?:\/[A-Za-z0-9._~:@-]+)*$/;
/** Sequence numbers stay exact as numbers up to 2^53; 16 digits hold every one of them. */
const maxSeq = Number.MAX_SAFE_INTEGER;

/**
 * A parsed realtime offset.
 *
 * @example
 * ```ts
 * import { parseRealtimeOffset, type RealtimeOffset } from '@agentry/core';
 *
 * const offset: RealtimeOffset | undefined = parseRealtimeOffset('0193a1b2c3d4_0000000000000042');
 * console.log(offset?.seq); // 42
 * ```
 */
export interface RealtimeOffset {
  /** The epoch: 12 lowercase hexadecimal digits. */
  readonly epoch: string;
  /** The entry's sequence number in its epoch; 0 is the epoch's start, before any entry. */
  readonly seq: number;
}

/**
 * Formats an offset: `<epoch>_<seq>`, the sequence zero-padded to 16 digits, so offsets sort as
 * strings.
 *
 * @throws AgentryError `validation_failed` for an epoch that is not 12 lowercase hexadecimal digits
 *   or a sequence that is not a safe non-negative integer
 *
 * @example
 * ```ts
 * import { formatRealtimeOffset } from '@agentry/core';
 *
 * console.log(formatRealtimeOffset('0193a1b2c3d4', 42)); // 0193a1b2c3d4_0000000000000042
 * ```
 */
export function formatRealtimeOffset(epoch: string, seq: number): string {
  if (!/^[0-9a-f]{12}$/.test(epoch) || !Number.isSafeInteger(seq) || seq < 0) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `Cannot format a realtime offset from epoch ${JSON.stringify(epoch)} and sequence ${String(seq)}.`,
      details: { epoch, seq },
      suggestions: [
        'An epoch is 12 lowercase hexadecimal digits (see newRealtimeEpoch); a sequence is a safe integer from 0.',
      ],
    });
  }
  return `${epoch}_${String(seq).padStart(16, '0')}`;
}

/**
 * Parses an offset minted by a {@link RealtimeLog}; `undefined` for anything else (the sentinels
 * `-1` and `now` included).
 *
 * @example
 * ```ts
 * import { parseRealtimeOffset } from '@agentry/core';
 *
 * console.log(parseRealtimeOffset('0193a1b2c3d4_0000000000000042')); // { epoch: '0193a1b2c3d4', seq: 42 }
 * console.log(parseRealtimeOffset('42')); // undefined
 * ```
 */
export function parseRealtimeOffset(text: string): RealtimeOffset | undefined {
  const match = offsetPattern.exec(text);
  if (match === null) return undefined;
  const seq = Number(match[2]);
  return seq <= maxSeq ? { epoch: match[1]!, seq } : undefined;
}

/**
 * Mints an epoch for a new history of a channel: the current time in milliseconds as 12 hexadecimal
 * digits, and always greater than `previous` when one is given, so every offset of the new history
 * sorts after every offset of the old.
 *
 * @example
 * ```ts
 * import { newRealtimeEpoch } from '@agentry/core';
 *
 * const first = newRealtimeEpoch();
 * const second = newRealtimeEpoch(first);
 * console.log(second > first); // true
 * ```
 */
export function newRealtimeEpoch(previous?: string, now: number = Date.now()): string {
  const after = previous === undefined ? -1 : Number.parseInt(previous, 16);
  return Math.max(Math.floor(now), after + 1)
    .toString(16)
    .padStart(12, '0');
}

/**
 * Checks a channel name: segments of letters, digits and `. _ ~ : @ -`, joined by `/`, at most 256
 * characters, with no empty, `.` or `..` segment. Channel names appear in URLs unescaped.
 *
 * @throws AgentryError `validation_failed` naming the channel and what is wrong with it
 *
 * @example
 * ```ts
 * import { assertChannelName } from '@agentry/core';
 *
 * assertChannelName('run/8f14e45f'); // fine
 * assertChannelName('run//x'); // throws validation_failed
 * ```
 */
export function assertChannelName(channel: unknown): asserts channel is string {
  const problem =
    typeof channel !== 'string'
      ? `is ${channel === null ? 'null' : typeof channel}, not a string`
      : channel.length === 0
        ? 'is empty'
        : channel.length > 256
          ? `is ${channel.length} characters long; at most 256 are allowed`
          : !channelPattern.test(channel)
            ? 'has a character other than letters, digits, . _ ~ : @ - and / between non-empty segments'
            : channel.split('/').some((segment) => segment === '.' || segment === '..')
              ? 'has a . or .. segment'
              : undefined;
  if (problem === undefined) return;
  throw new AgentryError({
    code: 'validation_failed',
    message: `Realtime channel name ${typeof channel === 'string' ? JSON.stringify(channel.slice(0, 300)) : String(channel)} ${problem}.`,
    details: { channel: typeof channel === 'string' ? channel.slice(0, 300) : String(channel) },
    suggestions: ['Name channels like run/<runId>, agent/<agentId> or user/<name>/<topic>.'],
  });
}
