import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAgentry,
  createMemoryStore,
  definePlugin,
  type Agentry,
  type InstanceEvent,
  type StateStore,
} from '@agentry/core';
import { sqliteStore } from '@agentry/store-sqlite';
import { createMockModel, createMockProvider, providerConfiguration } from '@agentry/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { define, task } from '../../test/fixtures/workflows.js';
import { createConfiguredWorkflowRunner } from '../agents/create-configured-workflow-runner.js';
import { workflows } from '../workflows-plugin.js';
import type { WorkflowRunner } from './runner-types.js';

let directory = '';
const open: { close(): Promise<void> }[] = [];
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'agentry-run-lifecycle-'));
});
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
  rmSync(directory, { recursive: true, force: true });
});

/** The clock of both stores, so each test decides every record's `updatedAt`. */
let now = 0;
const clock = { now: () => now };

/** One task that returns at once, or waits until `release` when its input says `block`. */
let release: () => void = () => undefined;
const handlers = {
  work: (input: Record<string, unknown>) =>
    input.block === true
      ? new Promise((resolve) => {
          release = () => resolve({ done: true });
        })
      : { done: true },
};

async function setUp(storeName: 'mem' | 'sqlite'): Promise<{
  agentry: Agentry;
  runner: WorkflowRunner;
  store: StateStore;
}> {
  const memory = createMemoryStore({ now: () => new Date(now) });
  const model = createMockModel({ modelId: 'gpt-4o', script: [], repeat: true });
  const agentry = await createAgentry({
    config: {
      ...providerConfiguration({
        type: 'openai',
        model: 'gpt-4o',
        authentication: { type: 'api_key', configuration: { apiKey: '${env:MOCK_KEY}' } },
      }),
      workflows: {
        workflows: {
          job: define('job', [task('work', 'work', { block: { $ref: 'input.block' } })]),
        },
        defaults: { store: storeName },
      },
    },
    env: { MOCK_KEY: ['mock', 'k'.repeat(16)].join('-') },
    plugins: [
      { name: 'mock-openai', version: '1.0.0', providers: [createMockProvider({ model })] },
      definePlugin({
        name: 'mem-store',
        version: '1.0.0',
        setup: (host) => host.provideStore('mem', memory),
      }),
      sqliteStore({ path: join(directory, 'runs.db'), clock }),
      workflows(),
    ],
  });
  open.push({ close: () => agentry.shutdown() });
  const runner = createConfiguredWorkflowRunner({ agentry, handlers });
  open.push(runner);
  return { agentry, runner, store: agentry.store(storeName) };
}

const keysOf = async (store: StateStore) =>
  (await store.list('', { limit: 1000 })).entries.map((entry) => entry.key);
const keysOfRun = (keys: string[], runId: string) => keys.filter((key) => key.includes(runId));

