import type { EmulatorReply } from '@agentry/testing';

/**
 * The answer the emulator streams, word by word: long enough (about 150 words) that a server
 * restart or a network drop lands in the middle of it.
 */
export const chatAnswer = [
  'A durable stream keeps every event of a run in an append-only log before anyone is sent it.',
  'Each event gets an offset from the server: opaque, sortable and strictly increasing, with an',
  'epoch that changes when the history of the channel is lost. The page you are reading remembers',
  'the offset of the last token it applied. When the connection drops, or the server process is',
  'stopped and started again, the page asks for the events after that offset and nothing else, so',
  'no token is lost and none is shown twice. When WebSocket is blocked by a proxy, the same log is',
  'read over Server-Sent Events, and when those are blocked too, over long polling. When the page',
  'sleeps for so long that the events it missed fell out of retention, the server says so with a',
  'gap and a snapshot of the run so far; the page rebuilds the answer from the snapshot and goes',
  'on from there instead of skipping silently. A run the stopped process left unfinished is ended',
  'with an error event by the next one, so nobody waits forever for the rest of an answer.',
].join(' ');

/**
 * The emulator's reply to every chat request: {@link chatAnswer}, one streamed piece per word,
 * `chunkDelayMs` apart.
 *
 * @example
 * ```ts
 * import { startEmulator } from '@agentry/testing';
 * import { chatReply } from './chat-answer.js';
 *
 * const emulator = await startEmulator({ defaultTurn: chatReply(40) });
 * console.log(emulator.baseURL('openai-responses'));
 * await emulator.close();
 * ```
 */
export function chatReply(chunkDelayMs: number): EmulatorReply {
  return { text: chatAnswer, chunkDelayMs };
}
