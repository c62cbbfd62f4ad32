import {
  createMemoryStore,
  type AuthorizationDecision,
  type AuthorizationRequest,
  type Authorizer,
  type StateStore,
} from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { define, task } from '../../test/fixtures/workflows.js';
import type { WorkflowDefinition } from '../definitions/index.js';
import { startManually } from '../triggers/start-manually.js';
import { createWorkflowRunner } from './create-workflow-runner.js';
import type {
  RunEvent,
  TaskHandler,
  WorkflowRunner,
  WorkflowRunnerOptions,
} from './runner-types.js';

const open: WorkflowRunner[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((runner) => runner.close()));
});

const allow: AuthorizationDecision = { decision: 'allow', reasons: ['test'], policyIds: ['p'] };
const deny: AuthorizationDecision = { decision: 'deny', reasons: ['test'], policyIds: ['p'] };

/** An authorizer that records every request and answers with `decide`. */
function fakeAuthorizer(decide: (request: AuthorizationRequest) => AuthorizationDecision) {
  const requests: AuthorizationRequest[] = [];
  const authorizer: Authorizer = {
    authorize: (request) => {
      requests.push(structuredClone(request));
      return Promise.resolve(decide(request));
    },
  };
  return { authorizer, requests };
}

function makeRunner(
  workflows: WorkflowDefinition[],
  handlers: Record<string, TaskHandler>,
  extra: Partial<WorkflowRunnerOptions> = {},
) {
  const store = extra.store ?? createMemoryStore();
  let id = 0;
  const runner = createWorkflowRunner({
    store,
    registry: Object.fromEntries(workflows.map((workflow) => [workflow.id, workflow])),
    handlers,
    generateId: () => `run-${++id}`,
    ...extra,
  });
  open.push(runner);
  const events: RunEvent[] = [];
  runner.events$.subscribe((event) => events.push(event));
  return { runner, store, events };
}

async function storedKeys(store: StateStore): Promise<string[]> {
  return (await store.list('')).entries.map((entry) => entry.key);
}

const echo: TaskHandler = (input) => input;
const simple = () => define('simple', [task('a', 'echo', { value: { $ref: 'input.value' } })]);
const needsPerson = () =>
  define('review', [task('check', 'check'), task('after', 'echo')], {
    retryAttempts: 0,
    backoffStrategy: 'fixed',
    fallbackAction: 'human_intervention',
  });

