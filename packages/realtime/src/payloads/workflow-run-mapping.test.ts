import { createMemoryStore, type InstanceEvent } from '@agentry/core';
import {
  assertValidWorkflow,
  createWorkflowRunner,
  type RunEvent,
  type WorkflowDefinition,
  type WorkflowRunner,
} from '@agentry/workflows';
import { afterEach, describe, expect, it } from 'vitest';
import { schemaFailures, verifySequence } from './__fixtures__/ag-ui-check.js';
import type { AgUiEvent } from './ag-ui-types.js';
import { createAgUiMapper, createRunSnapshot } from './index.js';

const open: WorkflowRunner[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((runner) => runner.close()));
});

const review = (): WorkflowDefinition =>
  assertValidWorkflow({
    id: 'review',
    name: 'review',
    parallel: true,
    triggers: [{ type: 'manual' }],
    errorHandling: {
      retryAttempts: 0,
      backoffStrategy: 'fixed',
      fallbackAction: 'human_intervention',
    },
    steps: [
      { id: 'check', name: 'check', type: 'task', configuration: { handler: 'check' }, inputs: {} },
      {
        id: 'after-1',
        name: 'after',
        type: 'task',
        configuration: { handler: 'echo' },
        inputs: { got: { $ref: 'steps.check.output' } },
      },
    ],
  });

function runner() {
  let id = 0;
  let fixed = false;
  const workflows = createWorkflowRunner({
    store: createMemoryStore(),
    registry: { review: review() },
    handlers: {
      check: () => {
        if (!fixed) throw new Error('cannot decide');
        return 'fine';
      },
      echo: (input) => input,
    },
    generateId: () => `run-${++id}`,
  });
  open.push(workflows);
  const events: InstanceEvent[] = [];
  workflows.events$.subscribe((event: RunEvent) =>
    events.push({
      source: { kind: 'workflow-run', runId: event.runId, workflowId: event.workflowId },
      event,
    }),
  );
  return { workflows, events, fix: () => (fixed = true) };
}

const segments = (events: readonly AgUiEvent[]): AgUiEvent[][] => {
  const out: AgUiEvent[][] = [];
  for (const event of events) {
    if (event.type === 'RUN_STARTED') out.push([]);
    out.at(-1)?.push(event);
  }
  return out;
};

describe('createAgUiMapper', () => {
  describe('map (workflow runs)', () => {
    it('ends a run waiting for a person with the interrupt outcome, and resumes it as a new segment to completion', async () => {
      const { workflows, events, fix } = runner();
      await workflows.run('review', {});
      fix();
      const done = await workflows.resume(
        'run-1',
        { decision: 'retry' },
        { actor: 'ann', permissions: ['*'] },
      );
      expect(done).toMatchObject({ status: 'completed' });

      const mapper = createAgUiMapper();
      const mapped = events.flatMap((event) => mapper.map(event));
      expect(schemaFailures(mapped)).toEqual([]);
      const [suspended, resumed] = segments(mapped) as [AgUiEvent[], AgUiEvent[]];
      expect(segments(mapped)).toHaveLength(2);
      await verifySequence(suspended);
      await verifySequence(resumed);
      await verifySequence(mapped);
      expect(mapper.activeRuns).toBe(0);

      expect(suspended[0]).toMatchObject({
        type: 'RUN_STARTED',
        threadId: 'run-1',
        runId: 'run-1',
      });
      expect(suspended.at(-1)).toMatchObject({
        type: 'RUN_FINISHED',
        runId: 'run-1',
        outcome: {
          type: 'interrupt',
          interrupts: [
            {
              id: 'run-1:check',
              reason: 'human_intervention',
              message: 'cannot decide',
              metadata: { agentry: { stepId: 'check', workflowId: 'review' } },
            },
          ],
        },
      });
      expect(resumed.at(-1)).toMatchObject({
        type: 'RUN_FINISHED',
        outcome: { type: 'success' },
        result: { got: 'fine' },
      });
      expect(
        resumed
          .filter((event) => event.type === 'STEP_STARTED')
          .map((event) => event.type === 'STEP_STARTED' && event.stepName),
      ).toEqual(['check', 'after-1']);

      // The state, rebuilt from the snapshot and its deltas, says where the run is.
      const snapshot = createRunSnapshot();
      for (const event of suspended) snapshot.apply(event);
      expect(snapshot.state).toEqual({
        workflowId: 'review',
        status: 'suspended',
        steps: { check: 'waiting' },
      });
      for (const event of resumed) snapshot.apply(event);
      expect(snapshot.state).toEqual({
        workflowId: 'review',
        status: 'completed',
        steps: { check: 'completed', 'after-1': 'completed' },
      });

      // A dashboard joining at any point: the snapshot plus the rest verifies and ends in the same state.
      for (let cut = 0; cut <= mapped.length; cut++) {
        const early = createRunSnapshot();
        for (const event of mapped.slice(0, cut)) early.apply(event);
        const joined = [...early.snapshot(), ...mapped.slice(cut)];
        await verifySequence(joined);
        const late = createRunSnapshot();
        for (const event of joined) late.apply(event);
        expect(late.state, `cut at ${cut}`).toEqual(snapshot.state);
      }
    });

    it('maps an aborted run to RUN_ERROR after the suspension', async () => {
      const { workflows, events } = runner();
      await workflows.run('review', {});
      const done = await workflows.resume(
        'run-1',
        { decision: 'abort' },
        { actor: 'ann', permissions: ['*'] },
      );
      expect(done.status).not.toBe('completed');
      const mapper = createAgUiMapper();
      const mapped = events.flatMap((event) => mapper.map(event));
      expect(schemaFailures(mapped)).toEqual([]);
      await verifySequence(mapped);
      const last = mapped.at(-1);
      expect(
        last?.type === 'RUN_ERROR' ||
          (last?.type === 'RUN_FINISHED' && last.outcome?.type === 'cancelled'),
      ).toBe(true);
      expect(mapper.activeRuns).toBe(0);
    });
  });
});
