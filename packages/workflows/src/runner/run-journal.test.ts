import { createMemoryStore, type StateStore } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { define, task } from '../../test/fixtures/workflows.js';
import type { WorkflowDefinition } from '../definitions/index.js';
import { createWorkflowRunner } from './create-workflow-runner.js';
import { hashWorkflowDefinition } from './hash-workflow-definition.js';
import type { JournalEntry } from './journal-entry.js';
import { foldJournalRecords, journalKey, runKey } from './run-store.js';
import type { TaskHandler, WorkflowRunner } from './runner-types.js';

const open: WorkflowRunner[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((runner) => runner.close()));
});

function runnerOn(
  store: StateStore,
  workflows: WorkflowDefinition[],
  handlers: Record<string, TaskHandler>,
) {
  const runner = createWorkflowRunner({
    store,
    registry: Object.fromEntries(workflows.map((workflow) => [workflow.id, workflow])),
    handlers,
    generateId: () => 'run-1',
  });
  open.push(runner);
  return runner;
}

/** The journal records as stored: kind, version and the types of the entries each holds. */
async function records(store: StateStore) {
  const page = await store.list('workflow-journal:');
  return page.entries.map((record) => {
    const data = record.data as { entries?: JournalEntry[] } & Partial<JournalEntry>;
    const entries = data.entries ?? [data as JournalEntry];
    return `${record.schemaVersion}:${entries.map((entry) => `${entry.type}@${entry.seq}`).join(',')}`;
  });
}