describe('authorization of starts', () => {
  it('asks create on workflows:<id> for the principal, and stores the principal with the run and its journal', async () => {
    const { authorizer, requests } = fakeAuthorizer(() => allow);
    const { runner } = makeRunner([simple()], { echo }, { authorizer });
    const principal = {
      id: 'alice',
      kind: 'user' as const,
      roles: ['analyst'],
      attributes: { tenant: 't-1' },
    };
    const result = await runner.run('simple', { value: 1 }, { principal });

    expect(result.status).toBe('completed');
    expect(requests).toEqual([
      {
        principal,
        action: 'create',
        resource: {
          type: 'workflows',
          id: 'simple',
          attributes: { name: 'simple', definitionHash: result.definitionHash },
        },
        context: { operation: 'workflow.start', workflowId: 'simple' },
      },
    ]);
    expect(result.principal).toEqual(principal);
    const [start] = await runner.journal(result.runId);
    expect(start).toMatchObject({ type: 'run-start', principal });
  });

  it('refuses a denied start with permission_denied and leaves nothing behind: no record, no journal, no event, no step', async () => {
    const { authorizer } = fakeAuthorizer(() => deny);
    let ran = 0;
    const { runner, store, events } = makeRunner(
      [simple()],
      {
        echo: () => {
          ran += 1;
          return null;
        },
      },
      { authorizer },
    );

    const refused = runner.start(
      'simple',
      { value: 1 },
      { principal: { id: 'mallory' }, idempotencyKey: 'k-1' },
    );
    await expect(refused).rejects.toMatchObject({
      code: 'permission_denied',
      details: { action: 'create', resource: 'workflows:simple', principal: 'mallory' },
    });
    await expect(refused).rejects.toThrow('mallory may not create workflows:simple.');
    expect(await storedKeys(store)).toEqual([]);
    expect(await runner.listRuns()).toEqual([]);
    expect(events).toEqual([]);
    expect(ran).toBe(0);
  });

  it('refuses when the authorizer throws, and the message carries none of its reasons', async () => {
    const { runner, store } = makeRunner(
      [simple()],
      { echo },
      {
        authorizer: { authorize: () => Promise.reject(new Error('policy store down: secret-ish')) },
      },
    );
    const refused = runner.start('simple', {}, { principal: { id: 'alice' } });
    await expect(refused).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(refused).rejects.not.toThrow('secret-ish');
    expect(await storedKeys(store)).toEqual([]);
  });

  it('asks for a user principal made from userId, and refuses a start with neither principal nor userId', async () => {
    const { authorizer, requests } = fakeAuthorizer(() => allow);
    const { runner, store } = makeRunner([simple()], { echo }, { authorizer });

    const run = await runner.run('simple', {}, { userId: 'bob' });
    expect(requests.at(-1)?.principal).toEqual({ id: 'bob', kind: 'user' });
    expect(run.principal).toEqual({ id: 'bob', kind: 'user' });

    const before = await storedKeys(store);
    await expect(runner.start('simple', {})).rejects.toMatchObject({
      code: 'permission_denied',
      details: { action: 'create', resource: 'workflows:simple' },
    });
    expect(requests).toHaveLength(1);
    expect(await storedKeys(store)).toEqual(before);
  });

  it('passes the principal through startManually', async () => {
    const { authorizer, requests } = fakeAuthorizer((request) =>
      request.principal.id === 'alice' ? allow : deny,
    );
    const definition = simple();
    const { runner } = makeRunner([definition], { echo }, { authorizer });
    const workflows = { workflows: { simple: definition } };

    await expect(
      startManually(runner, 'simple', {}, { workflows, principal: { id: 'eve' } }),
    ).rejects.toMatchObject({ code: 'permission_denied' });
    const { runId } = await startManually(
      runner,
      'simple',
      {},
      {
        workflows,
        principal: { id: 'alice' },
      },
    );
    expect((await runner.wait(runId)).principal).toEqual({ id: 'alice' });
    expect(requests.map((request) => request.principal.id)).toEqual(['eve', 'alice']);
  });

  it.each([
    ['an empty id', { id: ' ' }],
    ['an unknown kind', { id: 'alice', kind: 'admin' }],
    ['roles that are not strings', { id: 'alice', roles: [1] }],
    ['attributes that are not JSON', { id: 'alice', attributes: { at: new Date(0) } }],
    ['no object', 'alice'],
  ])('refuses a principal with %s before asking anything', async (_, principal) => {
    const { authorizer, requests } = fakeAuthorizer(() => allow);
    const { runner, store } = makeRunner([simple()], { echo }, { authorizer });
    await expect(
      runner.start('simple', {}, { principal: principal as never }),
    ).rejects.toMatchObject({ code: 'validation_failed', details: { path: ['principal'] } });
    expect(requests).toEqual([]);
    expect(await storedKeys(store)).toEqual([]);
  });

  it('stores only the principal’s own fields, and refuses a __proto__ attribute without polluting anything', async () => {
    const { authorizer } = fakeAuthorizer(() => allow);
    const { runner, store } = makeRunner([simple()], { echo }, { authorizer });
    const polluted = JSON.parse('{"tenant":"t-1","__proto__":{"isAdmin":true}}') as Record<
      string,
      unknown
    >;
    const refused = runner.start(
      'simple',
      { value: 1 },
      {
        principal: { id: 'alice', attributes: polluted },
      },
    );
    await expect(refused).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(refused).rejects.toThrow('attributes.__proto__');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(await storedKeys(store)).toEqual([]);

    const principal = { id: 'alice', attributes: { tenant: 't-1' }, password: 'x'.repeat(3) };
    const run = await runner.run('simple', { value: 1 }, { principal });
    const stored = (await runner.getRun(run.runId))!;
    expect(stored.principal).toEqual({ id: 'alice', attributes: { tenant: 't-1' } });
  });

  it('without an authorizer asks nothing and still records a principal given to the start', async () => {
    const { runner } = makeRunner([simple()], { echo });
    const anonymous = await runner.run('simple', { value: 1 });
    expect(anonymous.status).toBe('completed');
    expect(anonymous).not.toHaveProperty('principal');
    const run = await runner.run(
      'simple',
      { value: 1 },
      {
        principal: { id: 'alice', roles: ['a'] },
      },
    );
    expect(run.principal).toEqual({ id: 'alice', roles: ['a'] });
  });

  it('keeps the principal across a restart, and gives it to the child runs of subgraph steps', async () => {
    const child = define('child', [task('c', 'echo')]);
    const parent = define(
      'parent',
      [
        {
          id: 'sub',
          name: 'sub',
          type: 'subgraph',
          configuration: { workflowId: 'child' },
        },
      ],
      undefined,
      { child },
    );
    const { authorizer, requests } = fakeAuthorizer(() => allow);
    const store = createMemoryStore();
    const first = makeRunner([parent, child], { echo }, { authorizer, store });
    const run = await first.runner.run('parent', {}, { principal: { id: 'alice' } });
    expect(run.status).toBe('completed');
    const children = (await first.runner.listRuns({ workflowId: 'child' })).map((r) => r.principal);
    expect(children).toEqual([{ id: 'alice' }]);
    // The child run is part of the run that was authorized: not asked again.
    expect(requests.map((request) => request.resource.id)).toEqual(['parent']);
    await first.runner.close();

    const second = makeRunner([parent, child], { echo }, { authorizer, store });
    expect((await second.runner.getRun(run.runId))?.principal).toEqual({ id: 'alice' });
  });
});

