/**
 * Security turn benchmark, against the target of the access-control work: an agent turn with one
 * tool call, sent on behalf of a user through `@agentry/security` (the send and the tool call
 * authorized by a policy, the send admitted by an in-memory rate limit), adds at most 10 µs
 * (median) over the same turn in an instance without security.
 *
 * Both instances are made by `createAgentry` with the same instant in-process model, which answers
 * a user message with a tool call and a tool result with `ok`; both agents have the same tool and
 * the same scope. The secured instance's policy grants the user the send, the tool and nothing
 * else of note; its limit is far above the rate of the loop, so no turn waits. The decision cache
 * is off (the default), so every decision is made afresh.
 *
 * Method, checked against the target: instructions counted by callgrind (`valgrind
 * --tool=callgrind`), which a loaded machine does not change, converted to microseconds with this
 * run's own rate. Each instance runs in a child process (this file, `turns <plain|secured>`) under
 * callgrind: 300 turns of warm-up, then segments of 40 and 80 turns in turn, 10 in all, each
 * counted on its own (the counters are zeroed as `os.loadavg()` enters libuv's `uv_loadavg` and
 * dumped as `os.uptime()` enters `uv_uptime`). Only the main thread is counted, less the
 * instructions inside V8's collector (`Heap::CollectGarbage`, inclusive): optimising compilation
 * and concurrent marking run on helper threads, at times set by the machine, and are left out.
 * A turn's count is the difference between an 80-turn segment and the 40-turn segment before it,
 * over 40 (what a segment costs whatever its length, and the warm-up, cancel), the median over
 * the 5 pairs. The rate is the turn without security's instructions over its CPU time measured
 * natively below (instructions per µs); the added µs are the added instructions over that rate.
 * The conversion assumes the turn's instructions with security run at the rate of those without,
 * and that collection grows with the rest of the work (it is left out of both counts).
 *
 * Method, for information (and checked instead when valgrind is missing): batches of 200 turns
 * run in pairs natively, one batch on each instance back to back (which goes first alternates);
 * each batch records the CPU time (user and system) per turn, which other processes on the machine
 * do not inflate, though they do disturb caches: between identical instances it varies by 15 to
 * 30 µs on a shared 2-core machine. The figure is the median of the 80 paired differences, and the
 * median CPU time of the turn without security is the rate's denominator. The compiled benchmark
 * runs on the built packages under plain `node`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir, uptime } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createAgentry,
  defineTool,
  type Agent,
  type Agentry,
  type LanguageModel,
  type ModelRequest,
  type ModelStreamPart,
} from '@agentry/core';
import { security } from '@agentry/security';
import { createMockProvider, providerConfiguration } from '@agentry/testing';
import { z } from 'zod';
import { instantModel, median } from './instant-model.js';

const warmTurns = 300;
const segments = 10;
const shortSegment = 40;
const longSegment = 80;

const usage = { inputTokens: 1, outputTokens: 1, totalTokens: 2 };
const callParts: readonly ModelStreamPart[] = [
  { type: 'tool-call-start', toolCallId: 'c1', toolName: 'lookup' },
  { type: 'tool-call-end', toolCallId: 'c1', toolName: 'lookup', input: '{"q":"x"}' },
  { type: 'response-end', finishReason: 'tool-calls', usage },
];
const answerParts: readonly ModelStreamPart[] = [
  { type: 'text-start', id: 't' },
  { type: 'text-delta', id: 't', delta: 'ok' },
  { type: 'text-end', id: 't' },
  { type: 'response-end', finishReason: 'stop', usage },
];

/** Calls `lookup` for a user message, answers `ok` to its result; never waits on anything. */
const toolModel: LanguageModel = {
  ...instantModel,
  modelId: 'gpt-4o',
  // eslint-disable-next-line @typescript-eslint/require-await
  async *stream(request: ModelRequest) {
    const parts = request.messages.at(-1)?.role === 'tool' ? answerParts : callParts;
    for (const part of parts) yield part;
  },
};

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks something up.',
  input: z.object({ q: z.string() }),
  execute: () => ({ found: true }),
});

