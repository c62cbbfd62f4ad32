/**
 * Encryption benchmark (`@agentry/security`), against the target of the data-protection work:
 * sealing and opening a 1 KiB record through the keyring runs at no less than 0.8× the throughput
 * of calling node:crypto's AES-256-GCM directly (a seal plus an open of the same record).
 *
 * Series, each a round trip (seal, then open) of a 1 KiB record:
 * - keyring: `await keyring.seal(record, context)` then `await keyring.open(envelope, context)`,
 *   AES-256-GCM, a memory key provider and the default in-memory store (invocations counted in
 *   blocks of 1,000, so one store write per 1,000 seals, as in production);
 * - envelope: `sealEnvelope` / `openEnvelope` with the key in hand (no counting, no await);
 * - floor: node:crypto directly: a random 12-byte IV, `createCipheriv('aes-256-gcm')` with the
 *   record's context as AAD, `update`, `final`, `getAuthTag`, then `createDecipheriv`,
 *   `setAuthTag`, `update`, `final`.
 *
 * Method: batches of 500 round trips rotate between the series (keyring, envelope, floor); each
 * batch records the mean per round trip. The ratios are medians over batches of the floor's time
 * divided by the series' time in the same rotation, so load drifting over seconds cancels out;
 * times are medians over batches. The compiled benchmark runs on the built packages under plain
 * `node`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  createKeyring,
  memoryKeyProvider,
  openEnvelope,
  sealEnvelope,
  type DataKey,
} from '@agentry/security';
import { median } from './instant-model.js';

const record = randomBytes(1024);
const context = { tenant: 'acme', key: 'agent:support:state', field: 'data', schemaVersion: '1' };
const aad = Buffer.from(
  `${context.tenant}|${context.key}|${context.field}|${context.schemaVersion}`,
);
const key: DataKey = { id: 'k-bench', algorithm: 'AES-256-GCM', material: randomBytes(32) };
const keyring = await createKeyring({ algorithm: 'AES-256-GCM', provider: memoryKeyProvider() });

function check(opened: Uint8Array): void {
  if (opened.length !== record.length || opened[17] !== record[17])
    throw new Error('round trip lost data');
}

function direct(): void {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.material, iv, { authTagLength: 16 });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(record), cipher.final()]);
  const tag = cipher.getAuthTag();
  const decipher = createDecipheriv('aes-256-gcm', key.material, iv, { authTagLength: 16 });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  const plaintext = decipher.update(ciphertext);
  decipher.final();
  check(plaintext);
}

function envelope(): void {
  check(openEnvelope(sealEnvelope(record, key, context), () => key, context));
}

async function viaKeyring(): Promise<void> {
  check(await keyring.open(await keyring.seal(record, context), context));
}

const BATCH = 500;
const batches = Number(process.env['BENCH_BATCHES'] ?? 80);

async function timed(run: () => void | Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let index = 0; index < BATCH; index += 1) await run();
  return Number(process.hrtime.bigint() - started) / 1000 / BATCH;
}

const series = { keyring: viaKeyring, envelope, floor: direct };
const times = { keyring: [] as number[], envelope: [] as number[], floor: [] as number[] };
for (let warm = 0; warm < 10; warm += 1) for (const run of Object.values(series)) await timed(run);
for (let batch = 0; batch < batches; batch += 1)
  for (const [name, run] of Object.entries(series))
    times[name as keyof typeof series].push(await timed(run));
await keyring.close();

// Each batch's ratio pairs a series with the floor measured right after it, so load from other
// processes, which drifts over seconds, cancels out; the figure is the median of those ratios.
const ratio = (name: keyof typeof series) =>
  median(times[name].map((time, batch) => times.floor[batch]! / time));
const rows = [
  [
    'keyring seal+open, 1 KiB, vs node:crypto (throughput ×)',
    ratio('keyring').toFixed(2),
    '>= 0.8',
    ratio('keyring') >= 0.8,
  ],
  ['  keyring round trip (median, µs)', median(times.keyring).toFixed(2), '', true],
  ['  envelope round trip, key in hand (median, µs)', median(times.envelope).toFixed(2), '', true],
  ['  envelope vs node:crypto (throughput ×)', ratio('envelope').toFixed(2), '', true],
  [
    '  floor: node:crypto AES-256-GCM round trip (median, µs)',
    median(times.floor).toFixed(2),
    '',
    true,
  ],
] as const;
for (const [name, value, target, ok] of rows)
  console.log(`${ok ? 'ok  ' : 'MISS'} ${name.padEnd(58)} ${value.padStart(10)}  ${target}`);
if (rows.some(([, , , ok]) => !ok)) process.exitCode = 1;
