import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSqliteStore } from '@agentry/store-sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorkflowRunner, type JournalEntry, type RunRecord } from '../src/runner/index.js';
import { killWorkflows } from './fixtures/workflows.js';

const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), '..');
const childScript = join(packageDirectory, 'test', 'fixtures', 'child.ts');

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the child script to its end (or its SIGKILL), through tsx on the package's source. */
function child(database: string, log: string, args: string[], env: Record<string, string> = {}) {
  return new Promise<ChildResult>((resolve, reject) => {
    const process_ = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@agentry/source', childScript, database, log, ...args],
      { cwd: packageDirectory, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    process_.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    process_.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const guard = setTimeout(() => process_.kill('SIGKILL'), 45_000);
    process_.on('error', reject);
    process_.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function output<T>(result: ChildResult): T {
  if (result.code !== 0) throw new Error(`child failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as T;
}

interface Effect {
  key: string;
  name: string;
  attempt: number;
  duplicate?: boolean;
}

function effects(log: string): Effect[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Effect);
}

/** Reads runs and journals from the database, the way an operator would. */
async function inspect(database: string) {
  const store = createSqliteStore({ path: database });
  const runner = createWorkflowRunner({ store, registry: killWorkflows() });
  try {
    const runs = await runner.listRuns();
    const journals = new Map<string, JournalEntry[]>();
    for (const run of runs) journals.set(run.runId, await runner.journal(run.runId));
    return { runs, journals };
  } finally {
    await runner.close();
    await store.close();
  }
}

function count(journal: JournalEntry[], type: JournalEntry['type'], stepId: string) {
  return journal.filter(
    (entry) => entry.type === type && 'stepId' in entry && entry.stepId === stepId,
  ).length;
}

/** Every key acted upon once: the first effect per key, any repeat marked as recognised. */
function expectEffectsOncePerKey(list: Effect[]) {
  const firsts = list.filter((effect) => !effect.duplicate).map((effect) => effect.key);
  expect(new Set(firsts).size).toBe(firsts.length);
  for (const repeat of list.filter((effect) => effect.duplicate))
    expect(firsts).toContain(repeat.key);
}

let directory = '';
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'agentry-workflow-kill-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

const paths = (name: string) =>
  [join(directory, `${name}.db`), join(directory, `${name}.log`)] as const;

/** Runs a workflow without interruption, for the final state to compare with. */
async function baseline(workflowId: string, input: unknown) {
  const [database, log] = paths(`baseline-${workflowId}`);
  const record = output<RunRecord>(
    await child(database, log, ['start', workflowId, JSON.stringify(input)]),
  );
  const { journals } = await inspect(database);
  const ended = (journals.get(record.runId) ?? [])
    .filter((entry) => entry.type === 'step-end')
    .map((entry) => (entry as { stepId: string }).stepId)
    .sort();
  return { record, ended };
}

// Each child starts Node with a TypeScript loader, which takes a second or two.
describe('createWorkflowRunner across process kills (SQLite)', { timeout: 120_000 }, () => {
  it('re-runs a step killed after its side effect but before its journal entry, with the same key, and nothing else', async () => {
    const [database, log] = paths('linear');
    const killed = await child(database, log, ['start', 'linear', '{}'], {
      KILL_AT: 'after-effect:b',
    });
    expect(killed.signal).toBe('SIGKILL');
    const before = await inspect(database);
    const runId = before.runs[0]!.runId;
    expect(before.runs[0]!.status).toBe('running');
    expect(count(before.journals.get(runId)!, 'step-end', 'a')).toBe(1);
    expect(count(before.journals.get(runId)!, 'step-end', 'b')).toBe(0);

    const recovered = output<{ records: RunRecord[] }>(await child(database, log, ['recover']));
    const { runs, journals } = await inspect(database);
    const journal = journals.get(runId)!;
    expect(count(journal, 'step-attempt', 'a')).toBe(1);
    for (const stepId of ['a', 'b', 'c']) expect(count(journal, 'step-end', stepId)).toBe(1);
    const repeat = journal.filter((entry) => entry.type === 'step-attempt' && entry.stepId === 'b');
    expect(repeat).toMatchObject([
      { attempt: 1, idempotencyKey: `${runId}:b` },
      { attempt: 1, idempotencyKey: `${runId}:b`, repeated: true },
    ]);
    const list = effects(log);
    expectEffectsOncePerKey(list);
    expect(list.filter((effect) => effect.key === `${runId}:b`)).toHaveLength(2);
    expect(list.filter((effect) => effect.key === `${runId}:a`)).toHaveLength(1);

    const uninterrupted = await baseline('linear', {});
    expect(recovered.records[0]).toMatchObject({
      status: 'completed',
      output: uninterrupted.record.output,
    });
    expect(runs[0]).toMatchObject({ status: 'completed', output: uninterrupted.record.output });
    expect(
      journal
        .filter((entry) => entry.type === 'step-end')
        .map((entry) => (entry as { stepId: string }).stepId)
        .sort(),
    ).toEqual(uninterrupted.ended);
  });

  it('keeps the finished branch of a parallel step killed in the middle', async () => {
    const [database, log] = paths('fanout');
    const killed = await child(database, log, ['start', 'fanout', '{}'], {
      KILL_AT: 'after-effect:right1',
    });
    expect(killed.signal).toBe('SIGKILL');
    const runId = (await inspect(database)).runs[0]!.runId;

    output(await child(database, log, ['recover']));
    const { runs, journals } = await inspect(database);
    const journal = journals.get(runId)!;
    for (const stepId of ['before', 'left1', 'left2']) {
      expect(count(journal, 'step-attempt', stepId)).toBe(1);
      expect(effects(log).filter((effect) => effect.key === `${runId}:${stepId}`)).toHaveLength(1);
    }
    expect(count(journal, 'step-attempt', 'right1')).toBe(2);
    for (const stepId of ['right1', 'right2', 'fan', 'after'])
      expect(count(journal, 'step-end', stepId)).toBe(1);
    expectEffectsOncePerKey(effects(log));

    const uninterrupted = await baseline('fanout', {});
    expect(runs[0]).toMatchObject({ status: 'completed', output: uninterrupted.record.output });
  });

  it("resumes a subgraph killed inside its child run without re-running the child's finished steps", async () => {
    const [database, log] = paths('subgraph');
    const killed = await child(database, log, ['start', 'with-subgraph', '{"orderId":"A-7"}'], {
      KILL_AT: 'after-effect:dispatch',
    });
    expect(killed.signal).toBe('SIGKILL');

    output(await child(database, log, ['recover']));
    const { runs, journals } = await inspect(database);
    const parent = runs.find((run) => run.workflowId === 'with-subgraph')!;
    const childRun = runs.find((run) => run.workflowId === 'shipping')!;
    expect(childRun.parent).toEqual({ runId: parent.runId, stepId: 'ship' });
    const childJournal = journals.get(childRun.runId)!;
    expect(count(childJournal, 'step-attempt', 'label')).toBe(1);
    expect(count(childJournal, 'step-attempt', 'dispatch')).toBe(2);
    expect(count(childJournal, 'step-end', 'dispatch')).toBe(1);
    expect(count(journals.get(parent.runId)!, 'step-attempt', 'prepare')).toBe(1);
    expect(runs.filter((run) => run.workflowId === 'shipping')).toHaveLength(1);
    expectEffectsOncePerKey(effects(log));

    const uninterrupted = await baseline('with-subgraph', { orderId: 'A-7' });
    expect(parent).toMatchObject({ status: 'completed', output: uninterrupted.record.output });
    expect(childRun.status).toBe('completed');
  });

  it('waits only the remaining backoff after a kill during the wait', async () => {
    const [database, log] = paths('backoff');
    const killed = await child(database, log, ['start', 'backoff', '{}'], {
      KILL_AT: 'on:step-retry',
    });
    expect(killed.signal).toBe('SIGKILL');
    const before = await inspect(database);
    const runId = before.runs[0]!.runId;
    const retry = before.journals.get(runId)!.find((entry) => entry.type === 'step-retry');
    expect(retry).toMatchObject({ stepId: 'flaky', attempt: 2 });

    // The wait is an hour; restarting it from zero would outlast the test. An hour later, nothing remains.
    const recovered = output<{ records: RunRecord[] }>(
      await child(database, log, ['recover'], { CLOCK_OFFSET_MS: String(3_600_000) }),
    );
    expect(recovered.records[0]).toMatchObject({ status: 'completed' });
    const journal = (await inspect(database)).journals.get(runId)!;
    expect(journal.filter((entry) => entry.type === 'step-retry')).toHaveLength(1);
    const second = journal.find((entry) => entry.type === 'step-attempt' && entry.attempt === 2)!;
    expect(second.at).toBeGreaterThanOrEqual((retry as { dueAt: number }).dueAt);
    expect(count(journal, 'step-end', 'done')).toBe(1);
    expectEffectsOncePerKey(effects(log));
  });

  it('keeps a run waiting for a person across a kill, then resumes it in a new process', async () => {
    const [database, log] = paths('human');
    const killed = await child(database, log, ['start', 'human', '{}'], {
      KILL_AT: 'on:run-suspend',
    });
    expect(killed.signal).toBe('SIGKILL');
    const runId = (await inspect(database)).runs[0]!.runId;

    const waiting = output<{ report: { waiting: string[] }; records: RunRecord[] }>(
      await child(database, log, ['recover']),
    );
    expect(waiting.report.waiting).toEqual([runId]);
    expect(waiting.records[0]).toMatchObject({
      status: 'waiting-for-person',
      waiting: [{ stepId: 'broken', onDeadline: 'skip' }],
    });

    const resumed = output<RunRecord>(
      await child(database, log, ['resume', runId, 'skip', '{"fixed":true}']),
    );
    expect(resumed).toMatchObject({
      status: 'completed',
      output: { name: 'last', from: { fixed: true } },
    });
    const journal = (await inspect(database)).journals.get(runId)!;
    expect(count(journal, 'step-attempt', 'first')).toBe(1);
    expect(journal.find((entry) => entry.type === 'run-resume')).toMatchObject({
      decision: 'skip',
      actor: 'ops',
    });
    expectEffectsOncePerKey(effects(log));
  });

  it('takes the deadline decision of a waiting run after a restart past the deadline', async () => {
    const [database, log] = paths('deadline');
    const waiting = output<RunRecord>(await child(database, log, ['start', 'human', '{}']));
    expect(waiting.status).toBe('waiting-for-person');
    const recovered = output<{ records: RunRecord[] }>(
      await child(database, log, ['recover-final'], { CLOCK_OFFSET_MS: String(2 * 3_600_000) }),
    );
    expect(recovered.records[0]).toMatchObject({
      status: 'completed',
      output: { name: 'last', from: null },
    });
    const journal = (await inspect(database)).journals.get(waiting.runId)!;
    expect(journal.find((entry) => entry.type === 'run-resume')).toMatchObject({
      decision: 'skip',
      actor: 'deadline',
    });
  });
});
