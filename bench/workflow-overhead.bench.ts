/**
 * Workflow benchmarks, against the targets of the workflow work:
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
 * 4. a parallel step of 1,000 branches completes;
 * 5. per-step overhead on a linear chain of 1,000 steps in which each step's input is a reference
 *    to the previous step's output (`{ previous: { $ref: 'steps.<id>.output' } }`): at most 10 µs
 *    (median) with the in-memory store, against a bare async loop passing each result to the next
 *    call of the same handler;
 * 6. fan-out: a parallel step of 100 no-op branches followed by a join step that reads the parallel
 *    step's output by reference: at most 10 µs per branch (median over many runs), against
 *    `Promise.all` over the same 100 handler calls followed by the same join call.
 *
 * Method: the compiled benchmark runs on the built packages under plain `node`. The floor (the
 * bare loop) and the runner alternate in the same process; each side's figure is the median over
 * runs of (run time / steps or branches); the overhead is the runner's median minus the floor's.
 * Concurrent figures divide the wall time of 16 runs started together by their 16,000 steps.
 * `AGENTRY_BENCH_ONLY=sqlite` runs the SQLite figures only (the disk is the noisiest part of a
 * shared machine: run it a few times).
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

/** The chain whose steps read the previous step's output: `{ count }` goes up by one per step. */
interface Counter {
  count: number;
}
const countOn = (input: Record<string, unknown>) =>
  Promise.resolve<Counter>({ count: (input.previous as Counter).count + 1 });
const referenceChain: WorkflowDefinition = assertValidWorkflow({
  id: 'reference-chain',
  name: 'reference chain',
  parallel: true,
  triggers: [{ type: 'manual' }],
  errorHandling,
  steps: Array.from({ length: STEPS }, (_, index) => ({
    id: `s${index}`,
    name: `s${index}`,
    type: 'task',
    configuration: { handler: 'countOn' },
    inputs: { previous: { $ref: index === 0 ? 'input' : `steps.s${index - 1}.output` } },
  })),
});

/** The fan-out: 100 no-op branches, then a join step reading the parallel step's output. */
const BRANCHES = 100;
const joinBranches = (input: Record<string, unknown>) =>
  Promise.resolve({ joined: (input.branches as unknown[]).length });
const fan100: WorkflowDefinition = assertValidWorkflow({
  id: 'fan-100',
  name: 'fan 100',
  parallel: true,
  triggers: [{ type: 'manual' }],
  errorHandling,
  steps: [
    {
      id: 'fan',
      name: 'fan',
      type: 'parallel',
      configuration: {
        branches: Array.from({ length: BRANCHES }, (_, index) => ({ steps: [`b${index}`] })),
        onBranchFailure: 'fail-fast',
      },
      inputs: {},
      next: 'join',
    },
    {
      id: 'join',
      name: 'join',
      type: 'task',
      configuration: { handler: 'joinBranches' },
      inputs: { branches: { $ref: 'steps.fan.output.branches' } },
    },
    ...Array.from({ length: BRANCHES }, (_, index) => task(`b${index}`)),
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
    registry: { workflows: { chain, fan, 'reference-chain': referenceChain, 'fan-100': fan100 } },
    handlers: { noop, countOn, joinBranches },
  });
}

/** One run of the chain; returns µs per step. */
async function chainRun(runner: ReturnType<typeof runnerOn>): Promise<number> {
  const started = now();
  const result = await runner.run('chain', {});
  if (result.status !== 'completed') throw new Error(`The chain ended ${result.status}.`);
  return ((now() - started) * 1000) / STEPS;
}

/** Alternates a floor and the runner's workload; medians of µs per unit, and their difference. */
async function compare(
  floor: () => Promise<number>,
  runner: () => Promise<number>,
  runs: number,
  warmup: number,
) {
  for (let index = 0; index < warmup; index += 1) {
    await floor();
    await runner();
  }
  const floors: number[] = [];
  const runners: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    if (index % 2 === 0) {
      floors.push(await floor());
      runners.push(await runner());
    } else {
      runners.push(await runner());
      floors.push(await floor());
    }
  }
  return {
    bare: median(floors),
    runner: median(runners),
    overhead: median(runners) - median(floors),
  };
}

