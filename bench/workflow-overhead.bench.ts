/**
 * Workflow runner benchmarks, against the targets of the workflows work:
 * 1. per-step overhead on a linear chain of 1,000 no-op task steps: at most 10 µs (median) with
 *    the in-memory store, each against a bare async loop calling the same handler in the same run;
 * 2. the same with the SQLite journal (`@agentry/store-sqlite` on a file in WAL mode with
 *    `synchronous: 'normal'`, which survives a crash of the process): at most 150 µs per step.
 *    The store's default, `'full'`, also survives a power loss at the price of an fsync per write,
 *    and is reported beside it for information;
 * 3. a parallel step of 1,000 branches completes;
 * 4. per-step overhead on a linear chain of 1,000 steps in which each step's input is a reference
 *    to the previous step's output (`{ previous: { $ref: 'steps.<id>.output' } }`): at most 10 µs
 *    (median) with the in-memory store, against a bare async loop passing each result to the next
 *    call of the same handler;
 * 5. fan-out: a parallel step of 100 no-op branches followed by a join step that reads the parallel
 *    step's output by reference: at most 10 µs per branch (median over many runs), against
 *    `Promise.all` over the same 100 handler calls followed by the same join call.
 *
 * Method: the compiled benchmark runs on the built packages under plain `node`. The floor (the
 * bare loop) and the runner alternate in the same process; each side's figure is the median over
 * runs of (run time / steps or branches); the overhead is the runner's median minus the floor's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
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

const memory = await measure(runnerOn(createMemoryStore()), 15, 5);
const referenceRunner = runnerOn(createMemoryStore());
const references = await compare(
  bareReferenceChain,
  () => referenceChainRun(referenceRunner),
  15,
  5,
);
const fanRunner = runnerOn(createMemoryStore());
const fanOut = await compare(bareFan, () => fanRun(fanRunner), 201, 50);

const directory = mkdtempSync(join(tmpdir(), 'agentry-bench-'));
const sqlite = createSqliteStore({ path: join(directory, 'runs.db'), synchronous: 'normal' });
const onSqlite = runnerOn(sqlite);
const durable = await measure(onSqlite, 5, 1);
const synced = createSqliteStore({ path: join(directory, 'synced.db') });
const onSynced = runnerOn(synced);
const fsynced = await measure(onSynced, 3, 1);
await onSynced.close();
await synced.close();

const fanStarted = now();
const fanResult = await runnerOn(createMemoryStore()).run('fan', {});
const fanMs = now() - fanStarted;
await onSqlite.close();
await sqlite.close();
rmSync(directory, { recursive: true, force: true });

const rows = [
  ['per step, memory store (µs)', memory.overhead.toFixed(1), '<= 10', memory.overhead <= 10],
  ['  bare async loop (µs/step)', memory.bare.toFixed(2), '', true],
  ['  runner (µs/step)', memory.runner.toFixed(1), '', true],
  [
    'per step, chain of references (µs)',
    references.overhead.toFixed(1),
    '<= 10',
    references.overhead <= 10,
  ],
  ['  bare loop passing outputs (µs/step)', references.bare.toFixed(2), '', true],
  ['  runner (µs/step)', references.runner.toFixed(1), '', true],
  [
    'per branch, fan-out of 100 + join (µs)',
    fanOut.overhead.toFixed(1),
    '<= 10',
    fanOut.overhead <= 10,
  ],
  ['  Promise.all + join (µs/branch)', fanOut.bare.toFixed(2), '', true],
  ['  runner (µs/branch)', fanOut.runner.toFixed(1), '', true],
  [
    "per step, SQLite journal, 'normal' (µs)",
    durable.overhead.toFixed(1),
    '<= 150',
    durable.overhead <= 150,
  ],
  ['  runner on SQLite (µs/step)', durable.runner.toFixed(1), '', true],
  ["  with synchronous: 'full' (µs/step)", fsynced.runner.toFixed(1), '', true],
  [
    'parallel step, 1,000 branches (ms)',
    fanMs.toFixed(0),
    'completes',
    fanResult.status === 'completed',
  ],
] as const;
for (const [name, value, target, ok] of rows)
  console.log(`${ok ? 'ok  ' : 'MISS'} ${name.padEnd(38)} ${value.padStart(10)}  ${target}`);
if (rows.some(([, , , ok]) => !ok)) process.exitCode = 1;
