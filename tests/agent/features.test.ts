import {
  AgentryError,
  createAgent,
  defineTool,
  type AgentEvent,
  type ModelMiddleware,
  type ToolMiddleware,
} from '@agentry/core';
import { createMockModel, mockText, mockToolCall } from '@agentry/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

afterEach(() => vi.useRealTimers());

describe('structured output', () => {
  const invoice = z.object({ number: z.string(), total: z.number() });

  it('asks for JSON matching the schema and returns the validated object', async () => {
    const model = createMockModel({ script: [mockText('{"number":"A-7","total":12.5}')] });
    const result = await createAgent({ model }).send('Read the invoice', { output: invoice });
    expect(result.output).toEqual({ number: 'A-7', total: 12.5 });
    expect(model.calls[0]?.request.responseFormat).toMatchObject({
      type: 'json',
      schema: { type: 'object', required: ['number', 'total'] },
    });
  });

  it('refuses an answer that does not match, keeping nothing of it', async () => {
    const agent = createAgent({ model: createMockModel({ script: [mockText('{"number":7}')] }) });
    await expect(agent.send('Read it', { output: invoice })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    expect(agent.state.messages).toEqual([]);
  });
});

describe('middleware', () => {
  it('lets model middleware observe and change requests, and refuse calls', async () => {
    const seen: string[] = [];
    const addContext: ModelMiddleware = async (context, next) => {
      context.request = {
        ...context.request,
        system: `${context.request.system ?? ''} Tenant: acme.`,
      };
      await next();
      seen.push(
        `${context.model?.modelId} for ${context.agentId === agent.id ? 'this agent' : 'another'}`,
      );
    };
    const model = createMockModel({ script: [mockText('ok')] });
    const agent = createAgent({
      model,
      instructions: 'Be brief.',
      middleware: { model: [addContext] },
    });
    await agent.send('hi');
    expect(model.calls[0]?.request.system).toBe('Be brief. Tenant: acme.');
    expect(seen).toEqual(['mock-model for this agent']);

    const refuse: ModelMiddleware = () =>
      Promise.reject(
        new AgentryError({ code: 'permission_denied', message: 'No model calls after hours.' }),
      );
    const refused = createAgent({
      model: createMockModel({ script: [mockText('never')] }),
      middleware: { model: [refuse] },
    });
    await expect(refused.send('hi')).rejects.toMatchObject({ code: 'permission_denied' });
  });

  it('lets tool middleware refuse a call, which the model receives as an error result', async () => {
    const execute = vi.fn(() => 'deleted');
    const tool = defineTool({
      name: 'delete_file',
      description: 'Deletes.',
      input: z.object({ path: z.string() }),
      execute,
    });
    const guard: ToolMiddleware = async (context, next) => {
      if ((context.input as { path: string }).path.startsWith('/etc'))
        throw new AgentryError({ code: 'permission_denied', message: 'Not under /etc.' });
      await next();
    };
    const model = createMockModel({
      script: [mockToolCall('delete_file', { path: '/etc/passwd' }), mockText('refused')],
    });
    await createAgent({ model, tools: [tool], middleware: { tool: [guard] } }).send('clean up');
    expect(execute).not.toHaveBeenCalled();
    const last = model.calls[1]?.request.messages.at(-1);
    expect(last?.role === 'tool' && last.content[0]).toMatchObject({
      isError: true,
      output: { error: { code: 'permission_denied' } },
    });
  });
});

describe('shutdown', () => {
  it('answers everything queued, then refuses new work', async () => {
    const agent = createAgent({
      model: createMockModel({ script: [mockText('1'), mockText('2'), mockText('3')] }),
    });
    const runs = ['a', 'b', 'c'].map((text) => agent.send(text));
    const closing = agent.shutdown();
    await expect(agent.send('late')).rejects.toMatchObject({ code: 'invalid_transition' });
    expect((await Promise.all(runs)).map((result) => result.text)).toEqual(['1', '2', '3']);
    await closing;
    expect(agent.lifecycle).toBe('shut-down');
  });
});

describe('resource limits', () => {
  it('passes the abort to running tools', async () => {
    let toolSignal: AbortSignal | undefined;
    const tool = defineTool({
      name: 'wait',
      description: 'Waits.',
      input: z.object({}),
      execute: (_input, { signal }) => ((toolSignal = signal), new Promise(() => undefined)),
    });
    const agent = createAgent({
      model: createMockModel({ script: [mockToolCall('wait', {})] }),
      tools: [tool],
    });
    const run = agent.send('go');
    await vi.waitFor(() => expect(toolSignal).toBeDefined());
    run.abort();
    await expect(run).rejects.toMatchObject({ code: 'aborted' });
    expect(toolSignal?.aborted).toBe(true);
  });

  it('caps concurrent calls with maxConnections', async () => {
    let running = 0;
    let peak = 0;
    const tool = defineTool({
      name: 'work',
      description: 'Works.',
      input: z.object({ n: z.number() }),
      execute: async () => {
        peak = Math.max(peak, (running += 1));
        await new Promise((resolve) => setTimeout(resolve, 10));
        running -= 1;
        return 'ok';
      },
    });
    const model = createMockModel({
      script: [
        { toolCalls: [1, 2, 3, 4].map((n) => ({ toolName: 'work', input: { n } })) },
        mockText('done'),
      ],
    });
    await createAgent({
      model,
      tools: [tool],
      context: { resourceLimits: { maxConnections: 2 } },
    }).send('go');
    expect(peak).toBe(2);
  });

  it('refuses further tool calls once the turn has used its CPU time (maxCpu)', async () => {
    const burn = defineTool({
      name: 'burn',
      description: 'Burns CPU.',
      input: z.object({}),
      execute: () => {
        // 30 ms of CPU time, however long a loaded machine takes to give it.
        const before = process.cpuUsage();
        for (;;) {
          const used = process.cpuUsage(before);
          if (used.user + used.system >= 30_000) return 'hot';
        }
      },
    });
    const model = createMockModel({
      script: [mockToolCall('burn', {}), mockToolCall('burn', {}), mockText('done')],
    });
    await createAgent({ model, tools: [burn], context: { resourceLimits: { maxCpu: 10 } } }).send(
      'go',
    );
    const second = model.calls[2]?.request.messages.at(-1);
    expect(second?.role === 'tool' && second.content[0]).toMatchObject({
      isError: true,
      output: { error: { code: 'limit_exceeded' } },
    });
  });
});

describe('performance metrics', () => {
  it('keeps metrics live and flags a real-time agent that answers too slowly', async () => {
    vi.useFakeTimers();
    const events: AgentEvent[] = [];
    const model = createMockModel({
      script: [mockText('fast', { delayMs: 50 }), mockText('slow', { delayMs: 400 })],
    });
    const agent = createAgent({ model, realtime: { threshold: 200 } });
    agent.events$.subscribe((event) => events.push(event));
    const first = agent.send('one');
    await vi.advanceTimersByTimeAsync(50);
    await first;
    expect(agent.realtime).toEqual({ threshold: 200, compliant: true, violations: 0 });
    expect(agent.performance.responseTime).toBe(50);
    const second = agent.send('two');
    await vi.advanceTimersByTimeAsync(400);
    await second;
    expect(agent.realtime?.violations).toBe(1);
    expect(events.filter((event) => event.type === 'realtime-error')).toEqual([
      { type: 'realtime-error', responseTime: 400, threshold: 200 },
    ]);
    expect(agent.performance).toMatchObject({ requestsCompleted: 2, errorRate: 0 });
    expect(agent.performance.tokensUsed).toBeGreaterThan(0);
  });
});
