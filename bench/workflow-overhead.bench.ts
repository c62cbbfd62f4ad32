/**
 * Workflow runner benchmarks, against the targets of the workflows work:
 * 1. per-step overhead on a linear chain of 1,000 no-op task steps: at most 10 µs (median) with
 *    the in-memory store, each against a bare async loop calling the same handler in the same run;
 * 2. the same with the SQLite journal (`@agentry/store-sqlite` on a file in WAL mode with
 *    `synchronous: 'normal'`, which survives a crash of the process): at most 150 µs per step;
 * 3. the store's default durability, `synchronous: 'full'` (also survives a power loss: a step is
 *    on disk once its journal write resolved), at most 150 µs per step for 16 runs executing
 *    concurrently, whose journal writes share a commit (group commit). A single linear run waits
 *    for one durable commit per step, so it cannot go below the disk's flush time: the fsync floor
 *    (a 4 KB write and `fdatasync` in the same directory, the least a durable commit costs) is
 *    measured in the same run, alternating with the runs, and the target for one run is at most
 *    150 µs above it; the floor of the concurrent figure, the same 16 runs on the memory store, is
 *    reported beside it;
 * 4. a parallel step of 1,000 branches completes.
 *
 * Method: the compiled benchmark runs on the built packages under plain `node`. The bare loop and
 * the runner alternate; each side's figure is the median over runs of (run time / 1,000 steps);
 * the overhead is the runner's median minus the loop's. Concurrent figures divide the wall time of
 * 16 runs started together by their 16,000 steps. `AGENTRY_BENCH_ONLY=sqlite` runs the SQLite
 * figures only (the disk is the noisiest part of a shared machine: run it a few times).
 */
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore, type StateStore } from '@agentry/core';
import { createSqliteStore } from '@agentry/store-sqlite';
import {
  assertValidWorkflow,
  createWorkflowRunner,
  type WorkflowDefinition,
  type WorkflowDefinitionInput,
} from '@agentry/workflows';

type StepInput = WorkflowDefinitionInput['steps'][number];
const STEPS = 1000;
const CONCURRENT_RUNS = 16;
const sqliteOnly = process.env['AGENTRY_BENCH_ONLY'] === 'sqlite';

const noop = (input: unknown) => Promise.resolve(input);
const task = (id: string): StepInput => ({
  id,
  name: id,
  type: 'task',
  configuration: { handler: 'noop' },
  inputs: {},
});
const errorHandling = {
  retryAttempts: 0,
  backoffStrategy: 'fixed',
  fallbackAction: 'abort',
} as const;

const chain: WorkflowDefinition = assertValidWorkflow({
  id: 'chain',
  name: 'chain',
  parallel: true,
  triggers: [{ type: 'manual' }],
  errorHandling,
  steps: Array.from({ length: STEPS }, (_, index) => task(`s${index}`)),
});
const fan: WorkflowDefinition = assertValidWorkflow({
  id: 'fan',
  name: 'fan',
  parallel: true,
  triggers: [{ type: 'manual' }],
  errorHandling,
  steps: [
    {
      id: 'fan',
      name: 'fan',
      type: 'parallel',
      configuration: {
        branches: Array.from({ length: STEPS }, (_, index) => ({ steps: [`b${index}`] })),
        concurrency: 64,
        onBranchFailure: 'fail-fast',
      },
      inputs: {},
    },
    ...Array.from({ length: STEPS }, (_, index) => task(`b${index}`)),
  ],
});

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const now = () => performance.now();

/** The bare loop: the same handler awaited 1,000 times; returns µs per step. */
async function bareLoop(): Promise<number> {
  const started = now();
  let value: unknown = {};
  for (let index = 0; index < STEPS; index += 1) value = await noop(value);
  return ((now() - started) * 1000) / STEPS;
}

function runnerOn(store: StateStore) {
  return createWorkflowRunner({
    store,
    registry: { workflows: { chain, fan } },
    handlers: { noop },
  });
}

/** One run of the chain; returns µs per step. */
async function chainRun(runner: ReturnType<typeof runnerOn>): Promise<number> {
  const started = now();
  const result = await runner.run('chain', {});
  if (result.status !== 'completed') throw new Error(`The chain ended ${result.status}.`);
  return ((now() - started) * 1000) / STEPS;
}

async function measure(runner: ReturnType<typeof runnerOn>, runs: number, warmup: number) {
  for (let index = 0; index < warmup; index += 1) {
    await bareLoop();
    await chainRun(runner);
  }
  const bare: number[] = [];
  const chained: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    if (index % 2 === 0) {
      bare.push(await bareLoop());
      chained.push(await chainRun(runner));
    } else {
      chained.push(await chainRun(runner));
      bare.push(await bareLoop());
    }
  }
  return { bare: median(bare), runner: median(chained), overhead: median(chained) - median(bare) };
}

/** N runs of the chain started together; returns µs per step (wall time / all their steps). */
async function concurrentRuns(runner: ReturnType<typeof runnerOn>, runs: number): Promise<number> {
  const started = now();
  const results = await Promise.all(Array.from({ length: runs }, () => runner.run('chain', {})));
  if (results.some((result) => result.status !== 'completed'))
    throw new Error('A concurrent chain did not complete.');
  return ((now() - started) * 1000) / (runs * STEPS);
}