const base = providerConfiguration({
  type: 'openai',
  model: 'gpt-4o',
  authentication: { type: 'api_key', configuration: { apiKey: '${env:MOCK_KEY}' } },
});
const securitySection = {
  encryption: { algorithm: 'AES-256-GCM', keyRotation: false, atRest: false, inTransit: false },
  accessControl: {
    rbac: true,
    subjects: { alice: ['member'] },
    permissions: [
      { id: 'talk', roles: ['member'], resource: 'agents:*', actions: ['update'] },
      { id: 'lookup', roles: ['member'], resource: 'tools:lookup', actions: ['read'] },
    ],
    rateLimiting: {
      enabled: true,
      requestsPerMinute: 100_000_000,
      burstLimit: 100_000_000,
      penaltyStrategy: 'reject',
    },
  },
  auditLogging: false,
  dataMasking: false,
};

async function instance(secured: boolean): Promise<{ agentry: Agentry; agent: Agent }> {
  const agentry = await createAgentry({
    config: secured ? { ...base, security: securitySection } : base,
    env: { MOCK_KEY: ['mock', randomUUID()].join('-') },
    plugins: [
      { name: 'instant', version: '1.0.0', providers: [createMockProvider({ model: toolModel })] },
      ...(secured ? [security()] : []),
    ],
  });
  const agent = agentry.createAgent({ tools: [lookup], context: { permissions: ['tools:*'] } });
  return { agentry, agent };
}

async function turns(target: { agentry: Agentry; agent: Agent }, count: number): Promise<number> {
  const principal = { id: 'alice' };
  const started = process.cpuUsage();
  for (let index = 0; index < count; index += 1) {
    // A fresh agent every 20 turns keeps the conversation short, as in a chat turn.
    if (index % 20 === 19)
      target.agent = target.agentry.createAgent({
        tools: [lookup],
        context: { permissions: ['tools:*'] },
      });
    const result = await target.agent.send('look it up', { principal }).result;
    if (result.text !== 'ok') throw new Error('unexpected answer');
  }
  const used = process.cpuUsage(started);
  return (used.user + used.system) / count;
}

// Child mode (`node security-turn.bench.js turns <plain|secured>`), run under callgrind by
// `countInstructions`: a warm-up, then segments of `shortSegment` and `longSegment` turns in turn,
// the counters zeroed as `os.loadavg()` enters libuv's `uv_loadavg` and dumped (and zeroed) as
// `os.uptime()` enters `uv_uptime`.
if (process.argv[2] === 'turns') {
  const target = await instance(process.argv[3] === 'secured');
  await turns(target, warmTurns);
  loadavg();
  for (let segment = 0; segment < segments; segment += 1) {
    await turns(target, segment % 2 === 0 ? shortSegment : longSegment);
    uptime();
  }
  await target.agentry.shutdown();
  process.exit(0);
}

