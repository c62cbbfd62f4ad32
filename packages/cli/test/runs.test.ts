import { join } from 'node:path';
import { createSqliteStore } from '@agentry/store-sqlite';
import { createWorkflowRunner, type RunRecord } from '@agentry/workflows';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtures, runBuilt, workDirectory } from './run-built.js';
import reviewModule from './__fixtures__/review-workflow.mjs';

const workflowModule = join(fixtures, 'review-workflow.mjs');

/** Starts runs of the review workflow in a store file; each waits for a person at `check`. */
async function seed(path: string, count: number): Promise<string[]> {
  const store = await Promise.resolve(createSqliteStore({ path }));
  const runner = createWorkflowRunner({ ...reviewModule, store });
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1)
    ids.push((await runner.run('review', { orderId: `A-${index}` })).runId);
  await runner.close();
  await store.close();
  return ids;
}

describe('agentry runs', () => {
  let work: Awaited<ReturnType<typeof workDirectory>>;
  let store: string;
  let runIds: string[];
  const runs = (...args: string[]) => runBuilt(['runs', ...args], { cwd: work.path });

  beforeEach(async () => {
    work = await workDirectory();
    store = join(work.path, 'runs.db');
    runIds = await seed(store, 2);
  });
  afterEach(() => work.remove());

  it('lists the runs with their status', async () => {
    const { code, stdout } = await runs('list', '--store', 'runs.db');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^RUN\s+WORKFLOW\s+STATUS\s+STARTED\s+WAITING$/m);
    for (const runId of runIds)
      expect(stdout).toMatch(
        new RegExp(`^${runId}\\s+review\\s+waiting-for-person\\s+\\S+\\s+check$`, 'm'),
      );
  });

  it('filters by status, and refuses an unknown one (exit 2)', async () => {
    const none = await runs('list', '--store', 'runs.db', '--status', 'completed', '--json');
    expect(JSON.parse(none.stdout)).toEqual({ ok: true, runs: [] });
    const wrong = await runs('list', '--store', 'runs.db', '--status', 'done');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--status must be one of running, waiting-for-person');
  });

  it("shows a run's journal and its workflow's Mermaid diagram", async () => {
    const { code, stdout } = await runs(
      'show',
      runIds[0] ?? '',
      '--store',
      'runs.db',
      '--workflow',
      workflowModule,
      '--json',
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      run: RunRecord;
      journal: { type: string }[];
      mermaid: string;
    };
    expect(report.run.status).toBe('waiting-for-person');
    expect(report.journal.map((entry) => entry.type)).toEqual([
      'run-start',
      'step-start',
      'step-attempt',
      'step-error',
      'run-suspend',
    ]);
    expect(report.mermaid).toContain('step_check --> step_ship');
  });

  it('approves a waiting step as a named person, and the run goes on', async () => {
    const runId = runIds[0] ?? '';
    const { code, stdout } = await runs(
      'approve',
      runId,
      '--store',
      'runs.db',
      '--workflow',
      workflowModule,
      '--as',
      'ann',
      '--json',
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { run: RunRecord };
    expect(report.run.status).toBe('completed');
    expect(report.run.output).toEqual({ shipped: true, verdict: { approved: true, by: 'ann' } });
    const shown = await runs('show', runId, '--store', 'runs.db', '--json');
    const journal = (JSON.parse(shown.stdout) as { journal: Record<string, unknown>[] }).journal;
    expect(journal).toContainEqual(
      expect.objectContaining({ type: 'run-resume', actor: 'ann', decision: 'skip' }),
    );
  });

  it('rejects a waiting step: the run fails (exit 1)', async () => {
    const { code, stdout } = await runs(
      'reject',
      runIds[1] ?? '',
      '--store',
      'runs.db',
      '--workflow',
      workflowModule,
      '--as',
      'bob',
    );
    expect(code).toBe(1);
    expect(stdout).toContain('Status    failed');
  });

  it('needs the name of the person who decides (exit 2)', async () => {
    const { code, stderr } = await runs(
      'approve',
      runIds[0] ?? '',
      '--store',
      'runs.db',
      '--workflow',
      workflowModule,
    );
    expect(code).toBe(2);
    expect(stderr).toContain('--as <name>');
  });

  it('needs the workflow module to resume (exit 2)', async () => {
    const { code, stderr } = await runs(
      'resume',
      runIds[0] ?? '',
      '--store',
      'runs.db',
      '--decision',
      'retry',
    );
    expect(code).toBe(2);
    expect(stderr).toContain('pass --workflow <module>');
  });

  it('asks for a decision on a waiting run', async () => {
    const { code, stderr } = await runs(
      'resume',
      runIds[0] ?? '',
      '--store',
      'runs.db',
      '--workflow',
      workflowModule,
    );
    expect(code).toBe(2);
    expect(stderr).toContain('waits for a person on check');
  });

  it('resumes with a decision as a named person', async () => {
    const { code, stdout } = await runs(
      'resume',
      runIds[0] ?? '',
      '--store',
      'runs.db',
      '--workflow',
      workflowModule,
      '--decision',
      'skip',
      '--data',
      '{"approved":false}',
      '--as',
      'cy',
      '--json',
    );
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { run: RunRecord }).run.output).toEqual({
      shipped: true,
      verdict: { approved: false },
    });
  });

  it('goes on with a run a crash interrupted, showing no progress when stderr is not a terminal', async () => {
    const storeHandle = await Promise.resolve(createSqliteStore({ path: store }));
    // A runner whose handler never settles stands for a process that stopped mid-step.
    const stopped = createWorkflowRunner({
      ...reviewModule,
      handlers: { work: () => new Promise(() => undefined) },
      store: storeHandle,
    });
    const { runId } = await stopped.start('quick', {});
    await stopped.close();
    await storeHandle.close();

    const { code, stdout, stderr } = await runs(
      'resume',
      runId,
      '--store',
      'runs.db',
      '--workflow',
      workflowModule,
      '--json',
    );
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { run: RunRecord }).run).toMatchObject({
      status: 'completed',
      output: { done: true },
    });
    expect(stderr).toBe('');
  });

  it('cancels a run', async () => {
    const { code, stdout } = await runs(
      'cancel',
      runIds[1] ?? '',
      '--store',
      'runs.db',
      '--workflow',
      workflowModule,
      '--json',
    );
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { run: RunRecord }).run).toMatchObject({
      status: 'cancelled',
      error: { code: 'aborted' },
    });
  });

  it('names an unknown run and a missing store file (exit 3)', async () => {
    const unknown = await runs('show', 'no-such-run', '--store', 'runs.db');
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('The store holds no run "no-such-run"');
    const missing = await runs('list', '--store', 'nowhere.db');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain(join(work.path, 'nowhere.db'));
  });

  it('needs a store (exit 2)', async () => {
    const { code, stderr } = await runs('list');
    expect(code).toBe(2);
    expect(stderr).toContain('needs a store');
  });
});
