// Characters a channel segment may hold as they are (see core's assertChannelName), except `~`,
// which starts an escape here.
const plain = /^[A-Za-z0-9._:@-]$/;
/** Longest encoded id kept whole; longer ones are cut and tagged with a hash (a channel is ≤ 256). */
const maxSegment = 200;
const encoder = new TextEncoder();

/**
 * Turns any id into one channel-name segment, deterministically and reversibly for ids up to 200
 * encoded characters: letters, digits and `. _ : @ -` stay as they are; every other character
 * (`/`, `~`, spaces, non-ASCII) becomes `~` and two uppercase hexadecimal digits per UTF-8 byte,
 * as percent-encoding does with `%`. An id that is `.` or `..`, or empty, is escaped too (`~2E`,
 * `~`), since such segments are refused. A longer result is cut to 200 characters and ends with
 * `~~` and a 16-digit hash of the whole id, so distinct ids stay distinct in practice.
 *
 * @example
 * ```ts
 * import { encodeChannelSegment } from '@agentry/realtime';
 *
 * encodeChannelSegment('run-1'); // 'run-1'
 * encodeChannelSegment('orders/A 7'); // 'orders~2FA~207'
 * ```
 */
export function encodeChannelSegment(id: string): string {
  if (id.length === 0) return '~';
  if (id === '.' || id === '..') return id.replaceAll('.', '~2E');
  let encoded = '';
  for (const character of id) {
    if (plain.test(character)) {
      encoded += character;
      continue;
    }
    for (const byte of encoder.encode(character)) {
      encoded += `~${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  if (encoded.length <= maxSegment) return encoded;
  // Cut at an escape boundary, so the kept part is still well formed.
  let cut = encoded.slice(0, maxSegment);
  const tilde = cut.lastIndexOf('~');
  if (tilde > maxSegment - 3) cut = cut.slice(0, tilde);
  return `${cut}~~${hash(id)}`;
}

/**
 * The names of the channels the realtime plug-in writes, from the ids in Agentry's events: what a
 * client subscribes to. Each id is one segment, encoded by {@link encodeChannelSegment}.
 *
 * - `run/<runId>`: one agent run, from `RUN_STARTED` to its end; closed when the run ends.
 * - `agent/<agentId>`: every run of one agent; stays open.
 * - `session/<sessionId>`: every run of every agent in one session; stays open.
 * - `workflow-run/<runId>`: one workflow run; closed when it ends.
 *
 * @example
 * ```ts
 * import { realtimeChannels } from '@agentry/realtime';
 *
 * declare const run: { id: string };
 * const channel = realtimeChannels.run(run.id); // 'run/…'
 * console.log(channel, realtimeChannels.session('chat 42')); // … 'session/chat~2042'
 * ```
 */
export const realtimeChannels = Object.freeze({
  /** The channel of one agent run. */
  run: (runId: string): string => `run/${encodeChannelSegment(runId)}`,
  /** The channel of every run of one agent. */
  agent: (agentId: string): string => `agent/${encodeChannelSegment(agentId)}`,
  /** The channel of every run in one session. */
  session: (sessionId: string): string => `session/${encodeChannelSegment(sessionId)}`,
  /** The channel of one workflow run. */
  workflowRun: (runId: string): string => `workflow-run/${encodeChannelSegment(runId)}`,
});

/** Two FNV-1a passes with different offsets: 64 bits, as 16 hexadecimal digits. */
function hash(text: string): string {
  let first = 0x811c9dc5;
  let second = 0x01000193 ^ 0x5bd1e995;
  for (const byte of encoder.encode(text)) {
    first = Math.imul(first ^ byte, 0x01000193) >>> 0;
    second = Math.imul(second ^ byte, 0x01000193) >>> 0;
  }
  return first.toString(16).padStart(8, '0') + second.toString(16).padStart(8, '0');
}