describe('the run journal', () => {
  describe('writes', () => {
    it('writes a step end with the next step start and attempt, before the next handler runs', async () => {
      const store = createMemoryStore();
      const seen: string[] = [];
      const runner = runnerOn(store, [define('chain', [task('a', 'echo'), task('b', 'look')])], {
        echo: () => 'a-out',
        look: async (_input, ctx) => {
          const journal = await runner.journal(ctx.runId);
          seen.push(
            ...journal.map((entry) => `${entry.type}:${'stepId' in entry ? entry.stepId : ''}`),
          );
          return 'b-out';
        },
      });
      expect(await runner.run('chain', {})).toMatchObject({ status: 'completed', output: 'b-out' });
      // b's handler saw a's end and its own attempt: both were stored before it ran.
      expect(seen).toEqual([
        'run-start:',
        'step-start:a',
        'step-attempt:a',
        'step-end:a',
        'step-start:b',
        'step-attempt:b',
      ]);
      expect(await records(store)).toEqual([
        '3:run-start@0',
        '3:step-start@1,step-attempt@2',
        '3:step-end@3,step-start@4,step-attempt@5',
        '3:step-end@6,run-end@7',
      ]);
      expect((await runner.journal('run-1')).map((entry) => entry.seq)).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7,
      ]);
    });
  });

  describe('fencing', () => {
    it('voids a record written under a lower lease token than a record before it, and reports gaps', () => {
      const entry = (seq: number, stepId: string): JournalEntry => ({
        type: 'step-start',
        seq,
        at: 1,
        stepId,
        stepType: 'task',
      });
      const folded = foldJournalRecords([
        { seq: 0, entries: [entry(0, 'old-a'), entry(1, 'old-b')], token: 1 },
        { seq: 3, entries: [entry(3, 'new-a')], token: 2 },
        // The first owner, paused while it lost the run, writes late: void.
        { seq: 4, entries: [entry(4, 'late'), entry(5, 'late')], token: 1 },
        { seq: 6, entries: [entry(6, 'new-b')], token: 2 },
      ]);
      expect(folded.entries.map((kept) => ('stepId' in kept ? kept.stepId : ''))).toEqual([
        'old-a',
        'old-b',
        'new-a',
        'new-b',
      ]);
      expect(folded.nextSeq).toBe(7);
      expect(folded.gaps).toEqual([2]);
    });
  });

  describe('versions', () => {
    it('continues a run whose journal an earlier runner wrote in version 1, one entry per record', async () => {
      const store = createMemoryStore();
      const workflow = define('chain', [task('a', 'count'), task('b', 'count')]);
      const definitionHash = hashWorkflowDefinition(workflow);
      await store.put(runKey('run-1'), {
        kind: 'workflow-run',
        schemaVersion: '1',
        data: {
          runId: 'run-1',
          workflowId: 'chain',
          definitionHash,
          input: {},
          status: 'running',
          startedAt: 1,
          updatedAt: 1,
        },
      });
      const written: JournalEntry[] = [
        { type: 'run-start', at: 1, seq: 0, workflowId: 'chain', definitionHash, input: {} },
        { type: 'step-start', at: 1, seq: 1, stepId: 'a', stepType: 'task' },
        { type: 'step-attempt', at: 1, seq: 2, stepId: 'a', attempt: 1, idempotencyKey: 'run-1:a' },
        { type: 'step-end', at: 1, seq: 3, stepId: 'a', output: 'a-before' },
        { type: 'step-start', at: 1, seq: 4, stepId: 'b', stepType: 'task' },
        { type: 'step-attempt', at: 1, seq: 5, stepId: 'b', attempt: 1, idempotencyKey: 'run-1:b' },
      ];
      for (const entry of written) {
        await store.put(journalKey('run-1', entry.seq), {
          kind: 'workflow-journal-entry',
          schemaVersion: '1',
          data: entry,
        });
      }
      const counts: string[] = [];
      const runner = runnerOn(store, [workflow], {
        count: (_input, ctx) => {
          counts.push(`${ctx.stepId}#${ctx.attempt}`);
          return `${ctx.stepId}-after`;
        },
      });
      expect(await runner.recover()).toEqual({
        resumed: ['run-1'],
        waiting: [],
        held: [],
        refused: [],
        rebuilt: [],
      });
      expect(await runner.wait('run-1')).toMatchObject({ status: 'completed', output: 'b-after' });
      // a finished under the earlier runner and is not run again; b's open attempt is repeated.
      expect(counts).toEqual(['b#1']);
      const journal = await runner.journal('run-1');
      expect(journal.map((entry) => `${entry.seq}:${entry.type}`)).toEqual([
        '0:run-start',
        '1:step-start',
        '2:step-attempt',
        '3:step-end',
        '4:step-start',
        '5:step-attempt',
        '6:step-attempt',
        '7:step-end',
        '8:run-end',
      ]);
      expect(journal[6]).toMatchObject({ stepId: 'b', attempt: 1, repeated: true });
      expect((await records(store)).slice(-2)).toEqual([
        '3:step-attempt@6',
        '3:step-end@7,run-end@8',
      ]);
    });

    it('continues a run whose journal a runner before leases wrote in version 2, as written under token 0', async () => {
      const store = createMemoryStore();
      const workflow = define('chain', [task('a', 'count'), task('b', 'count')]);
      const definitionHash = hashWorkflowDefinition(workflow);
      await store.put(runKey('run-1'), {
        kind: 'workflow-run',
        schemaVersion: '1',
        data: {
          runId: 'run-1',
          workflowId: 'chain',
          definitionHash,
          input: {},
          status: 'running',
          startedAt: 1,
          updatedAt: 1,
        },
      });
      const entries: JournalEntry[] = [
        { type: 'run-start', at: 1, seq: 0, workflowId: 'chain', definitionHash, input: {} },
        { type: 'step-start', at: 1, seq: 1, stepId: 'a', stepType: 'task' },
        { type: 'step-attempt', at: 1, seq: 2, stepId: 'a', attempt: 1, idempotencyKey: 'run-1:a' },
        { type: 'step-end', at: 1, seq: 3, stepId: 'a', output: 'a-before' },
      ];
      await store.put(journalKey('run-1', 0), {
        kind: 'workflow-journal-entry',
        schemaVersion: '2',
        data: { entries },
      });
      const counts: string[] = [];
      const runner = runnerOn(store, [workflow], {
        count: (_input, ctx) => {
          counts.push(`${ctx.stepId}#${ctx.attempt}`);
          return `${ctx.stepId}-after`;
        },
      });
      expect((await runner.recover()).resumed).toEqual(['run-1']);
      expect(await runner.wait('run-1')).toMatchObject({ status: 'completed', output: 'b-after' });
      expect(counts).toEqual(['b#1']);
      expect((await runner.journal('run-1')).map((entry) => entry.seq)).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7,
      ]);
      expect(await records(store)).toEqual([
        '2:run-start@0,step-start@1,step-attempt@2,step-end@3',
        '3:step-start@4,step-attempt@5',
        '3:step-end@6,run-end@7',
      ]);
    });

    it('refuses a journal record of a version it does not know, naming the versions it reads', async () => {
      const store = createMemoryStore();
      await store.put(journalKey('run-1', 0), {
        kind: 'workflow-journal-entry',
        schemaVersion: '4',
        data: { entries: [] },
      });
      const runner = runnerOn(store, [], {});
      await expect(runner.journal('run-1')).rejects.toMatchObject({
        code: 'schema_version_unsupported',
        details: { schemaVersion: '4', supported: ['1', '2', '3'] },
      });
    });
  });

  describe('definitions', () => {
    it('keeps running the definition as first read when the registered object changes in place', async () => {
      const store = createMemoryStore();
      const workflow = define('greet', [task('a', 'echo', { name: 'Ada' })]);
      const hash = hashWorkflowDefinition(workflow);
      const runner = runnerOn(store, [workflow], { echo: (input) => input });
      expect(await runner.run('greet', {})).toMatchObject({ output: { name: 'Ada' } });
      workflow.steps[0]!.inputs.name = 'Grace';
      await store.delete(runKey('run-1'));
      for (const record of (await store.list('workflow-journal:')).entries)
        await store.delete(record.key);
      expect(await runner.run('greet', {})).toMatchObject({
        output: { name: 'Ada' },
        definitionHash: hash,
      });
    });
  });
});
