/**
 * The chat-web example: `npx -y pnpm@10 demo:chat-web`, then open the printed address. A page
 * that streams an agent's answer over `@agentry/realtime` from a SQLite log; stop the server
 * mid-answer (Ctrl-C) and start it again: the page carries on, then shows the interrupted run's end.
 *
 * Options (all optional):
 *   --port <n>             the port (default 3000; 0 for a free one)
 *   --database <file>      the SQLite realtime log (default: agentry-chat-web/realtime.db in the
 *                          system's temporary directory, kept across restarts)
 *   --model-url <url>      an emulator's OpenAI Responses base URL to use instead of starting one
 *   --word-delay <ms>      the emulator's delay between words (default 150)
 *   --buffer-size <n>      events kept per channel (communication.realtime.bufferSize)
 *   --snapshot-every <n>   store a run's snapshot after this many entries
 * With OPENAI_API_KEY set and no --model-url, the real API answers.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { AgentryError } from '@agentry/core';
import { startEmulator, type Emulator } from '@agentry/testing';
import { chatReply } from './chat-answer.js';
import { startChatServer, type ChatServer } from './chat-server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '3000' },
    database: { type: 'string', default: join(tmpdir(), 'agentry-chat-web', 'realtime.db') },
    'model-url': { type: 'string' },
    'word-delay': { type: 'string', default: '150' },
    'buffer-size': { type: 'string' },
    'snapshot-every': { type: 'string' },
  },
});

const integer = (name: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (Number.isInteger(value) && value >= 0) return value;
  throw new AgentryError({
    code: 'validation_failed',
    message: `--${name} is ${JSON.stringify(text)}; it must be a whole number.`,
    details: { path: name, value: text },
    suggestions: [`Pass --${name} 100, for example, or leave it out.`],
  });
};

let emulator: Emulator | undefined;
let server: ChatServer | undefined;
try {
  const realKey = process.env.OPENAI_API_KEY;
  let modelUrl = values['model-url'];
  if (modelUrl === undefined && realKey === undefined) {
    emulator = await startEmulator({
      defaultTurn: chatReply(integer('word-delay', values['word-delay']) ?? 150),
    });
    modelUrl = emulator.baseURL('openai-responses');
  }
  mkdirSync(dirname(values.database), { recursive: true });
  const bufferSize = integer('buffer-size', values['buffer-size']);
  const snapshotEvery = integer('snapshot-every', values['snapshot-every']);
  server = await startChatServer({
    databasePath: values.database,
    modelUrl,
    ...(modelUrl === undefined && realKey !== undefined ? { apiKey: realKey } : {}),
    port: integer('port', values.port) ?? 3000,
    ...(bufferSize === undefined ? {} : { bufferSize }),
    ...(snapshotEvery === undefined ? {} : { snapshotEvery }),
  });
  console.log(`chat-web listening on ${server.url}`);
  console.log(`  realtime log: ${values.database}`);
  console.log(
    `  model: ${emulator ? 'the local emulator' : modelUrl ? modelUrl : 'the OpenAI API'}`,
  );
  console.log(
    '  Ask something, stop this server (Ctrl-C) mid-answer, start it again: the page carries on.',
  );
} catch (error) {
  await emulator?.close();
  if (!AgentryError.isInstance(error)) throw error;
  console.error(`${error.code}: ${error.message}`);
  for (const suggestion of error.suggestions) console.error(`  - ${suggestion}`);
  process.exit(1);
}

/** How long a stop waits for runs in progress to end; the next start ends those still going. */
const stopGraceMs = 2_000;
let stopping = false;
const stop = () => {
  if (stopping) process.exit(130);
  stopping = true;
  console.log(
    `Stopping: runs still going after ${stopGraceMs / 1000} s are ended by the next start.`,
  );
  const grace = new Promise((resolve) => setTimeout(resolve, stopGraceMs).unref());
  void Promise.race([server?.close(), grace]).finally(() => {
    void emulator?.close();
    process.exit(0);
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
