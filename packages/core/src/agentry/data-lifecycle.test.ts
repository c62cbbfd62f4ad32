import { describe, expect, it } from 'vitest';
import { testEnv, validConfig } from '../../test/fixtures.js';
import { fakeProvider, scriptedModel, textTurn } from '../../test/scripted-model.js';
import {
  AgentryError,
  createAgentry,
  createMemoryStore,
  definePlugin,
  services,
  storeKey,
  storeKeyPrefix,
  type AgentryPlugin,
  type AuditEntry,
  type PluginHost,
  type RecordHandler,
  type StateStore,
} from '../index.js';

const provider = definePlugin({
  name: 'agentry-lifecycle-provider',
  version: '1.0.0',
  providers: [
    fakeProvider('openai', {
      createModel: (modelId) =>
        scriptedModel(
          Array.from({ length: 20 }, () => textTurn('ok')),
          modelId,
        ),
    }),
  ],
});

/** Tickets belong to `data.userId` and take their comments (`ticket-comment:<id>:…`) with them. */
const tickets: RecordHandler = {
  kinds: ['ticket'],
  userOf: (envelope) => (envelope.data as { userId?: string }).userId,
  inUse: (envelope) => (envelope.data as { open?: boolean }).open === true,
  related: (envelope) => ({
    prefixes: [storeKeyPrefix('ticket-comment', (envelope.data as { id: string }).id)],
  }),
};
/** Comments are removed only with their ticket. */
const comments: RecordHandler = {
  kinds: ['ticket-comment'],
  userOf: () => undefined,
  expiresAt: () => undefined,
};

const putTicket = (store: StateStore, id: string, userId: string) =>
  store.put(storeKey('ticket', id), { kind: 'ticket', schemaVersion: '1', data: { id, userId } });
const putComment = (store: StateStore, ticket: string, n: number) =>
  store.put(storeKey('ticket-comment', ticket, String(n)), {
    kind: 'ticket-comment',
    schemaVersion: '1',
    data: { text: `comment ${n}` },
  });

async function instance(
  options: { archive?: StateStore; plugins?: AgentryPlugin[]; agents?: StateStore } = {},
) {
  const audit: AuditEntry[] = [];
  const archive = options.archive ?? createMemoryStore();
  const agentsStore = options.agents ?? createMemoryStore();
  let host: PluginHost | undefined;
  const agentry = await createAgentry({
    config: validConfig(),
    env: testEnv(),
    store: agentsStore,
    plugins: [
      provider,
      definePlugin({
        name: 'tickets',
        version: '1.0.0',
        setup(given) {
          host = given;
          given.provideStore('archive', archive);
          given.handleRecords(tickets);
          given.handleRecords(comments);
          given.provide(services.auditSink, {
            append: (entry) => {
              audit.push(entry);
              return Promise.resolve();
            },
          });
        },
      }),
      ...(options.plugins ?? []),
    ],
  });
  return { agentry, archive, agentsStore, audit, host: host! };
}

const keysOf = async (store: StateStore) =>
  (await store.list('', { limit: 1000 })).entries.map((entry) => entry.key);

