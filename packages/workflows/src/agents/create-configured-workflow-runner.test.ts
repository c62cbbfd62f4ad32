import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAgentry,
  definePlugin,
  services,
  storeKeyPrefix,
  type Agentry,
  type AgentryPlugin,
  type InstanceEvent,
  type Logger,
  type PluginHost,
} from '@agentry/core';
import { sqliteStore } from '@agentry/store-sqlite';
import {
  createMockModel,
  createMockProvider,
  mockText,
  providerConfiguration,
} from '@agentry/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { workflows } from '../workflows-plugin.js';
import { createConfiguredWorkflowRunner } from './create-configured-workflow-runner.js';

let directory = '';
const open: { close(): Promise<void> }[] = [];
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'agentry-configured-'));
});
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
  rmSync(directory, { recursive: true, force: true });
});

const greet = {
  id: 'greet',
  name: 'Greet',
  triggers: [{ type: 'manual' }],
  errorHandling: { retryAttempts: 1, backoffStrategy: 'fixed', fallbackAction: 'abort' },
  steps: [
    {
      id: 'write',
      name: 'Write',
      type: 'task',
      configuration: { agent: { prompt: 'Greet {{name}}.' } },
      inputs: { name: { $ref: 'input.name' } },
      next: 'shout',
    },
    {
      id: 'shout',
      name: 'Shout',
      type: 'task',
      configuration: { handler: 'shout' },
      inputs: { text: { $ref: 'steps.write.output.text' } },
    },
  ],
};

async function agentryWith(
  section: unknown,
  withWorkflows = true,
  extra: AgentryPlugin[] = [],
): Promise<Agentry> {
  const model = createMockModel({
    modelId: 'gpt-4o',
    script: [mockText('Hello, Ada.')],
    repeat: true,
  });
  const agentry = await createAgentry({
    config: {
      ...providerConfiguration({
        type: 'openai',
        model: 'gpt-4o',
        authentication: { type: 'api_key', configuration: { apiKey: '${env:MOCK_KEY}' } },
      }),
      ...(section === undefined ? {} : { workflows: section }),
    },
    env: { MOCK_KEY: ['mock', 'k'.repeat(16)].join('-') },
    plugins: [
      { name: 'mock-openai', version: '1.0.0', providers: [createMockProvider({ model })] },
      sqliteStore({ path: join(directory, 'runs.db') }),
      ...(withWorkflows ? [workflows()] : []),
      ...extra,
    ],
  });
  open.push({ close: () => agentry.shutdown() });
  return agentry;
}

