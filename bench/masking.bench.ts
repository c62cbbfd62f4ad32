/**
 * Masking benchmark, against the target of the masking work: masking mixed text (log lines with
 * secrets and personal data among them) runs at 30 MB/s or more on one core.
 *
 * The text is about 2 MB of log lines built at run time from a seeded generator: most lines are
 * clean (timestamps, ids, UUIDs, paths, durations), one in eight holds an email, a phone number,
 * an IP address, a card number or an IBAN, one in sixteen a secret (an API key, a JWT, a password
 * in a URL or a connection string, a bearer token), and one in 32 non-ASCII text or JSON escapes.
 *
 * Method: the compiled benchmark runs on the built packages under plain `node`. Each figure is the
 * median over 7 rounds of the CPU time of one pass; the MB/s are UTF-8 bytes of input per second.
 * - masker, whole text: `maskText` over the whole text in one call.
 * - masker, per line: `maskText` on each line, as a logger calls it (shown, not held to the
 *   target: on lines of about 130 characters the fixed cost of each detector's call shows).
 * - floor: one plain regular-expression replace (emails) over the same text, measured in the same
 *   run: the least any masking pass can cost.
 * - stream: the whole text pushed through `createStreamMasker` in 64-character chunks, and about
 *   200 kB of prose (a model's streamed answer, no secrets) in 4-character chunks. Beside them,
 *   what the stream masker holds back after each push (the added latency, in characters): median
 *   and maximum over the pushes, for the prose and for the log, and the worst-case bound
 *   (`holdBack`, reached only while a candidate such as a private-key block is open).
 */
import { Buffer } from 'node:buffer';
import { createMasker, createStreamMasker } from '@agentry/security';
import { median } from './instant-model.js';

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(42);
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chars = (alphabet: string, length: number) =>
  Array.from({ length }, () => pick([...alphabet])).join('');
const uuid = () =>
  `${chars(HEX, 8)}-${chars(HEX, 4)}-4${chars(HEX, 3)}-a${chars(HEX, 3)}-${chars(HEX, 12)}`;

const personal = [
  () => `user=${chars('abcdefghij', 6)}.${chars('klmnop', 5)}@example.com`,
  () => `phone="+44 20 7946 ${chars('0123456789', 4)}"`,
  () => `client=192.168.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}`,
  () => 'card=4111 1111 1111 1111',
  () => 'iban=GB82 WEST 1234 5698 7654 32',
];
const secrets = [
  () => `key=${'s' + 'k-proj-'}${chars(ALNUM, 64)}`,
  () => `auth="Authorization: Bearer ${chars(ALNUM, 40)}"`,
  () => `db=postgres://app:${chars(ALNUM, 12)}@db.internal:5432/app`,
  () => `conn="Server=db;User Id=sa;Password=${chars(ALNUM, 12)};"`,
  () => `token=${'gh' + 'p_'}${chars(ALNUM, 36)}`,
];
const unusual = [
  () => '{"msg":"Grüße aus Köln","to":"dana\\u0040example.com","path":"a\\/b"}',
  () => 'message: ｆｕｌｌｗｉｄｔｈ text and 日本語のテキスト',
];

const lines: string[] = [];
let size = 0;
for (let index = 0; size < 2_000_000; index += 1) {
  let line =
    `2026-12-07T12:${String(index % 60).padStart(2, '0')}:05.123Z INFO request=${uuid()} ` +
    `path=/api/v1/orders/${Math.floor(random() * 1e6)} status=200 took=${Math.floor(random() * 900)}ms`;
  if (index % 8 === 3) line += ` ${pick(personal)()}`;
  if (index % 16 === 5) line += ` ${pick(secrets)()}`;
  if (index % 32 === 7) line += ` ${pick(unusual)()}`;
  lines.push(line);
  size += line.length + 1;
}
const text = lines.join('\n');