/** Whether `valgrind` can be run here. */
function hasValgrind(): boolean {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Instructions of the main thread in a callgrind dump, less those inside V8's collector. */
function mainThreadInstructions(file: string): number {
  const annotated = execFileSync(
    'callgrind_annotate',
    ['--inclusive=yes', '--threshold=100', '--auto=no', file],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const count = (line: string | undefined) =>
    Number(/^\s*([\d,]+)/.exec(line ?? '')?.[1]?.replaceAll(',', '') ?? NaN);
  const lines = annotated.split('\n');
  const total = count(lines.find((line) => line.includes('PROGRAM TOTALS')));
  let collector = 0;
  for (const line of lines)
    if (line.includes('v8::internal::Heap::CollectGarbage('))
      collector = Math.max(collector, count(line));
  return total - collector;
}

/**
 * Runs the child mode for one instance under callgrind and returns the main thread's
 * instructions per turn: the median long segment less the median short one, over the difference
 * in turns, so that what a segment costs whatever its length (the dump, the loop's entry) cancels.
 */
async function countInstructions(kind: 'plain' | 'secured'): Promise<number> {
  const directory = mkdtempSync(join(tmpdir(), 'security-turn-'));
  try {
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(
        'valgrind',
        [
          '--tool=callgrind',
          '--separate-threads=yes',
          `--callgrind-out-file=${join(directory, 'out')}`,
          '--zero-before=uv_loadavg',
          '--dump-before=uv_uptime',
          process.execPath,
          fileURLToPath(import.meta.url),
          'turns',
          kind,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let errors = '';
      child.stderr.on('data', (chunk: Buffer) => {
        errors = (errors + chunk.toString()).slice(-4000);
      });
      child.on('error', reject);
      child.on('close', (code) => {
        if (code !== 0) console.error(errors);
        resolve(code);
      });
    });
    if (exitCode !== 0) throw new Error(`callgrind run of the ${kind} instance failed`);
    const counts: number[] = [];
    for (let segment = 0; segment < segments; segment += 1)
      counts.push(mainThreadInstructions(join(directory, `out.${segment + 1}-01`)));
    const perTurn: number[] = [];
    for (let pair = 0; pair + 1 < segments; pair += 2)
      perTurn.push((counts[pair + 1]! - counts[pair]!) / (longSegment - shortSegment));
    if (process.env.SECURITY_TURN_VERBOSE) console.log(kind, { counts, perTurn });
    return median(perTurn);
  } finally {
    if (process.env.SECURITY_TURN_KEEP === undefined)
      rmSync(directory, { recursive: true, force: true });
    else console.log(`callgrind dumps kept in ${directory}`);
  }
}

const plain = await instance(false);
const secured = await instance(true);
// The instances alternate which goes first, so that neither always follows the other's garbage.
const batch = async (first: typeof plain, second: typeof plain) => {
  const a = await turns(first, 200);
  const b = await turns(second, 200);
  return [a, b] as const;
};
for (let warm = 0; warm < 30; warm += 1) await batch(plain, secured);
const plainTimes: number[] = [];
const securedTimes: number[] = [];
const differences: number[] = [];
for (let round = 0; round < 80; round += 1) {
  const swap = round % 2 === 1;
  const [a, b] = swap ? await batch(secured, plain) : await batch(plain, secured);
  const [plainTime, securedTime] = swap ? [b, a] : [a, b];
  plainTimes.push(plainTime);
  securedTimes.push(securedTime);
  differences.push(securedTime - plainTime);
}
await plain.agentry.shutdown();
await secured.agentry.shutdown();

// The median of the paired differences: each pair ran back to back on the same machine state.
const cpuOverhead = median(differences);
const plainMicroseconds = median(plainTimes);

// Instructions under callgrind (when valgrind is installed), converted with this run's own rate.
const counted = hasValgrind()
  ? await Promise.all([countInstructions('plain'), countInstructions('secured')])
  : undefined;
type Row = readonly [name: string, value: string, target: string, ok: boolean];
const rows: Row[] = [];
if (counted !== undefined) {
  const [plainInstructions, securedInstructions] = counted;
  const perMicrosecond = plainInstructions / plainMicroseconds;
  const added = (securedInstructions - plainInstructions) / perMicrosecond;
  rows.push(
    ['security on a tool turn (instructions, µs)', added.toFixed(2), '<= 10', added <= 10],
    ['  instructions per turn without security', plainInstructions.toFixed(0), '', true],
    ['  instructions per turn with security', securedInstructions.toFixed(0), '', true],
    [
      '  instructions added per turn',
      (securedInstructions - plainInstructions).toFixed(0),
      '',
      true,
    ],
    ['  instructions per µs (turn without security)', perMicrosecond.toFixed(0), '', true],
    ['security on a tool turn (CPU time, µs, info)', cpuOverhead.toFixed(2), '', true],
  );
} else {
  console.log('valgrind is not installed: the CPU-time figure is the one checked');
  rows.push([
    'security on a tool turn (CPU time, µs)',
    cpuOverhead.toFixed(2),
    '<= 10',
    cpuOverhead <= 10,
  ]);
}
rows.push(
  ['  turn without security (CPU µs, floor)', plainMicroseconds.toFixed(2), '', true],
  ['  turn with security (CPU µs)', median(securedTimes).toFixed(2), '', true],
);
for (const [name, value, target, ok] of rows)
  console.log(`${ok ? 'ok  ' : 'MISS'} ${name.padEnd(46)} ${value.padStart(10)}  ${target}`);
if (rows.some(([, , , ok]) => !ok)) process.exitCode = 1;
