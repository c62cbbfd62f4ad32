import { Subject, filter, map } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { testEnv, validConfig } from '../../test/fixtures.js';
import {
  fakeProvider,
  scriptedModel,
  textTurn,
  type ScriptedTurn,
} from '../../test/scripted-model.js';
import {
  AgentryError,
  createAgentry,
  createMemoryStore,
  defineServiceKey,
  definePlugin,
  defineTool,
  services,
  type AgentEvent,
  type AgentryPlugin,
  type InstanceEvent,
  type Masker,
  type PluginHost,
  type StateStore,
} from '../index.js';

/** Each request: a call of `echo` first, then a text answer once the tool's result is in. */
const toolThenText: ScriptedTurn = (request) =>
  request.messages.some((message) => message.role === 'tool')
    ? textTurn('done')
    : {
        content: [
          { type: 'tool-call', toolCallId: 'c1', toolName: 'echo', input: '{"text":"hi"}' },
        ],
        finishReason: 'tool-calls',
        usage: { inputTokens: 5, outputTokens: 5, totalTokens: 10 },
      };

const provider = definePlugin({
  name: 'agentry-hooks-provider',
  version: '1.0.0',
  providers: [
    fakeProvider('openai', {
      createModel: (modelId) =>
        scriptedModel(
          Array.from({ length: 100 }, () => toolThenText),
          modelId,
        ),
    }),
  ],
});

const echo = defineTool({
  name: 'echo',
  description: 'Says the text back.',
  input: z.object({ text: z.string() }),
  execute: ({ text }) => ({ text }),
});

const plugin = (name: string, setup: (host: PluginHost) => void): AgentryPlugin =>
  definePlugin({ name, version: '1.0.0', setup });

const make = (plugins: AgentryPlugin[], extra: Record<string, unknown> = {}) =>
  createAgentry({
    config: validConfig(),
    plugins: [provider, ...plugins],
    env: testEnv(),
    ...extra,
  });