const proseWords = (
  'the answer depends on how you configure your agent; first, install the package and then ' +
  'call it from a handler. Streaming responses are delivered token by token with masking ' +
  'enabled (optional), otherwise: each message is checked before it is sent. In 2026 about 40 ' +
  'percent of requests used it.\n'
).split(' ');
let prose = '';
while (prose.length < 200_000) prose += proseWords[Math.floor(random() * proseWords.length)]! + ' ';
const bytes = Buffer.byteLength(text);
const megabytes = bytes / 1e6;

const masker = createMasker();
const emails = /[\w.+-]+@[\w-]+\.[\w.-]+/g;
let sink = 0;
const passes = {
  whole: () => {
    sink += masker.maskText(text).length;
  },
  lines: () => {
    for (const line of lines) sink += masker.maskText(line).length;
  },
  floor: () => {
    sink += text.replace(emails, '[EMAIL]').length;
  },
  stream: () => {
    const stream = createStreamMasker();
    for (let index = 0; index < text.length; index += 64) {
      sink += stream.push(text.slice(index, index + 64)).length;
    }
    sink += stream.flush().length;
  },
  prose: () => {
    const stream = createStreamMasker();
    for (let index = 0; index < prose.length; index += 4) {
      sink += stream.push(prose.slice(index, index + 4)).length;
    }
    sink += stream.flush().length;
  },
};

/** What the stream masker holds after each push of `source` in chunks of `size`. */
function heldWhileStreaming(source: string, size: number): { median: number; max: number } {
  const stream = createStreamMasker();
  const held: number[] = [];
  for (let index = 0; index < source.length; index += size) {
    stream.push(source.slice(index, index + size));
    held.push(stream.held);
  }
  stream.flush();
  return { median: median(held), max: Math.max(...held) };
}

const cpu = (pass: () => void): number => {
  const started = process.cpuUsage();
  pass();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1e6;
};
const rates: Record<keyof typeof passes, number[]> = {
  whole: [],
  lines: [],
  floor: [],
  stream: [],
  prose: [],
};
for (let warm = 0; warm < 3; warm += 1) for (const pass of Object.values(passes)) pass();
const proseMegabytes = Buffer.byteLength(prose) / 1e6;
for (let round = 0; round < 7; round += 1) {
  for (const [name, pass] of Object.entries(passes)) {
    rates[name as keyof typeof passes].push(
      (name === 'prose' ? proseMegabytes : megabytes) / cpu(pass),
    );
  }
}
if (sink === 0) throw new Error('nothing was masked');
const masked = masker.maskText(text);
const found = masked.match(/\[(?:[A-Z]+|SECRET:[a-z-]+)\]/g)?.length ?? 0;

const whole = median(rates.whole);
const perLine = median(rates.lines);
const holdBack = createStreamMasker().holdBack;
const proseHeld = heldWhileStreaming(prose, 4);
const logHeld = heldWhileStreaming(text, 64);
const rows = [
  ['masker, whole text (MB/s)', whole.toFixed(1), '>= 30', whole >= 30],
  // Informational: per call, the fixed cost of running every detector on a short line shows.
  ['masker, per line (MB/s)', perLine.toFixed(1), '', true],
  ['  floor: one regex replace (MB/s)', median(rates.floor).toFixed(1), '', true],
  ['stream masker, log, 64-char chunks (MB/s)', median(rates.stream).toFixed(1), '', true],
  ['stream masker, prose, 4-char chunks (MB/s)', median(rates.prose).toFixed(1), '', true],
  ['  held, prose, median / max (chars)', `${proseHeld.median} / ${proseHeld.max}`, '', true],
  ['  held, log, median / max (chars)', `${logHeld.median} / ${logHeld.max}`, '', true],
  ['  held at most: holdBack (chars)', String(holdBack), '', true],
  [
    '  text (MB), lines, placeholders',
    `${megabytes.toFixed(2)}, ${lines.length}, ${found}`,
    '',
    true,
  ],
] as const;
for (const [name, value, target, ok] of rows)
  console.log(`${ok ? 'ok  ' : 'MISS'} ${name.padEnd(44)} ${value.padStart(10)}  ${target}`);
if (rows.some(([, , , ok]) => !ok)) process.exitCode = 1;
