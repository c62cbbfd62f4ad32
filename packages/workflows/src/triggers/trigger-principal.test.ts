import { createMemoryStore, type AgentryError, type AuthorizationRequest } from '@agentry/core';
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkflowRunner } from '../runner/create-workflow-runner.js';
import type { WorkflowRunner } from '../runner/runner-types.js';
import { FakeClock, settle } from './__fixtures__/fake-clock.js';
import { MemoryStarter } from './__fixtures__/memory-starter.js';
import { workflowWith } from './__fixtures__/workflow-with.js';
import { createEventTrigger, type EventTriggerHandle } from './create-event-trigger.js';
import { createScheduler } from './create-scheduler.js';
import type { Scheduler } from './schedule-types.js';

const orders = workflowWith('orders', [
  { type: 'event', configuration: { source: 'shop', eventType: 'order-created' } },
]);
const nightly = workflowWith('nightly', [
  { type: 'schedule', configuration: { cron: '0 2 * * *', timezone: 'UTC' } },
]);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function runnerWithAuthorizer(requests: AuthorizationRequest[]): WorkflowRunner {
  const runner = createWorkflowRunner({
    store: createMemoryStore(),
    registry: { orders },
    handlers: { noop: () => null },
    authorizer: {
      authorize: (request) => {
        requests.push(request);
        const allowed = request.principal.id === 'order-intake';
        return Promise.resolve({
          decision: allowed ? 'allow' : 'deny',
          reasons: [],
          policyIds: [],
        });
      },
    },
  });
  cleanups.push(() => runner.close());
  return runner;
}

function listen(runner: WorkflowRunner, principal?: { id: string; kind: 'service' }) {
  const events = new Subject<unknown>();
  const errors: AgentryError[] = [];
  const handle: EventTriggerHandle = createEventTrigger({
    starter: runner,
    workflows: [orders],
    source: events,
    onError: (error) => errors.push(error),
    ...(principal === undefined ? {} : { principal }),
  });
  handle.start();
  cleanups.push(() => handle.stop());
  return { events, errors };
}

describe('triggers start runs for their principal', () => {
  it('an event trigger with a principal is authorized for it; one without is refused by a runner with an authorizer', async () => {
    const requests: AuthorizationRequest[] = [];
    const runner = runnerWithAuthorizer(requests);
    const event = { source: 'shop', type: 'order-created', id: 'e-1' };

    const anonymous = listen(runner);
    anonymous.events.next(event);
    await settle();
    expect(anonymous.errors.map((error) => error.code)).toEqual(['permission_denied']);
    expect(await runner.listRuns()).toEqual([]);
    expect(requests).toEqual([]);

    const principal = { id: 'order-intake', kind: 'service' as const };
    const intake = listen(runner, principal);
    intake.events.next({ ...event, id: 'e-2' });
    await settle();
    expect(intake.errors).toEqual([]);
    expect(
      requests.map((request) => [request.principal, request.action, request.resource.id]),
    ).toEqual([[principal, 'create', 'orders']]);
    const [run] = await runner.listRuns();
    expect(run?.principal).toEqual(principal);
  });

  it('a scheduler passes its principal with each start', async () => {
    const clock = new FakeClock('2026-06-01T00:00:00Z');
    const starter = new MemoryStarter();
    const principal = { id: 'nightly-jobs', kind: 'service' as const };
    const scheduler: Scheduler = createScheduler({
      starter,
      workflows: [nightly],
      clock,
      principal,
      onError: () => undefined,
    });
    cleanups.push(() => scheduler.stop());
    await scheduler.start();
    await clock.advanceTo('2026-06-01T02:00:00Z');
    expect(starter.runs.map((run) => run.options.principal)).toEqual([principal]);
  });
});