describe('host.events$', () => {
  it('carries every agent’s events, each tagged with its agent, user and session', async () => {
    const seen: InstanceEvent[] = [];
    // Subscribed in setup, before the instance holds any agent.
    const agentry = await make([
      plugin('listener', (host) => void host.events$.subscribe((tagged) => seen.push(tagged))),
    ]);
    const first = agentry.createAgent({ tools: [echo], context: { userId: 'user-1' } });
    const second = agentry.createAgent({ tools: [echo], context: { sessionId: 'session-2' } });
    await first.send('one');
    await second.send('two');

    const runEnds = seen.filter((tagged) => tagged.event.type === 'run-end');
    expect(runEnds.map((tagged) => tagged.source)).toEqual([
      { kind: 'agent', agentId: first.id, userId: 'user-1', sessionId: first.context.sessionId },
      { kind: 'agent', agentId: second.id, sessionId: 'session-2' },
    ]);
    const ofSecond = seen.filter(
      (tagged) => tagged.source.kind === 'agent' && tagged.source.agentId === second.id,
    );
    expect(ofSecond.map((tagged) => tagged.event.type)).toContain('tool-call-end');
    expect(ofSecond[0]?.event).toMatchObject({ type: 'status-delta', to: 'idle' });
    await agentry.shutdown();
  });

  it('is hot: a late subscriber sees every event from its subscription on, of agents made before', async () => {
    const agentry = await make([]);
    const agent = agentry.createAgent({ tools: [echo] });
    await agent.send('before anyone listens');
    const late: string[] = [];
    const subscription = agentry.events$.subscribe((tagged) => late.push(tagged.event.type));
    await agent.send('after');
    subscription.unsubscribe();
    await agent.send('after unsubscribing');
    // The turn's own events, from the agent leaving idle on: nothing of the first turn.
    expect(late.slice(0, 2)).toEqual(['status-delta', 'run-start']);
    expect(late.filter((type) => type === 'run-start')).toHaveLength(1);
    expect(late).toContain('run-end');
    await agentry.shutdown();
  });

  it('reports a subscriber that throws, keeps the agent running and still serves the others', async () => {
    const reported: AgentryError[] = [];
    const agentry = await make([], {
      onPluginError: (error: AgentryError) => reported.push(error),
    });
    const others: string[] = [];
    agentry.events$.subscribe(() => {
      throw new Error('subscriber bug');
    });
    agentry.events$.subscribe((tagged) => others.push(tagged.event.type));
    const agent = agentry.createAgent({ tools: [echo] });
    const result = await agent.send('hi');

    expect(result.text).toBe('done');
    expect(others).toContain('run-end');
    expect(reported.length).toBe(others.length);
    expect(reported[0]).toBeInstanceOf(AgentryError);
    expect(reported[0]?.message).toMatch(
      /subscriber of events\$ threw on a status-delta event: subscriber bug/,
    );
    expect(reported[0]?.details).toMatchObject({ source: { kind: 'agent', agentId: agent.id } });
    await agentry.shutdown();
  });

  it('reports to console.error by default', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const agentry = await make([]);
      agentry.events$.subscribe({
        next: () => {
          throw new Error('boom');
        },
      });
      await agentry.createAgent({ tools: [echo] }).send('hi');
      expect(spy).toHaveBeenCalled();
      expect(String(spy.mock.calls[0]?.[0])).toMatch(/boom/);
      await agentry.shutdown();
    } finally {
      spy.mockRestore();
    }
  });

  it('carries attached workflow runs’ events tagged with run and workflow, until detached', async () => {
    const agentry = await make([]);
    const runs = new Subject<{ type: string; runId: string; workflowId: string; at: number }>();
    const detach = agentry.attachRunEvents(runs);
    const seen: InstanceEvent[] = [];
    agentry.events$.subscribe((tagged) => seen.push(tagged));
    runs.next({ type: 'run-start', runId: 'run-1', workflowId: 'review', at: 1 });
    detach();
    runs.next({ type: 'run-end', runId: 'run-1', workflowId: 'review', at: 2 });
    expect(seen).toEqual([
      {
        source: { kind: 'workflow-run', runId: 'run-1', workflowId: 'review' },
        event: { type: 'run-start', runId: 'run-1', workflowId: 'review', at: 1 },
      },
    ]);
    expect(runs.observed).toBe(false);
    await agentry.shutdown();
  });

  it('serves operator chains and observer objects, and a chain unsubscribed stops listening', async () => {
    const agentry = await make([]);
    const agent = agentry.createAgent({ tools: [echo] });
    const ends: string[] = [];
    const chain = agentry.events$
      .pipe(
        filter((tagged) => tagged.event.type === 'run-end'),
        map((tagged) => (tagged.source.kind === 'agent' ? tagged.source.agentId : '')),
      )
      .subscribe((agentId) => ends.push(agentId));
    const observer = {
      seen: 0,
      next(this: { seen: number }) {
        this.seen += 1;
      },
    };
    const direct = agentry.events$.subscribe(observer);
    await agent.send('hello');
    expect(ends).toEqual([agent.id]);
    expect(observer.seen).toBeGreaterThan(1);
    chain.unsubscribe();
    direct.unsubscribe();
    await agent.send('again');
    expect(ends).toEqual([agent.id]);
    await agentry.shutdown();
  });

  it('costs agents nothing while nobody listens: no subscription to their events', async () => {
    const agentry = await make([]);
    const runs = new Subject<{ type: string; runId: string; workflowId: string; at: number }>();
    agentry.attachRunEvents(runs);
    expect(runs.observed).toBe(false);
    const subscription = agentry.events$.subscribe(() => undefined);
    expect(runs.observed).toBe(true);
    subscription.unsubscribe();
    expect(runs.observed).toBe(false);
    await agentry.shutdown();
  });
});

describe('host.useModelMiddleware and host.useToolMiddleware', () => {
  it('wrap every agent’s calls in installation order, outermost first, outside the agent’s own', async () => {
    const order: string[] = [];
    const layer =
      (name: string) =>
      async (_context: unknown, next: () => Promise<void>): Promise<void> => {
        order.push(`${name} in`);
        await next();
        order.push(`${name} out`);
      };
    const plugins = ['a', 'b', 'c'].map((name) =>
      plugin(name, (host) => {
        host.useModelMiddleware(layer(`${name} model`));
        host.useToolMiddleware(layer(`${name} tool`));
      }),
    );
    const agentry = await make(plugins);
    const agent = agentry.createAgent({
      tools: [echo],
      middleware: { model: [layer('agent model')], tool: [layer('agent tool')] },
    });
    await agent.send('hi');
    const firstCall = order.slice(0, 8);
    expect(firstCall).toEqual([
      'a model in',
      'b model in',
      'c model in',
      'agent model in',
      'agent model out',
      'c model out',
      'b model out',
      'a model out',
    ]);
    expect(order.filter((entry) => entry.includes('tool'))).toEqual([
      'a tool in',
      'b tool in',
      'c tool in',
      'agent tool in',
      'agent tool out',
      'c tool out',
      'b tool out',
      'a tool out',
    ]);
    await agentry.shutdown();
  });

  it('refuses middleware registered after set-up, and a value that is not a function', async () => {
    let saved: PluginHost | undefined;
    const agentry = await make([plugin('late', (host) => (saved = host))]);
    expect(() => saved?.useModelMiddleware(async (_context, next) => next())).toThrow(
      expect.objectContaining({
        code: 'invalid_transition',
        message: expect.stringMatching(/host\.useModelMiddleware after set-up/),
      }),
    );
    await agentry.shutdown();
    await expect(
      make([plugin('bad', (host) => host.useToolMiddleware('nope' as never))]),
    ).rejects.toMatchObject({
      code: 'plugin_setup_failed',
      message: expect.stringMatching(
        /passed string to host\.useToolMiddleware; expected a function/,
      ),
    });
  });
});

