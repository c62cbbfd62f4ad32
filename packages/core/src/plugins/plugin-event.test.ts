import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { testEnv, validConfig } from '../../test/fixtures.js';
import { fakeProvider } from '../../test/scripted-model.js';
import {
  createAgentry,
  definePlugin,
  type AgentryError,
  type InstanceEvent,
  type PluginEvent,
  type PluginHost,
  type SecurityEvent,
  type WorkflowRunEvent,
} from '../index.js';

const provider = definePlugin({
  name: 'agentry-emit-provider',
  version: '1.0.0',
  providers: [fakeProvider('openai')],
});

async function withEmitter(onPluginError?: (error: AgentryError) => void) {
  let host: PluginHost | undefined;
  const agentry = await createAgentry({
    config: validConfig(),
    env: testEnv(),
    ...(onPluginError ? { onPluginError } : {}),
    plugins: [
      provider,
      definePlugin({ name: 'emitter', version: '1.0.0', setup: (given) => void (host = given) }),
    ],
  });
  return { agentry, host: host! };
}

const denied: SecurityEvent = {
  type: 'security',
  category: 'access-denied',
  severity: 'high',
  at: 1_765_000_000_000,
  subject: 'user-42',
  action: 'tool.call',
  resource: 'tool:delete_order',
};

describe('host.emit', () => {
  it('publishes the event on events$, tagged with the plug-in', async () => {
    const { agentry, host } = await withEmitter();
    const seen: InstanceEvent[] = [];
    const subscription = agentry.events$.subscribe((tagged) => seen.push(tagged));
    host.emit(denied);
    host.emit({ type: 'alert-fired', at: 1, alert: 'error-rate' });
    expect(seen).toEqual([
      { source: { kind: 'plugin', plugin: 'emitter' }, event: denied },
      {
        source: { kind: 'plugin', plugin: 'emitter' },
        event: { type: 'alert-fired', at: 1, alert: 'error-rate' },
      },
    ]);
    subscription.unsubscribe();
    host.emit(denied);
    expect(seen).toHaveLength(2);
    await agentry.shutdown();
  });

  it.each([
    ['an empty type', { type: '', at: 1 }, 'type'],
    ['a missing type', { at: 1 }, 'type'],
    ['an at that is not finite', { type: 'x', at: Number.NaN }, 'at'],
    ['an at given as a date string', { type: 'x', at: '2026-01-01' }, 'at'],
    ['a security event without severity', { type: 'security', category: 'x', at: 1 }, 'severity'],
    ['a security event without category', { type: 'security', severity: 'low', at: 1 }, 'category'],
    ['a security event with a numeric subject', { ...denied, subject: 42 }, 'subject'],
  ])('refuses %s, listened to or not', async (_label, event, field) => {
    const { agentry, host } = await withEmitter();
    expect(() => host.emit(event as unknown as PluginEvent)).toThrow(
      expect.objectContaining({
        code: 'validation_failed',
        details: expect.objectContaining({ plugin: 'emitter', path: [field] }) as unknown,
      }) as Error,
    );
    const subscription = agentry.events$.subscribe(() => undefined);
    expect(() => host.emit(event as unknown as PluginEvent)).toThrow(
      expect.objectContaining({ code: 'validation_failed' }) as Error,
    );
    subscription.unsubscribe();
    await agentry.shutdown();
  });

  it('reports a subscriber that throws, not to the emitter, and the others still get the event', async () => {
    const reported: AgentryError[] = [];
    const { agentry, host } = await withEmitter((error) => reported.push(error));
    const seen: PluginEvent[] = [];
    agentry.events$.subscribe(() => {
      throw new Error('subscriber bug');
    });
    agentry.events$.subscribe(({ event }) => seen.push(event as PluginEvent));
    expect(() => host.emit(denied)).not.toThrow();
    expect(seen).toEqual([denied]);
    expect(reported[0]?.message).toContain('subscriber bug');
    await agentry.shutdown();
  });
});

describe('attachRunEvents', () => {
  it('tags a run’s events with the user the run serves', async () => {
    const { agentry } = await withEmitter();
    const runs = new Subject<WorkflowRunEvent>();
    const seen: InstanceEvent[] = [];
    agentry.events$.subscribe((tagged) => seen.push(tagged));
    agentry.attachRunEvents(runs);
    runs.next({ type: 'run-start', runId: 'r-1', workflowId: 'w', at: 1, userId: 'user-7' });
    runs.next({ type: 'run-start', runId: 'r-2', workflowId: 'w', at: 2 });
    expect(seen.map((tagged) => tagged.source)).toEqual([
      { kind: 'workflow-run', runId: 'r-1', workflowId: 'w', userId: 'user-7' },
      { kind: 'workflow-run', runId: 'r-2', workflowId: 'w' },
    ]);
    await agentry.shutdown();
  });
});

describe('host.hasSubscribers', () => {
  it('says whether events$ has a subscriber at the moment it is asked', async () => {
    const { agentry, host } = await withEmitter();
    expect(host.hasSubscribers()).toBe(false);
    const first = agentry.events$.subscribe(() => undefined);
    const second = agentry.events$.subscribe(() => undefined);
    expect(host.hasSubscribers()).toBe(true);
    first.unsubscribe();
    expect(host.hasSubscribers()).toBe(true);
    second.unsubscribe();
    expect(host.hasSubscribers()).toBe(false);
    await agentry.shutdown();
  });
});
