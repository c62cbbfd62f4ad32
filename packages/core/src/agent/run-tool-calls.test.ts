import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { scriptedModel, textTurn } from '../../test/scripted-model.js';
import { createAgent, defineTool, type ToolResultPart } from '../index.js';

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

/** Keeps the thread busy until it has used `ms` milliseconds of CPU time (on a loaded machine that takes longer). */
function burn(ms: number): void {
  const before = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(before);
    if ((used.user + used.system) / 1000 >= ms) return;
  }
}

const toolResults = (model: ReturnType<typeof scriptedModel>, request: number) => {
  const last = model.requests[request]?.messages.at(-1);
  return last?.role === 'tool' ? last.content : [];
};

const errorOf = (result: ToolResultPart | undefined) =>
  (result?.output as { error?: { code: string; message: string } } | undefined)?.error;

describe('runToolCalls', () => {
  afterEach(() => vi.useRealTimers());

  describe('connection slots', () => {
    it('gives back the slot of a tool that timed out while it ignores its signal', async () => {
      vi.useFakeTimers();
      const stubborn = defineTool({
        name: 'stubborn',
        description: 'Never finishes, whatever its signal says.',
        input: z.object({}),
        execute: () => new Promise<never>(() => undefined),
      });
      const model = scriptedModel([
        toolTurn([{ id: 'a', name: 'stubborn', input: '{}' }]),
        textTurn('went on'),
      ]);
      const agent = createAgent({
        model,
        tools: [stubborn],
        toolTimeout: 50,
        context: { timeout: 10_000, resourceLimits: { maxConnections: 1 } },
      });
      let text: string | undefined;
      const run = agent.send('go');
      run.result.then((result) => (text = result.text)).catch(() => undefined);
      await vi.advanceTimersByTimeAsync(200);
      expect(text).toBe('went on');
      expect(errorOf(toolResults(model, 1)[0])?.code).toBe('timeout');
    });
  });

  describe('a middleware holding a call past its deadline', () => {
    const holdUntilAborted = (setResult: boolean) => {
      const tool = defineTool({
        name: 'drop_table',
        description: 'Drops a table.',
        input: z.object({}),
        destructive: true,
        execute: () => 'dropped',
      });
      const model = scriptedModel([
        toolTurn([{ id: 'a', name: 'drop_table', input: '{}' }]),
        textTurn('went on'),
      ]);
      const agent = createAgent({
        model,
        tools: [tool],
        toolTimeout: 50,
        middleware: {
          tool: [
            (context, next) =>
              new Promise<void>((_resolve, reject) => {
                context.signal.addEventListener('abort', () => {
                  if (setResult) {
                    context.output = {
                      error: { code: 'approval_required', message: 'nobody approved' },
                    };
                    context.isError = true;
                  }
                  reject(new Error('stopped waiting'));
                });
              }).then(next),
          ],
        },
      });
      return { agent, model };
    };

    it('does give the model the error result it set as it stopped, in place of the timeout', async () => {
      vi.useFakeTimers();
      const { agent, model } = holdUntilAborted(true);
      const run = agent.send('go');
      await vi.advanceTimersByTimeAsync(100);
      expect((await run.result).text).toBe('went on');
      const [result] = toolResults(model, 1);
      expect(result?.isError).toBe(true);
      expect(errorOf(result)).toEqual({ code: 'approval_required', message: 'nobody approved' });
    });

    it('does give the timeout error when the middleware set no result', async () => {
      vi.useFakeTimers();
      const { agent, model } = holdUntilAborted(false);
      const run = agent.send('go');
      await vi.advanceTimersByTimeAsync(100);
      await run.result;
      expect(errorOf(toolResults(model, 1)[0])?.code).toBe('timeout');
    });
  });

  describe('maxCpu', () => {
    it('does not charge a tool with CPU time that other work in the process used meanwhile', async () => {
      const waits = defineTool({
        name: 'waits',
        description: 'Waits on I/O.',
        input: z.object({}),
        execute: async () => {
          // Other work of the process runs while this tool waits.
          setTimeout(() => burn(120), 1);
          await new Promise((resolve) => setTimeout(resolve, 150));
          return 'io done';
        },
      });
      const model = scriptedModel([
        toolTurn([{ id: 'a', name: 'waits', input: '{}' }]),
        toolTurn([{ id: 'b', name: 'waits', input: '{}' }]),
        textTurn('done'),
      ]);
      const agent = createAgent({
        model,
        tools: [waits],
        context: { resourceLimits: { maxCpu: 60 } },
      });
      await agent.send('go');
      expect(toolResults(model, 2).map((result) => result.output)).toEqual(['io done']);
    });

    it('charges a tool with the CPU time its own code used, and refuses calls once spent', async () => {
      const busy = defineTool({
        name: 'busy',
        description: 'Computes.',
        input: z.object({}),
        execute: () => (burn(80), 'computed'),
      });
      const model = scriptedModel([
        toolTurn([{ id: 'a', name: 'busy', input: '{}' }]),
        toolTurn([{ id: 'b', name: 'busy', input: '{}' }]),
        textTurn('done'),
      ]);
      const agent = createAgent({
        model,
        tools: [busy],
        context: { resourceLimits: { maxCpu: 40 } },
      });
      await agent.send('go');
      expect(toolResults(model, 1).map((result) => result.output)).toEqual(['computed']);
      expect(errorOf(toolResults(model, 2)[0])?.code).toBe('limit_exceeded');
    });
  });

  describe('argument size', () => {
    it('refuses arguments over maxToolInputBytes before parsing them, and keeps their start', async () => {
      const execute = vi.fn(() => 'ran');
      const echo = defineTool({
        name: 'echo',
        description: 'Echoes.',
        input: z.object({ text: z.string() }),
        execute,
      });
      const huge = JSON.stringify({ text: 'é'.repeat(3000) }); // 6,011 bytes, 3,011 characters
      const model = scriptedModel([
        toolTurn([
          { id: 'a', name: 'echo', input: huge },
          { id: 'b', name: 'echo', input: '{"text":"small"}' },
        ]),
        textTurn('done'),
      ]);
      const agent = createAgent({ model, tools: [echo], maxToolInputBytes: 5000 });
      const run = agent.send('go');
      const ends: ToolResultPart[] = [];
      for await (const part of run) if (part.type === 'tool-response') ends.push(part.result);
      await run;
      expect(execute).toHaveBeenCalledTimes(1);
      const [refused, ran] = toolResults(model, 1);
      expect(errorOf(refused)).toMatchObject({ code: 'limit_exceeded' });
      expect(errorOf(refused)?.message).toContain('6011 bytes');
      expect(ran?.output).toBe('ran');
      // The call as kept and as sent back to the model holds only the start of the arguments.
      const keptCall = agent.state.messages[1]?.metadata?.parts as { input?: string }[];
      expect(keptCall[0]?.input?.length).toBeLessThan(huge.length);
      expect(huge.startsWith(keptCall[0]!.input!.slice(0, 100))).toBe(true);
      const sentCall = model.requests[1]?.messages.at(-2);
      const sentInput =
        sentCall?.role === 'assistant' && sentCall.content[0]?.type === 'tool-call'
          ? sentCall.content[0].input
          : undefined;
      expect(sentInput).toBe(keptCall[0]?.input);
      expect(ends.map((result) => result.isError === true)).toEqual([true, false]);
    });

    it('caps arguments at 1 MiB by default', async () => {
      const execute = vi.fn(() => 'ran');
      const echo = defineTool({
        name: 'echo',
        description: 'Echoes.',
        input: z.object({ text: z.string() }),
        execute,
      });
      const model = scriptedModel([
        toolTurn([{ id: 'a', name: 'echo', input: JSON.stringify({ text: 'x'.repeat(2 ** 20) }) }]),
        textTurn('done'),
      ]);
      const agent = createAgent({ model, tools: [echo] });
      await agent.send('go');
      expect(execute).not.toHaveBeenCalled();
      expect(errorOf(toolResults(model, 1)[0])?.code).toBe('limit_exceeded');
    });
  });
});
