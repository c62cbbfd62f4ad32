import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { scriptedModel, textTurn } from '../../test/scripted-model.js';
import {
  AgentryError,
  createAgent,
  defineTool,
  type AgentEvent,
  type AgentRunPart,
} from '../index.js';

const toolTurn = (calls: { id: string; name: string; input: string }[]) => ({
  content: calls.map((call) => ({
    type: 'tool-call' as const,
    toolCallId: call.id,
    toolName: call.name,
    input: call.input,
  })),
  finishReason: 'tool-calls' as const,
  usage: { inputTokens: 5, outputTokens: 5, totalTokens: 10 },
});

describe('createAgent', () => {
  describe('send', () => {
    it('answers a message, records it in the conversation and reports usage', async () => {
      const model = scriptedModel([textTurn('Hello!')]);
      const agent = createAgent({ model, instructions: 'Be kind.' });
      const result = await agent.send('Hi');
      expect(result.text).toBe('Hello!');
      expect(result.usage.totalTokens).toBe(20);
      expect(agent.state.messages.map((message) => [message.type, message.content])).toEqual([
        ['user', 'Hi'],
        ['agent', 'Hello!'],
      ]);
      expect(model.requests[0]?.system).toBe('Be kind.');
      expect(agent.lifecycle).toBe('idle');
      expect(agent.performance.requestsCompleted).toBe(1);
    });

    it('sums prompt-cache reads and writes over the steps of a run, and leaves absent counts absent', async () => {
      const echo = defineTool({
        name: 'echo',
        description: 'Says the text back.',
        input: z.object({ text: z.string() }),
        execute: ({ text }) => text,
      });
      const cached = { cachedInputTokens: 3, cacheWriteInputTokens: 2 };
      const model = scriptedModel([
        {
          ...toolTurn([{ id: 'a', name: 'echo', input: '{"text":"hi"}' }]),
          usage: { inputTokens: 5, outputTokens: 5, totalTokens: 10, ...cached },
        },
        {
          ...textTurn('Done.'),
          usage: { inputTokens: 4, outputTokens: 1, totalTokens: 5, cacheWriteInputTokens: 4 },
        },
      ]);
      const result = await createAgent({ model, tools: [echo] }).send('Echo hi');
      expect(result.usage).toEqual({
        inputTokens: 9,
        outputTokens: 6,
        totalTokens: 15,
        cachedInputTokens: 3,
        cacheWriteInputTokens: 6,
      });
      const plain = await createAgent({ model: scriptedModel([textTurn('Hi')]) }).send('Hi');
      expect('cacheWriteInputTokens' in plain.usage).toBe(false);
    });

    it('runs tool calls in parallel and sends the results back, refusing malformed arguments', async () => {
      const calls: string[] = [];
      const weather = defineTool({
        name: 'weather',
        description: 'Weather for a city.',
        input: z.object({ city: z.string() }),
        execute: async ({ city }) => {
          calls.push(city);
          await new Promise((resolve) => setTimeout(resolve, 5));
          return { city, celsius: 20 };
        },
      });
      const model = scriptedModel([
        toolTurn([
          { id: 'a', name: 'weather', input: '{"city":"Lisbon"}' },
          { id: 'b', name: 'weather', input: '{"city":"Porto"}' },
          { id: 'c', name: 'weather', input: '{"city":"Fa' },
          { id: 'd', name: 'weather', input: '{"town":"Braga"}' },
        ]),
        textTurn('Both are warm.'),
      ]);
      const agent = createAgent({ model, tools: [weather] });
      const parts: AgentRunPart[] = [];
      const run = agent.send('Weather?');
      for await (const part of run) parts.push(part);
      const result = await run;
      expect(result.text).toBe('Both are warm.');
      expect(calls.sort()).toEqual(['Lisbon', 'Porto']);
      const toolMessage = model.requests[1]?.messages.at(-1);
      expect(toolMessage?.role).toBe('tool');
      const results = toolMessage?.role === 'tool' ? toolMessage.content : [];
      expect(results.map((part) => [part.toolCallId, part.isError === true])).toEqual([
        ['a', false],
        ['b', false],
        ['c', true],
        ['d', true],
      ]);
      expect(JSON.stringify(results[2]?.output)).toContain('not valid JSON');
      expect(parts.map((part) => part.type)).toContain('tool-response');
      expect(parts.at(-1)?.type).toBe('run-end');
    });

    it('counts the model steps in stepCount, on the result and the run-end part, and in the deprecated steps', async () => {
      const weather = defineTool({
        name: 'weather',
        description: 'Weather for a city.',
        input: z.object({ city: z.string() }),
        execute: ({ city }) => ({ city, celsius: 20 }),
      });
      const model = scriptedModel([
        toolTurn([{ id: 'a', name: 'weather', input: '{"city":"Lisbon"}' }]),
        toolTurn([{ id: 'b', name: 'weather', input: '{"city":"Porto"}' }]),
        textTurn('Both are warm.'),
      ]);
      const agent = createAgent({ model, tools: [weather] });
      const parts: AgentRunPart[] = [];
      const run = agent.send('Weather?');
      for await (const part of run) parts.push(part);
      const result = await run;
      expect(result.stepCount).toBe(3);
      expect(result.steps).toBe(3);
      expect(parts.at(-1)).toMatchObject({ type: 'run-end', stepCount: 3, steps: 3 });

      const short = await createAgent({ model: scriptedModel([textTurn('Hi.')]) }).send('Hello');
      expect(short.stepCount).toBe(1);
    });

    it('answers messages sent while processing in order, never interleaved', async () => {
      const model = scriptedModel([textTurn('one'), textTurn('two'), textTurn('three')]);
      const agent = createAgent({ model });
      const runs = [agent.send('1'), agent.send('2'), agent.send('3')];
      expect(agent.queued).toBe(2);
      const texts = (await Promise.all(runs)).map((result) => result.text);
      expect(texts).toEqual(['one', 'two', 'three']);
      expect(agent.state.messages.map((message) => message.content)).toEqual([
        '1',
        'one',
        '2',
        'two',
        '3',
        'three',
      ]);
    });

    it('goes to Error on a failure that is not recoverable, and retry() continues the turn', async () => {
      const events: AgentEvent[] = [];
      const model = scriptedModel([
        new AgentryError({ code: 'invalid_request', message: 'bad' }),
        textTurn('fixed'),
      ]);
      const agent = createAgent({ model });
      agent.events$.subscribe((event) => events.push(event));
      await expect(agent.send('x')).rejects.toMatchObject({ code: 'invalid_request' });
      expect(agent.lifecycle).toBe('error');
      expect(agent.state.messages).toEqual([]);
      const retried = await agent.retry();
      expect(retried.text).toBe('fixed');
      expect(agent.state.messages.map((message) => message.content)).toEqual(['x', 'fixed']);
      const transitions = events
        .filter((event) => event.type === 'status-delta')
        .map((event) => event.type === 'status-delta' && event.event);
      expect(transitions).toEqual(['receiveMessage', 'exception', 'retry', 'completeTask']);
    });
  });

  describe('model deprecation', () => {
    it('emits a model-warning once per model across turns, and prints nothing', async () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      try {
        const model = {
          ...scriptedModel([textTurn('one'), textTurn('two'), textTurn('three')], 'old-model'),
          deprecation: { message: 'old-model retires soon.', retiresAt: '2026-11-30' },
        };
        const agent = createAgent({ model });
        const events: AgentEvent[] = [];
        agent.events$.subscribe((event) => events.push(event));
        await agent.send('1');
        await agent.send('2');
        await agent.send('3');
        expect(events.filter((event) => event.type === 'model-warning')).toEqual([
          {
            type: 'model-warning',
            model: 'openai:old-model',
            code: 'model_deprecated',
            message: 'old-model retires soon.',
            retiresAt: '2026-11-30',
          },
        ]);
        // Before the first request to the model.
        const first = events.findIndex((event) => event.type === 'model-request');
        expect(events.findIndex((event) => event.type === 'model-warning')).toBeLessThan(first);
        expect(warn).not.toHaveBeenCalled();
        expect(emitWarning).not.toHaveBeenCalled();
      } finally {
        warn.mockRestore();
        emitWarning.mockRestore();
      }
    });

    it('emits nothing for a model without a deprecation', async () => {
      const agent = createAgent({ model: scriptedModel([textTurn('Hi')]) });
      const events: AgentEvent[] = [];
      agent.events$.subscribe((event) => events.push(event));
      await agent.send('Hi');
      expect(events.some((event) => event.type === 'model-warning')).toBe(false);
    });
  });
});
