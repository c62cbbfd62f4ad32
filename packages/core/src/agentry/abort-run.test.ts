import { Subject } from 'rxjs';
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
  createAgentry,
  definePlugin,
  defineTool,
  type AgentryPlugin,
  type PluginHost,
} from '../index.js';

// The tool waits for the test's word, so a turn can be caught while it runs.
let release: (() => void) | undefined;
const released = () => {
  const go = release;
  release = undefined;
  go?.();
};
/** Resolves once the tool is waiting. */
const waiting = () => vi.waitFor(() => expect(release).toBeDefined());
const gate = defineTool({
  name: 'wait',
  description: 'Waits until released.',
  input: z.object({}),
  execute: () =>
    new Promise<string>((resolve) => {
      release = () => resolve('released');
    }),
});
const toolThenText: ScriptedTurn = (request) =>
  request.messages.at(-1)?.role === 'tool'
    ? textTurn('done')
    : {
        content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'wait', input: '{}' }],
        finishReason: 'tool-calls',
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
      };
const provider = definePlugin({
  name: 'agentry-abort-provider',
  version: '1.0.0',
  providers: [
    fakeProvider('openai', {
      createModel: (modelId) =>
        scriptedModel(
          Array.from({ length: 20 }, () => toolThenText),
          modelId,
        ),
    }),
  ],
});

async function withHost() {
  let captured: PluginHost | undefined;
  const capture: AgentryPlugin = definePlugin({
    name: 'agentry-abort-capture',
    version: '1.0.0',
    setup: (host) => {
      captured = host;
    },
  });
  const agentry = await createAgentry({
    config: validConfig(),
    plugins: [provider, capture],
    env: testEnv(),
  });
  return { agentry, host: captured! };
}

describe('host.abortRun', () => {
  it('aborts the current turn of the agent running it, and a queued one before it starts', async () => {
    const { agentry, host } = await withHost();
    const agent = agentry.createAgent({ tools: [gate] });
    const first = agent.send('one');
    const second = agent.send('two');
    await waiting();
    expect(await host.abortRun(second.id, 'not needed')).toBe(true);
    await expect(second).rejects.toMatchObject({ code: 'aborted' });
    expect(await host.abortRun(first.id, 'stop')).toBe(true);
    await expect(first).rejects.toMatchObject({
      code: 'aborted',
      message: expect.stringMatching(/stop/),
    });
    released();
    await agentry.shutdown();
  });

  it('resolves false for a run that ended or is unknown, and aborts nothing else', async () => {
    const { agentry, host } = await withHost();
    const agent = agentry.createAgent({ tools: [gate] });
    const done = agent.send('one');
    await waiting();
    released();
    await done;
    const running = agent.send('two');
    await waiting();
    expect(await host.abortRun(done.id)).toBe(false);
    expect(await host.abortRun('no-such-run')).toBe(false);
    released();
    await expect(running).resolves.toMatchObject({ text: 'done' });
    await agentry.shutdown();
  });

  it('cancels an unfinished workflow run through the control its runner attached, and not an ended one', async () => {
    const { agentry, host } = await withHost();
    const runs = new Subject<{ type: string; runId: string; workflowId: string; at: number }>();
    const cancel = vi.fn(() => Promise.resolve(undefined));
    agentry.attachRunEvents(runs, { cancel });
    const unControlled = new Subject<{
      type: string;
      runId: string;
      workflowId: string;
      at: number;
    }>();
    agentry.attachRunEvents(unControlled);
    const listening = agentry.events$.subscribe(() => undefined);
    runs.next({ type: 'run-start', runId: 'run-1', workflowId: 'review', at: 1 });
    runs.next({ type: 'run-start', runId: 'run-2', workflowId: 'review', at: 1 });
    runs.next({ type: 'run-end', runId: 'run-2', workflowId: 'review', at: 2 });
    unControlled.next({ type: 'run-start', runId: 'run-3', workflowId: 'review', at: 1 });
    expect(await host.abortRun('run-1')).toBe(true);
    expect(cancel).toHaveBeenCalledWith('run-1');
    expect(await host.abortRun('run-2')).toBe(false);
    expect(await host.abortRun('run-3')).toBe(false);
    expect(cancel).toHaveBeenCalledTimes(1);
    listening.unsubscribe();
    await agentry.shutdown();
  });
});