describe('agentry.erase', () => {
  it("removes one user's agents, records and related records from every store, and nothing of another user", async () => {
    const { agentry, archive, agentsStore, audit } = await instance();
    const ann = agentry.createAgent({ context: { userId: 'ann' } });
    const bob = agentry.createAgent({ context: { userId: 'bob' } });
    await ann.send('hello');
    await bob.send('hello');
    await putTicket(archive, 't1', 'ann');
    await putComment(archive, 't1', 1);
    await putComment(archive, 't1', 2);
    await putTicket(archive, 't2', 'bob');
    await putComment(archive, 't2', 1);
    await archive.put('note:ann', { kind: 'note', schemaVersion: '1', data: { userId: 'ann' } });

    const report = await agentry.erase({ userId: 'ann' });

    expect(report.userId).toBe('ann');
    expect(report.agentsShutDown).toEqual([ann.id]);
    expect(ann.lifecycle).toBe('shut-down');
    expect(bob.lifecycle).not.toBe('shut-down');
    expect(report.stores).toEqual([
      { store: 'agents', deleted: [storeKey('agent', ann.id)], anonymised: [] },
      {
        store: 'archive',
        deleted: [
          storeKey('ticket', 't1'),
          storeKey('ticket-comment', 't1', '1'),
          storeKey('ticket-comment', 't1', '2'),
        ],
        anonymised: [],
      },
    ]);
    expect(await keysOf(agentsStore)).toEqual([storeKey('agent', bob.id)]);
    // A kind nobody handles belongs to no user, so it stays.
    expect(await keysOf(archive)).toEqual([
      'note:ann',
      storeKey('ticket-comment', 't2', '1'),
      storeKey('ticket', 't2'),
    ]);
    expect(JSON.stringify(report)).not.toContain('comment 1');
    expect(audit.at(-1)).toMatchObject({
      category: 'data',
      action: 'data.erase',
      subject: 'ann',
      details: {
        stores: [
          { store: 'agents', deleted: 1 },
          { store: 'archive', deleted: 3 },
        ],
        unreadable: 0,
      },
    });
    await agentry.shutdown();
  });

  it('leaves a record in use in place, lists it as failed, and erases it once no longer in use', async () => {
    const { agentry, archive } = await instance();
    const key = storeKey('ticket', 'open');
    await archive.put(key, {
      kind: 'ticket',
      schemaVersion: '1',
      data: { id: 'open', userId: 'ann', open: true },
    });
    const refused = await agentry.erase({ userId: 'ann' });
    expect(refused.stores.find((store) => store.store === 'archive')).toMatchObject({
      deleted: [],
      failed: [{ key, error: { code: 'invalid_transition' } }],
    });
    expect(await archive.get(key)).toBeDefined();
    await archive.put(key, {
      kind: 'ticket',
      schemaVersion: '1',
      data: { id: 'open', userId: 'ann', open: false },
    });
    const erased = await agentry.erase({ userId: 'ann' });
    expect(erased.stores.find((store) => store.store === 'archive')?.deleted).toEqual([key]);
    await agentry.shutdown();
  });

  it('pages through a store larger than one page', async () => {
    const { agentry, archive } = await instance();
    for (let i = 0; i < 250; i += 1)
      await putTicket(archive, `t${String(i).padStart(3, '0')}`, i % 2 === 0 ? 'ann' : 'bob');
    const report = await agentry.erase({ userId: 'ann' });
    expect(report.stores.find((store) => store.store === 'archive')?.deleted).toHaveLength(125);
    expect(await keysOf(archive)).toHaveLength(125);
    await agentry.shutdown();
  });

  it('re-reads a record changed meanwhile instead of clobbering it', async () => {
    let changed = false;
    // A writer gives t1 to bob just before the erasure deletes it.
    const racing = definePlugin({
      name: 'racing-writer',
      version: '1.0.0',
      setup: (host) =>
        host.wrapStore((store, name) =>
          name !== 'archive'
            ? store
            : {
                ...store,
                async delete(key, options) {
                  if (!changed && key === storeKey('ticket', 't1')) {
                    changed = true;
                    await putTicket(store, 't1', 'bob');
                  }
                  return store.delete(key, options);
                },
              },
        ),
    });
    const { agentry, archive } = await instance({ plugins: [racing] });
    await putTicket(archive, 't1', 'ann');
    const report = await agentry.erase({ userId: 'ann' });
    expect(changed).toBe(true);
    expect(report.stores.find((store) => store.store === 'archive')).toEqual({
      store: 'archive',
      deleted: [],
      anonymised: [],
    });
    expect((await archive.get(storeKey('ticket', 't1')))?.data).toEqual({
      id: 't1',
      userId: 'bob',
    });
    await agentry.shutdown();
  });

  it('reports a store that fails and still goes through the others', async () => {
    const broken: StateStore = {
      ...createMemoryStore(),
      list: () =>
        Promise.reject(new AgentryError({ code: 'network', message: 'store unreachable' })),
    };
    const second = definePlugin({
      name: 'broken-store',
      version: '1.0.0',
      setup: (host) => host.provideStore('broken', broken),
    });
    const { agentry, archive } = await instance({ plugins: [second] });
    await putTicket(archive, 't1', 'ann');
    const report = await agentry.erase({ userId: 'ann' });
    expect(report.stores.find((store) => store.store === 'broken')).toMatchObject({
      deleted: [],
      error: { code: 'network', message: 'store unreachable' },
    });
    expect(report.stores.find((store) => store.store === 'archive')?.deleted).toEqual([
      storeKey('ticket', 't1'),
    ]);
    await agentry.shutdown();
  });

  it('refuses a missing user id, and host.erase during set-up', async () => {
    const { agentry } = await instance();
    await expect(agentry.erase({ userId: '' })).rejects.toMatchObject({
      code: 'validation_failed',
      details: { path: ['userId'] },
    });
    await expect(agentry.erase(undefined as never)).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await agentry.shutdown();
    const early = definePlugin({
      name: 'early',
      version: '1.0.0',
      setup: (host) => host.erase({ userId: 'ann' }).then(() => undefined),
    });
    await expect(instance({ plugins: [early] })).rejects.toMatchObject({
      code: 'plugin_setup_failed',
      cause: expect.objectContaining({ code: 'invalid_transition' }) as unknown,
    });
  });
});

