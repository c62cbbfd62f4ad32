import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { scriptedModel, textTurn } from '../../test/scripted-model.js';
import {
  AgentryError,
  createAgent,
  createMemoryStore,
  defineTool,
  restoreAgent,
  storeKey,
  type AgentEvent,
  type AgentRun,
} from '../index.js';

const toolTurn = (id: string) => ({
  content: [{ type: 'tool-call' as const, toolCallId: id, toolName: 'step', input: '{}' }],
  finishReason: 'tool-calls' as const,
  usage: { inputTokens: 5, outputTokens: 5, totalTokens: 10 },
});

const step = defineTool({
  name: 'step',
  description: 'A step.',
  input: z.object({}),
  execute: () => 'done',
});

/** Settles with the run's outcome, or with 'pending' when it has not settled within `ms`. */
async function outcomeOf(run: PromiseLike<unknown>, ms = 500): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Promise((resolve) => (timer = setTimeout(() => resolve('pending'), ms)));
  try {
    return await Promise.race([
      Promise.resolve(run).then(
        (value) => value,
        (error: unknown) => (AgentryError.isInstance(error) ? error.code : error),
      ),
      pending,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const statusChanges = (events: AgentEvent[]) =>
  events.flatMap((event) => (event.type === 'status-delta' ? [event.event] : []));

describe('createAgent', () => {
  describe('pause', () => {
    it('takes a resume from a listener of the pause itself', async () => {
      const agent = createAgent({
        model: scriptedModel([toolTurn('a'), textTurn('finished')]),
        tools: [step],
      });
      agent.events$.subscribe((event) => {
        if (event.type === 'status-delta' && event.to === 'paused') agent.resume();
      });
      const run = agent.send('go');
      agent.pause();
      expect(await outcomeOf(run.then((result) => result.text))).toBe('finished');
      expect(agent.lifecycle).toBe('idle');
    });

    it('takes an abort from a listener of the pause itself', async () => {
      const agent = createAgent({
        model: scriptedModel([toolTurn('a'), textTurn('never')]),
        tools: [step],
      });
      agent.events$.subscribe((event) => {
        if (event.type === 'status-delta' && event.to === 'paused') agent.abort('stop');
      });
      const run = agent.send('go');
      agent.pause();
      expect(await outcomeOf(run)).toBe('aborted');
      expect(agent.lifecycle).toBe('idle');
    });

    it('tells every listener of the changes in the order they happened', async () => {
      const agent = createAgent({
        model: scriptedModel([toolTurn('a'), textTurn('finished')]),
        tools: [step],
      });
      agent.events$.subscribe((event) => {
        if (event.type === 'status-delta' && event.to === 'paused') agent.resume();
      });
      const later: AgentEvent[] = [];
      agent.events$.subscribe((event) => later.push(event));
      const run = agent.send('go');
      agent.pause();
      await outcomeOf(run);
      expect(statusChanges(later)).toEqual(['receiveMessage', 'pause', 'resume', 'completeTask']);
    });

    it('keeps a pause asked for by a listener of the previous turn’s end for the next turn', async () => {
      const agent = createAgent({
        model: scriptedModel([textTurn('first'), toolTurn('a'), textTurn('second')]),
        tools: [step],
      });
      let next: AgentRun | undefined;
      const subscription = agent.events$.subscribe((event) => {
        if (event.type === 'status-delta' && event.event === 'completeTask') {
          subscription.unsubscribe();
          next = agent.send('again');
          agent.pause();
        }
      });
      await agent.send('go');
      await expect.poll(() => agent.lifecycle).toBe('paused');
      agent.resume();
      expect(await outcomeOf(next!.then((result) => result.text))).toBe('second');
    });
  });

  describe('retry', () => {
    it('takes an abort from a listener of the retry itself', async () => {
      const agent = createAgent({
        model: scriptedModel([
          new AgentryError({ code: 'invalid_request', message: 'bad' }),
          textTurn('never'),
        ]),
      });
      await expect(agent.send('x')).rejects.toMatchObject({ code: 'invalid_request' });
      agent.events$.subscribe((event) => {
        if (event.type === 'status-delta' && event.event === 'retry') agent.abort('no');
      });
      expect(await outcomeOf(agent.retry())).toBe('aborted');
      expect(agent.lifecycle).toBe('idle');
    });
  });

  describe('shutdown', () => {
    it('settles when the turn it waits for fails, after draining the queue', async () => {
      const agent = createAgent({
        model: scriptedModel([
          new AgentryError({ code: 'invalid_request', message: 'bad' }),
          textTurn('second'),
        ]),
      });
      const failing = agent.send('x');
      const queued = agent.send('y');
      const closing = agent.shutdown();
      expect(await outcomeOf(failing)).toBe('invalid_request');
      expect(await outcomeOf(queued.then((result) => result.text))).toBe('second');
      expect(await outcomeOf(closing)).toBeUndefined();
      expect(agent.lifecycle).toBe('shut-down');
    });

    it('tells every listener of the shutdown a listener asked for, then completes events$', async () => {
      const agent = createAgent({ model: scriptedModel([textTurn('done')]) });
      agent.events$.subscribe((event) => {
        if (event.type === 'status-delta' && event.event === 'completeTask') void agent.shutdown();
      });
      const later: AgentEvent[] = [];
      let completed = false;
      agent.events$.subscribe({
        next: (event) => later.push(event),
        complete: () => (completed = true),
      });
      await agent.send('go');
      expect(statusChanges(later)).toEqual(['receiveMessage', 'completeTask', 'shutdown']);
      expect(completed).toBe(true);
      expect(agent.lifecycle).toBe('shut-down');
    });

    it('settles when called on an agent in error, giving the failed turn up', async () => {
      const agent = createAgent({
        model: scriptedModel([new AgentryError({ code: 'invalid_request', message: 'bad' })]),
      });
      const events: AgentEvent[] = [];
      agent.events$.subscribe((event) => events.push(event));
      await expect(agent.send('x')).rejects.toMatchObject({ code: 'invalid_request' });
      expect(await outcomeOf(agent.shutdown())).toBeUndefined();
      expect(agent.lifecycle).toBe('shut-down');
      expect(statusChanges(events)).toEqual(['receiveMessage', 'exception', 'abort', 'shutdown']);
    });
  });

  describe('persistence', () => {
    it('stores the status the agent has after a turn that ends at maxSteps', async () => {
      const store = createMemoryStore();
      const model = scriptedModel([toolTurn('a')]);
      const agent = createAgent({ model, tools: [step], maxSteps: 1, store });
      const result = await agent.send('go');
      expect(result.finishReason).toBe('tool-calls');
      expect(agent.state.status).toBe('idle');
      const stored = await store.get(storeKey('agent', agent.id));
      expect((stored?.data as { state: { status: string } }).state.status).toBe('idle');
      const restored = await restoreAgent(agent.id, { store, model, tools: [step] });
      expect(restored.interrupted).toBe(false);
    });
  });
});