describe('createConfiguredWorkflowRunner', () => {
  it("runs the section's workflows on the store it names, with agent tasks on the instance", async () => {
    const agentry = await agentryWith({
      workflows: { greet },
      defaults: { store: 'sqlite', stepTimeout: 5_000 },
    });
    const runner = createConfiguredWorkflowRunner({
      agentry,
      handlers: { shout: ({ text }) => String(text).toUpperCase() },
    });
    open.push(runner);
    const result = await runner.run('greet', { name: 'Ada' });
    expect(result).toMatchObject({ status: 'completed', output: 'HELLO, ADA.' });
    const stored = await agentry.store('sqlite').list(storeKeyPrefix('workflow-run'));
    expect(stored.entries.length).toBeGreaterThan(0);
  });

  it("publishes its runs' events, and its agent tasks' events, on the instance's events$", async () => {
    const agentry = await agentryWith({
      workflows: { greet },
      defaults: { store: 'sqlite', stepTimeout: 5_000 },
    });
    const runner = createConfiguredWorkflowRunner({
      agentry,
      handlers: { shout: ({ text }) => String(text).toUpperCase() },
    });
    open.push(runner);
    const seen: InstanceEvent[] = [];
    agentry.events$.subscribe((tagged) => seen.push(tagged));
    const result = await runner.run('greet', { name: 'Ada' });

    const runEvents = seen.filter((tagged) => tagged.source.kind === 'workflow-run');
    expect(runEvents[0]).toEqual({
      source: { kind: 'workflow-run', runId: result.runId, workflowId: 'greet' },
      event: expect.objectContaining({ type: 'run-start', runId: result.runId }) as unknown,
    });
    expect(runEvents.map((tagged) => tagged.event.type)).toContain('run-end');
    expect(
      seen.some((tagged) => tagged.source.kind === 'agent' && tagged.event.type === 'run-end'),
    ).toBe(true);
    await runner.close();
    const before = seen.length;
    await expect(runner.run('greet', { name: 'Bo' })).rejects.toMatchObject({
      code: 'invalid_transition',
    });
    expect(seen.slice(before).filter((tagged) => tagged.source.kind === 'workflow-run')).toEqual(
      [],
    );
  });

  it('lets the instance cancel its runs: host.abortRun cancels an unfinished run', async () => {
    let host: PluginHost | undefined;
    const capture = definePlugin({
      name: 'capture-host',
      version: '1.0.0',
      setup: (given) => {
        host = given;
      },
    });
    const agentry = await agentryWith(
      { workflows: { greet }, defaults: { store: 'sqlite', stepTimeout: 60_000 } },
      true,
      [capture],
    );
    let waiting = false;
    const runner = createConfiguredWorkflowRunner({
      agentry,
      handlers: {
        shout: (_input, context) =>
          new Promise((_resolve, reject) => {
            waiting = true;
            context.signal.addEventListener('abort', () => reject(new Error('aborted')));
          }),
      },
    });
    open.push(runner);
    // The instance learns of runs from their events, which flow while someone listens.
    agentry.events$.subscribe(() => undefined);
    const { runId } = await runner.start('greet', { name: 'Ada' });
    await vi.waitFor(() => expect(waiting).toBe(true));
    expect(await host!.abortRun(runId)).toBe(true);
    expect(await runner.wait(runId)).toMatchObject({ status: 'cancelled' });
    expect(await host!.abortRun(runId)).toBe(false);
  });

  it('refuses an instance without a workflows section, and a store no plug-in offers', async () => {
    const bare = await agentryWith(undefined, false);
    expect(() => createConfiguredWorkflowRunner({ agentry: bare })).toThrow(
      expect.objectContaining({
        code: 'plugin_missing',
        details: { section: 'workflows' },
      }) as Error,
    );
    const onRedis = await agentryWith({ workflows: { greet }, defaults: { store: 'redis' } });
    expect(() => createConfiguredWorkflowRunner({ agentry: onRedis })).toThrow(
      expect.objectContaining({
        code: 'plugin_missing',
        message: expect.stringContaining('@agentry/store-redis') as string,
      }) as Error,
    );
  });

  it("gives handlers the instance's logger and runs steps in the provided context propagator", async () => {
    const lines: string[] = [];
    const logger = (bindings: Record<string, unknown>): Logger => {
      const line = (obj: Record<string, unknown> | string, msg?: string) =>
        void lines.push(
          JSON.stringify({
            ...bindings,
            ...(typeof obj === 'string' ? { msg: obj } : { ...obj, msg }),
          }),
        );
      return {
        debug: line,
        info: line,
        warn: line,
        error: line,
        child: (more) => logger({ ...bindings, ...more }),
      };
    };
    let current: Record<string, string> | undefined = { traceparent: 'caller' };
    const observability = definePlugin({
      name: 'observability',
      version: '1.0.0',
      setup(host) {
        host.provide(services.logger, logger({}));
        host.provide(services.contextPropagator, {
          capture: () => current,
          run: (carrier, fn) => {
            const previous = current;
            current = carrier;
            try {
              return fn();
            } finally {
              current = previous;
            }
          },
        });
      },
    });
    const agentry = await agentryWith(
      { workflows: { greet }, defaults: { store: 'sqlite', stepTimeout: 5_000 } },
      true,
      [observability],
    );
    const runner = createConfiguredWorkflowRunner({
      agentry,
      handlers: {
        shout: ({ text }, ctx) => {
          ctx.logger.info({ trace: current?.traceparent }, 'shouting');
          return String(text).toUpperCase();
        },
      },
    });
    open.push(runner);
    const { runId } = await runner.start('greet', { name: 'Ada' });
    // The caller moves on to other work; the run's steps still execute in the context it started in.
    current = { traceparent: 'elsewhere' };
    const result = await runner.wait(runId);
    expect(result.traceContext).toEqual({ traceparent: 'caller' });
    expect(lines.map((line) => JSON.parse(line) as unknown)).toContainEqual({
      workflowId: 'greet',
      runId: result.runId,
      stepId: 'shout',
      attempt: 1,
      trace: 'caller',
      msg: 'shouting',
    });
  });
});