/** The floor of the reference chain: each result passed to the next call; µs per step. */
async function bareReferenceChain(): Promise<number> {
  const started = now();
  let value: Counter = { count: 0 };
  for (let index = 0; index < STEPS; index += 1) value = await countOn({ previous: value });
  if (value.count !== STEPS) throw new Error('The bare chain miscounted.');
  return ((now() - started) * 1000) / STEPS;
}

async function referenceChainRun(runner: ReturnType<typeof runnerOn>): Promise<number> {
  const started = now();
  const result = await runner.run('reference-chain', { count: 0 });
  if (result.status !== 'completed' || (result.output as Counter).count !== STEPS)
    throw new Error(`The reference chain ended ${result.status}.`);
  return ((now() - started) * 1000) / STEPS;
}

/** The floor of the fan-out: the same calls under Promise.all, then the join; µs per branch. */
async function bareFan(): Promise<number> {
  const started = now();
  const outputs = await Promise.all(Array.from({ length: BRANCHES }, () => noop({})));
  const joined = await joinBranches({ branches: outputs.map(() => ({ status: 'completed' })) });
  if (joined.joined !== BRANCHES) throw new Error('The bare fan-out lost a branch.');
  return ((now() - started) * 1000) / BRANCHES;
}

async function fanRun(runner: ReturnType<typeof runnerOn>): Promise<number> {
  const started = now();
  const result = await runner.run('fan-100', {});
  if (result.status !== 'completed' || (result.output as { joined: number }).joined !== BRANCHES)
    throw new Error(`The fan-out ended ${result.status}.`);
  return ((now() - started) * 1000) / BRANCHES;
}

/** The plain chain against the bare loop. */
const measure = (runner: ReturnType<typeof runnerOn>, runs: number, warmup: number) =>
  compare(bareLoop, () => chainRun(runner), runs, warmup);

const directory = mkdtempSync(join(tmpdir(), 'agentry-bench-'));

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
let references: Awaited<ReturnType<typeof compare>> | undefined;
let fanOut: Awaited<ReturnType<typeof compare>> | undefined;
if (!sqliteOnly) {
  const referenceRunner = runnerOn(createMemoryStore());
  references = await compare(bareReferenceChain, () => referenceChainRun(referenceRunner), 15, 5);
  const fanRunner = runnerOn(createMemoryStore());
  fanOut = await compare(bareFan, () => fanRun(fanRunner), 201, 50);
}

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

let wide: { ms: number; completed: boolean } | undefined;
if (!sqliteOnly) {
  const wideStarted = now();
  const wideResult = await runnerOn(createMemoryStore()).run('fan', {});
  wide = { ms: now() - wideStarted, completed: wideResult.status === 'completed' };
}

type Row = readonly [name: string, value: string, target: string, ok: boolean];
const rows: Row[] = [];
if (memory)
  rows.push(
    ['per step, memory store (µs)', memory.overhead.toFixed(1), '<= 10', memory.overhead <= 10],
    ['  bare async loop (µs/step)', memory.bare.toFixed(2), '', true],
    ['  runner (µs/step)', memory.runner.toFixed(1), '', true],
  );
if (references)
  rows.push(
    [
      'per step, chain of references (µs)',
      references.overhead.toFixed(1),
      '<= 10',
      references.overhead <= 10,
    ],
    ['  bare loop passing outputs (µs/step)', references.bare.toFixed(2), '', true],
    ['  runner (µs/step)', references.runner.toFixed(1), '', true],
  );
if (fanOut)
  rows.push(
    [
      'per branch, fan-out of 100 + join (µs)',
      fanOut.overhead.toFixed(1),
      '<= 10',
      fanOut.overhead <= 10,
    ],
    ['  Promise.all + join (µs/branch)', fanOut.bare.toFixed(2), '', true],
    ['  runner (µs/branch)', fanOut.runner.toFixed(1), '', true],
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
if (wide)
  rows.push([
    'parallel step, 1,000 branches (ms)',
    wide.ms.toFixed(0),
    'completes',
    wide.completed,
  ]);
for (const [name, value, target, ok] of rows)
  console.log(`${ok ? 'ok  ' : 'MISS'} ${name.padEnd(40)} ${value.padStart(10)}  ${target}`);
if (rows.some(([, , , ok]) => !ok)) process.exitCode = 1;