/** The median over `runs` of N concurrent chains, after one warm-up. */
async function measureConcurrent(runner: ReturnType<typeof runnerOn>, runs: number) {
  await concurrentRuns(runner, CONCURRENT_RUNS);
  const values: number[] = [];
  for (let index = 0; index < runs; index += 1)
    values.push(await concurrentRuns(runner, CONCURRENT_RUNS));
  return median(values);
}

/** The fsync floor: µs for a 4 KB write and fdatasync, overwriting a preallocated file. */
const directory = mkdtempSync(join(tmpdir(), 'agentry-bench-'));

function fsyncFloor(): number {
  const path = join(directory, 'floor.bin');
  const page = Buffer.alloc(4096, 1);
  const descriptor = openSync(path, 'w');
  try {
    for (let index = 0; index < 64; index += 1) writeSync(descriptor, page, 0, page.length);
    fdatasyncSync(descriptor);
    const values: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      const started = now();
      for (let index = 0; index < 100; index += 1) {
        writeSync(descriptor, page, 0, page.length, (index % 64) * page.length);
        fdatasyncSync(descriptor);
      }
      values.push(((now() - started) * 1000) / 100);
    }
    return median(values);
  } finally {
    closeSync(descriptor);
  }
}

/** One run of the chain alternating with the fsync floor, so both meet the same disk; medians. */
async function measureAgainstFloor(runner: ReturnType<typeof runnerOn>, runs: number) {
  await chainRun(runner);
  const floors: number[] = [fsyncFloor()];
  const chained: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    chained.push(await chainRun(runner));
    floors.push(fsyncFloor());
  }
  return { runner: median(chained), floor: median(floors) };
}

const memory = sqliteOnly ? undefined : await measure(runnerOn(createMemoryStore()), 15, 5);

// The concurrent runs' floor in this run: the runner's own cost for the same 16 runs, without a disk.
const memoryConcurrent = await measureConcurrent(runnerOn(createMemoryStore()), 3);

const sqlite = createSqliteStore({ path: join(directory, 'runs.db'), synchronous: 'normal' });
const onSqlite = runnerOn(sqlite);
const durable = await measure(onSqlite, 5, 1);
const durableConcurrent = await measureConcurrent(onSqlite, 3);
const synced = createSqliteStore({ path: join(directory, 'synced.db') });
const onSynced = runnerOn(synced);
const fsynced = await measureAgainstFloor(onSynced, 3);
const fsyncedConcurrent = await measureConcurrent(onSynced, 3);
const { floor } = fsynced;
await onSynced.close();
await synced.close();
await onSqlite.close();
await sqlite.close();
rmSync(directory, { recursive: true, force: true });

let fanOut: { ms: number; completed: boolean } | undefined;
if (!sqliteOnly) {
  const fanStarted = now();
  const fanResult = await runnerOn(createMemoryStore()).run('fan', {});
  fanOut = { ms: now() - fanStarted, completed: fanResult.status === 'completed' };
}

type Row = readonly [name: string, value: string, target: string, ok: boolean];
const rows: Row[] = [];
if (memory)
  rows.push(
    ['per step, memory store (µs)', memory.overhead.toFixed(1), '<= 10', memory.overhead <= 10],
    ['  bare async loop (µs/step)', memory.bare.toFixed(2), '', true],
    ['  runner (µs/step)', memory.runner.toFixed(1), '', true],
  );
rows.push(
  [
    "per step, SQLite journal, 'normal' (µs)",
    durable.overhead.toFixed(1),
    '<= 150',
    durable.overhead <= 150,
  ],
  ['  runner on SQLite (µs/step)', durable.runner.toFixed(1), '', true],
  [`  ${CONCURRENT_RUNS} concurrent runs (µs/step)`, durableConcurrent.toFixed(1), '', true],
  [
    `per step, 'full', ${CONCURRENT_RUNS} concurrent runs (µs)`,
    fsyncedConcurrent.toFixed(1),
    '<= 150',
    fsyncedConcurrent <= 150,
  ],
  [
    "per step, 'full', one run (µs)",
    fsynced.runner.toFixed(1),
    `<= ${(floor + 150).toFixed(0)}`,
    fsynced.runner <= floor + 150,
  ],
  ['  fsync floor: 4 KB + fdatasync (µs)', floor.toFixed(1), '', true],
  [
    `  same ${CONCURRENT_RUNS} runs on the memory store (µs/step)`,
    memoryConcurrent.toFixed(1),
    '',
    true,
  ],
);
if (fanOut)
  rows.push([
    'parallel step, 1,000 branches (ms)',
    fanOut.ms.toFixed(0),
    'completes',
    fanOut.completed,
  ]);
for (const [name, value, target, ok] of rows)
  console.log(`${ok ? 'ok  ' : 'MISS'} ${name.padEnd(40)} ${value.padStart(10)}  ${target}`);
if (rows.some(([, , , ok]) => !ok)) process.exitCode = 1;