describe('agentry.purgeExpired', () => {
  it('removes exactly what changed before the limit, never a live agent, and a record with its related records', async () => {
    let now = Date.parse('2026-01-01T00:00:00.000Z');
    const clock = () => new Date(now);
    const archive = createMemoryStore({ now: clock });
    const agents = createMemoryStore({ now: clock });
    const { agentry, audit } = await instance({ archive, agents });
    const limit = new Date('2026-01-10T00:00:00.000Z');

    now = limit.getTime() - 1;
    await putTicket(archive, 'older', 'ann');
    await archive.put(storeKey('ticket', 'older-open'), {
      kind: 'ticket',
      schemaVersion: '1',
      data: { id: 'older-open', userId: 'ann', open: true },
    });
    await putComment(archive, 'older', 1);
    const live = agentry.createAgent({ context: { userId: 'ann' } });
    await live.send('hello');
    const done = agentry.createAgent({ context: { userId: 'bob' } });
    await done.send('hello');
    await done.shutdown();
    now = limit.getTime();
    await putTicket(archive, 'at-limit', 'ann');
    now = limit.getTime() + 1;
    await putTicket(archive, 'newer', 'ann');
    // A comment newer than the limit goes with its expired ticket: removed as a unit.
    await putComment(archive, 'older', 2);

    const report = await agentry.purgeExpired({ before: limit });

    expect(report.before).toBe(limit.toISOString());
    expect(report.stores).toEqual([
      { store: 'agents', deleted: [storeKey('agent', done.id)], anonymised: [] },
      {
        store: 'archive',
        deleted: [
          storeKey('ticket', 'older'),
          storeKey('ticket-comment', 'older', '1'),
          storeKey('ticket-comment', 'older', '2'),
        ],
        anonymised: [],
      },
    ]);
    expect(await keysOf(archive)).toEqual([
      storeKey('ticket', 'at-limit'),
      storeKey('ticket', 'newer'),
      // In use: kept whatever its age.
      storeKey('ticket', 'older-open'),
    ]);
    expect(await keysOf(agents)).toEqual([storeKey('agent', live.id)]);
    expect(audit.at(-1)).toMatchObject({
      category: 'data',
      action: 'data.purge',
      details: { before: limit.toISOString() },
    });
    await agentry.shutdown();
  });

  it('refuses a limit that is not a valid Date', async () => {
    const { agentry, host } = await instance();
    await expect(agentry.purgeExpired({ before: new Date('nope') })).rejects.toMatchObject({
      code: 'validation_failed',
      details: { path: ['before'] },
    });
    await expect(host.purgeExpired({ before: '2026-01-01' as never })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await agentry.shutdown();
  });
});

describe('host.handleRecords', () => {
  it.each([
    ['a handler without userOf', { kinds: ['x'] }, 'validation_failed'],
    ['a handler without kinds', { kinds: [], userOf: () => undefined }, 'validation_failed'],
    ["core's own agent kind", { kinds: ['agent'], userOf: () => undefined }, 'plugin_duplicate'],
    [
      'a kind another plug-in handles',
      { kinds: ['ticket'], userOf: () => undefined },
      'plugin_duplicate',
    ],
  ])('refuses %s', async (_label, handler, code) => {
    const bad = definePlugin({
      name: 'bad',
      version: '1.0.0',
      setup: (host) => host.handleRecords(handler as RecordHandler),
    });
    await expect(instance({ plugins: [bad] })).rejects.toMatchObject({
      code: 'plugin_setup_failed',
      cause: expect.objectContaining({ code }) as unknown,
    });
  });
});