describe.each(['mem', 'sqlite'] as const)('workflow runs in the %s store', (storeName) => {
  it('are erased with their journal and idempotent start for their user only', async () => {
    now = Date.parse('2026-03-01T00:00:00.000Z');
    const { agentry, runner, store } = await setUp(storeName);
    const ann = await runner.run('job', { block: false }, { userId: 'ann' });
    const again = await runner.run(
      'job',
      { block: false },
      { userId: 'ann', idempotencyKey: 'order-7' },
    );
    const bob = await runner.run('job', { block: false }, { userId: 'bob' });
    expect([ann.userId, again.userId, bob.userId]).toEqual(['ann', 'ann', 'bob']);
    const before = await keysOf(store);
    expect(keysOfRun(before, ann.runId).length).toBeGreaterThanOrEqual(2);

    const report = await agentry.erase({ userId: 'ann' });

    const after = await keysOf(store);
    expect(keysOfRun(after, ann.runId)).toEqual([]);
    expect(keysOfRun(after, again.runId)).toEqual([]);
    expect(after.filter((key) => key.includes('order-7'))).toEqual([]);
    expect(keysOfRun(after, bob.runId)).toEqual(keysOfRun(before, bob.runId));
    const erased = report.stores.find((entry) => entry.store === storeName);
    expect([...(erased?.deleted ?? [])].sort()).toEqual(
      before.filter((key) => !after.includes(key)).sort(),
    );
    expect((await runner.listRuns()).map((run) => run.runId)).toEqual([bob.runId]);
  });

  it('belong to the user principal they act for when they have no userId', async () => {
    now = Date.parse('2026-03-01T00:00:00.000Z');
    const { agentry, runner, store } = await setUp(storeName);
    const cat = await runner.run('job', { block: false }, { principal: { id: 'cat' } });
    const service = await runner.run(
      'job',
      { block: false },
      { principal: { id: 'cat', kind: 'service' } },
    );
    await agentry.erase({ userId: 'cat' });
    const after = await keysOf(store);
    expect(keysOfRun(after, cat.runId)).toEqual([]);
    expect(keysOfRun(after, service.runId).length).toBeGreaterThanOrEqual(2);
  });

  it('are left in place while unfinished, reported, and erased once finished', async () => {
    now = Date.parse('2026-03-01T00:00:00.000Z');
    const { agentry, runner, store } = await setUp(storeName);
    const running = await runner.start('job', { block: true }, { userId: 'ann' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await agentry.erase({ userId: 'ann' });
    expect(refused.stores.find((entry) => entry.store === storeName)).toMatchObject({
      deleted: [],
      failed: [{ error: { code: 'invalid_transition' } }],
    });
    release();
    expect((await runner.wait(running.runId)).status).toBe('completed');
    await agentry.erase({ userId: 'ann' });
    expect(keysOfRun(await keysOf(store), running.runId)).toEqual([]);
  });

  it('are purged when finished and changed strictly before the limit, never while unfinished', async () => {
    const limit = Date.parse('2026-03-10T00:00:00.000Z');
    const { agentry, runner, store } = await setUp(storeName);
    now = limit - 1;
    const older = await runner.run('job', { block: false });
    now = limit;
    const atLimit = await runner.run('job', { block: false });
    now = limit - 10;
    const unfinished = await runner.start('job', { block: true });
    // Let the blocked step start, so that the run is mid-way when purged.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await runner.getRun(unfinished.runId))?.status).toBe('running');
    const before = await keysOf(store);

    const report = await agentry.purgeExpired({ before: new Date(limit) });

    const after = await keysOf(store);
    expect(keysOfRun(after, older.runId)).toEqual([]);
    expect(keysOfRun(after, atLimit.runId)).toEqual(keysOfRun(before, atLimit.runId));
    expect(keysOfRun(after, unfinished.runId)).toEqual(keysOfRun(before, unfinished.runId));
    expect(report.stores.find((entry) => entry.store === storeName)?.deleted).toEqual(
      expect.arrayContaining(keysOfRun(before, older.runId)) as unknown,
    );

    // Much later, the finished run goes; the unfinished one still stays until it ends.
    const later = await agentry.purgeExpired({ before: new Date(limit + 86_400_000) });
    expect(keysOfRun(await keysOf(store), atLimit.runId)).toEqual([]);
    expect(keysOfRun(await keysOf(store), unfinished.runId)).not.toEqual([]);
    expect(later.stores.find((entry) => entry.store === storeName)?.failed).toBeUndefined();
    release();
    expect((await runner.wait(unfinished.runId)).status).toBe('completed');
  });
});

describe('a run started for a user', () => {
  it('carries the user in its events and their source on events$', async () => {
    now = Date.parse('2026-03-01T00:00:00.000Z');
    const { agentry, runner } = await setUp('mem');
    const seen: InstanceEvent[] = [];
    agentry.events$.subscribe((tagged) => seen.push(tagged));
    const run = await runner.run('job', { block: false }, { userId: 'ann' });
    const sources = seen.map((tagged) => tagged.source);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(source).toEqual({
        kind: 'workflow-run',
        runId: run.runId,
        workflowId: 'job',
        userId: 'ann',
      });
    }
  });

  it('refuses an empty user id', async () => {
    const { runner } = await setUp('mem');
    await expect(runner.start('job', {}, { userId: '' })).rejects.toMatchObject({
      code: 'validation_failed',
      details: { path: ['userId'] },
    });
  });
});
