/**
 * Workflow runner benchmarks, against the targets of the workflows work:
 * 1. per-step overhead on a linear chain of 1,000 no-op task steps: at most 10 µs (median) with
 *    the in-memory store, each against a bare async loop calling the same handler in the same run;
 * 2. the same with the SQLite journal (`@agentry/store-sqlite` on a file in WAL mode with
 *    `synchronous: 'normal'`, which survives a crash of the process): at most 150 µs per step.
 *    The store's default, `'full'`, also survives a power loss at the price of an fsync per write,
 *    and is reported beside it for information;
 * 3. a parallel step of 1,000 branches completes.
 *
 * Method: the compiled benchmark runs on the built packages under plain `node`. The bare loop and
 * the runner alternate; each side's figure is the median over runs of (run time / 1,000 steps);
 * the overhead is the runner's median minus the loop's.
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

const memory = await measure(runnerOn(createMemoryStore()), 15, 5);

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