describe('host.wrapStore', () => {
  const tagging =
    (tag: string, log: string[]) =>
    (store: StateStore, name: string): StateStore => ({
      ...store,
      get: (key) => {
        log.push(`${tag}:${name}:${key}`);
        return store.get(key);
      },
    });

  it('decorates every store the instance hands out, in installation order, once per store', async () => {
    const log: string[] = [];
    const sqlite = createMemoryStore();
    const agentry = await make([
      plugin('offers', (host) => host.provideStore('sqlite', sqlite)),
      plugin('first', (host) => host.wrapStore(tagging('first', log))),
      plugin('second', (host) => host.wrapStore(tagging('second', log))),
    ]);
    const memory = agentry.store('memory');
    expect(agentry.store('memory')).toBe(memory);
    await memory.get('k1');
    await agentry.store('sqlite').get('k2');
    expect(log).toEqual([
      'second:memory:k1',
      'first:memory:k1',
      'second:sqlite:k2',
      'first:sqlite:k2',
    ]);
    await agentry.shutdown();
  });

  it('refuses a decorator that is not a function', async () => {
    await expect(
      make([plugin('bad', (host) => host.wrapStore({} as never))]),
    ).rejects.toMatchObject({
      code: 'plugin_setup_failed',
      message: expect.stringMatching(
        /passed object to host\.wrapStore; expected a function/,
      ) as string,
    });
  });

  it('decorates the store agents persist to', async () => {
    const log: string[] = [];
    const store = createMemoryStore();
    const agentry = await make(
      [
        plugin('wraps', (host) =>
          host.wrapStore((inner, name) => ({
            ...inner,
            put: (key, value, options) => {
              log.push(`put:${name}`);
              return inner.put(key, value, options);
            },
          })),
        ),
      ],
      { store },
    );
    await agentry.createAgent({ tools: [echo] }).send('hi');
    expect(log[0]).toBe('put:agents');
    await agentry.shutdown();
  });
});