describe('authorization of resumes', () => {
  const failing = { check: () => Promise.reject(new Error('cannot decide')), echo };

  it('asks update on runs:<id> with the stored run’s attributes, and a denial leaves the run waiting, untouched', async () => {
    let decision = deny;
    const { authorizer, requests } = fakeAuthorizer(() => decision);
    const { runner, store, events } = makeRunner([needsPerson()], failing, { authorizer });
    decision = allow;
    const waiting = await runner.run('review', {}, { principal: { id: 'alice' } });
    expect(waiting.status).toBe('waiting-for-person');
    decision = deny;

    const journalBefore = await runner.journal(waiting.runId);
    const keysBefore = await storedKeys(store);
    const eventsBefore = events.length;
    const refused = runner.resume(
      waiting.runId,
      { decision: 'skip', data: 1 },
      { principal: { id: 'mallory', roles: ['reviewer'] } },
    );
    await expect(refused).rejects.toMatchObject({
      code: 'permission_denied',
      details: { action: 'update', resource: `runs:${waiting.runId}`, principal: 'mallory' },
    });
    expect(requests.at(-1)).toEqual({
      principal: { id: 'mallory', roles: ['reviewer'] },
      action: 'update',
      resource: {
        type: 'runs',
        id: waiting.runId,
        attributes: { owner: 'alice', workflowId: 'review', status: 'waiting-for-person' },
      },
      context: {
        operation: 'workflow.resume',
        runId: waiting.runId,
        workflowId: 'review',
        decision: 'skip',
      },
    });
    expect(await runner.getRun(waiting.runId)).toEqual(waiting);
    expect(await runner.journal(waiting.runId)).toEqual(journalBefore);
    expect(await storedKeys(store)).toEqual(keysBefore);
    expect(events.length).toBe(eventsBefore);

    // The owner may: the decision is recorded with the principal's id as the actor.
    const { authorizer: ownerOnly } = fakeAuthorizer((request) =>
      request.principal.id === request.resource.attributes?.owner ? allow : deny,
    );
    const owned = makeRunner([needsPerson()], failing, { authorizer: ownerOnly, store });
    await runner.close();
    const done = await owned.runner.resume(
      waiting.runId,
      { decision: 'skip', data: { ok: true } },
      { principal: { id: 'alice' } },
    );
    expect(done.status).toBe('completed');
    const resumed = (await owned.runner.journal(waiting.runId)).find(
      (entry) => entry.type === 'run-resume',
    );
    expect(resumed).toMatchObject({ decision: 'skip', actor: 'alice' });
  });

  it('with an authorizer, decides on the actor as a user principal, ignores permissions, and refuses a resume by nobody', async () => {
    const { authorizer, requests } = fakeAuthorizer((request) =>
      request.context?.operation === 'workflow.start' || request.principal.id === 'ann'
        ? allow
        : deny,
    );
    const { runner } = makeRunner([needsPerson()], failing, { authorizer });
    const waiting = await runner.run('review', {}, { userId: 'u-1' });

    await expect(
      runner.resume(waiting.runId, { decision: 'abort' }, { permissions: ['*'] }),
    ).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(
      runner.resume(waiting.runId, { decision: 'abort' }, { actor: 'eve', permissions: ['*'] }),
    ).rejects.toMatchObject({ code: 'permission_denied', details: { principal: 'eve' } });
    expect((await runner.getRun(waiting.runId))?.status).toBe('waiting-for-person');

    const done = await runner.resume(waiting.runId, { decision: 'abort' }, { actor: 'ann' });
    expect(done.status).toBe('failed');
    expect(requests.at(-1)).toMatchObject({
      principal: { id: 'ann', kind: 'user' },
      resource: { attributes: { owner: 'u-1' } },
    });
  });

  it('refuses to resume an unknown run with not_found before asking', async () => {
    const { authorizer, requests } = fakeAuthorizer(() => allow);
    const { runner } = makeRunner([needsPerson()], failing, { authorizer });
    await expect(
      runner.resume('nope', { decision: 'skip' }, { principal: { id: 'alice' } }),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(requests).toEqual([]);
  });

  it('without an authorizer keeps the resume permission check, whatever principal is given', async () => {
    const { runner } = makeRunner([needsPerson()], failing);
    const waiting = await runner.run('review', {});
    await expect(
      runner.resume(waiting.runId, { decision: 'skip' }, { principal: { id: 'alice' } }),
    ).rejects.toMatchObject({
      code: 'permission_denied',
      details: { required: 'workflows:resume' },
    });
    const done = await runner.resume(
      waiting.runId,
      { decision: 'skip' },
      { principal: { id: 'alice' }, permissions: ['workflows:resume'] },
    );
    expect(done.status).toBe('completed');
  });
});