describe('services', () => {
  const upper: Masker = {
    mask: <T>(value: T): T => (typeof value === 'string' ? value.toUpperCase() : value) as T,
  };

  it('lets one plug-in provide a service another looks up, without importing it', async () => {
    let found: Masker | undefined;
    let consumer: PluginHost | undefined;
    const agentry = await make([
      plugin('consumer', (host) => (consumer = host)),
      plugin('provider', (host) => host.provide(services.masker, upper)),
      plugin('reader', (host) => (found = host.lookup(services.masker))),
    ]);
    expect(found?.mask('secret', { purpose: 'log' })).toBe('SECRET');
    expect(consumer?.lookup(services.masker)).toBe(upper);
    expect(agentry.services.require(services.masker)).toBe(upper);
    expect(agentry.services.lookup(services.authorizer)).toBeUndefined();
    expect(() => agentry.services.require(services.authorizer)).toThrow(
      expect.objectContaining({
        code: 'plugin_missing',
        message: 'No plug-in provides the service agentry.authorizer.',
        suggestions: ['Install @agentry/security and add security() to plugins.'],
      }),
    );
    const own = defineServiceKey<{ ping(): string }>('acme.ping');
    expect(agentry.services.lookup(own)).toBeUndefined();
    await agentry.shutdown();
  });

  it('refuses a second provider of a service with plugin_duplicate', async () => {
    const error = await make([
      plugin('one', (host) => host.provide(services.masker, upper)),
      plugin('two', (host) => host.provide(services.masker, upper)),
    ]).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'plugin_setup_failed' });
    expect((error as AgentryError).cause).toMatchObject({
      code: 'plugin_duplicate',
      message: 'Plug-in two provides the service agentry.masker, but one already does.',
    });
  });

  it('lets a fallback provider stand only until another plug-in provides the service', async () => {
    const lower: Masker = { mask: <T>(value: T): T => value };
    for (const order of [
      [
        plugin('fallback', (host) => host.provide(services.masker, lower, { fallback: true })),
        plugin('real', (host) => host.provide(services.masker, upper)),
      ],
      [
        plugin('real', (host) => host.provide(services.masker, upper)),
        plugin('fallback', (host) => host.provide(services.masker, lower, { fallback: true })),
      ],
    ]) {
      const agentry = await make(order);
      expect(agentry.services.lookup(services.masker)).toBe(upper);
      await agentry.shutdown();
    }
    const alone = await make([
      plugin('fallback', (host) => host.provide(services.masker, lower, { fallback: true })),
    ]);
    expect(alone.services.lookup(services.masker)).toBe(lower);
    await alone.shutdown();
  });

  it('refuses a key that is not a service key', async () => {
    await expect(
      make([plugin('keyless', (host) => host.provide('agentry.masker' as never, upper))]),
    ).rejects.toMatchObject({
      code: 'plugin_setup_failed',
      message: expect.stringMatching(
        /provides a service under "agentry\.masker", which is not a service key/,
      ) as string,
    });
  });

  it('refuses a provider that is not a service', async () => {
    await expect(
      make([plugin('empty', (host) => host.provide(services.authorizer, undefined as never))]),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/provides undefined as the service agentry\.authorizer/),
    });
  });
});

/** What the tests' greeter plug-in adds. */
interface Greeter {
  greet(name: string): string;
}

/**
 * `host.extend` typed for a member no package declares: a real plug-in augments
 * `AgentryExtensions` instead (this test does not, so that the augmentation stays out of the
 * published documentation).
 */
const extend = (host: PluginHost, name: string, value: unknown) =>
  (host.extend as (name: string, value: unknown) => void)(name, value);
const greeterOf = (agentry: object) => (agentry as { greeter: Greeter }).greeter;

describe('host.extend', () => {
  const greeter = plugin('agentry-greeter', (host) =>
    extend(host, 'greeter', { greet: (name: string) => `Hello, ${name}` } satisfies Greeter),
  );

  it('adds a member to the instance, read-only', async () => {
    const agentry = await make([greeter]);
    expect(greeterOf(agentry).greet('Ada')).toBe('Hello, Ada');
    expect(() => {
      (agentry as unknown as { greeter: unknown }).greeter = {};
    }).toThrow(TypeError);
    await agentry.shutdown();
  });

  it('refuses a member another plug-in added', async () => {
    const second = plugin('agentry-greeter-2', (host) =>
      extend(host, 'greeter', { greet: () => 'hi' }),
    );
    const error = await make([greeter, second]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AgentryError);
    expect((error as AgentryError).code).toBe('plugin_setup_failed');
    expect((error as AgentryError).message).toMatch(/agentry\.greeter.*agentry-greeter already/);
  });

  it("refuses core's own members and names that are not identifiers", async () => {
    for (const name of ['store', 'shutdown', 'not a name', '']) {
      const bad = plugin('agentry-bad', (host) => extend(host, name, {}));
      const error = await make([bad]).catch((caught: unknown) => caught);
      expect((error as AgentryError).code).toBe('plugin_setup_failed');
      expect((error as AgentryError).message).toContain(JSON.stringify(name));
    }
  });
});

describe('shutdown order', () => {
  it("shuts the instance's agents down before plug-ins' shutdown hooks run, so their last events reach the plug-ins", async () => {
    const seen: string[] = [];
    const listener = plugin('agentry-shutdown-listener', (host) => {
      const subscription = host.events$.subscribe((tagged) => {
        if (tagged.source.kind !== 'agent') return;
        const event = tagged.event as AgentEvent;
        if (event.type === 'status-delta' && event.to === 'shut-down') seen.push('agent shut down');
      });
      host.onShutdown(() => {
        seen.push('plug-in hook');
        subscription.unsubscribe();
      });
    });
    const agentry = await make([listener]);
    agentry.createAgent({});
    await agentry.shutdown();
    expect(seen).toEqual(['agent shut down', 'plug-in hook']);
  });
});
