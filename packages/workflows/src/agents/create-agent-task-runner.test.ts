import {
  createAgentry,
  createMemoryStore,
  defineTool,
  type Agentry,
  type ModelRequest,
} from '@agentry/core';
import {
  createMockModel,
  createMockProvider,
  mockError,
  mockText,
  mockToolCall,
  providerConfiguration,
  type MockTurn,
} from '@agentry/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { define, task } from '../../test/fixtures/workflows.js';
import type { WorkflowDefinitionInput } from '../definitions/index.js';
import { createWorkflowRunner } from '../runner/create-workflow-runner.js';
import type { WorkflowRunner } from '../runner/runner-types.js';
import { createAgentTaskRunner } from './create-agent-task-runner.js';

type StepInput = WorkflowDefinitionInput['steps'][number];

const lookup = defineTool({
  name: 'lookup_order',
  description: 'Looks an order up.',
  input: z.object({ orderId: z.string() }),
  execute: ({ orderId }) => ({ orderId, total: 120 }),
});

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function setup(respond: (request: ModelRequest, call: number) => MockTurn) {
  const model = createMockModel({ modelId: 'gpt-4o', respond });
  const agentry: Agentry = await createAgentry({
    config: providerConfiguration({
      type: 'openai',
      model: 'gpt-4o',
      authentication: { type: 'api_key', configuration: { apiKey: '${env:MOCK_KEY}' } },
    }),
    env: { MOCK_KEY: ['mock', 'k'.repeat(16)].join('-') },
    plugins: [
      { name: 'mock-openai', version: '1.0.0', providers: [createMockProvider({ model })] },
    ],
    resilience: {
      retry: { maxAttempts: 1, baseDelay: 1, maxDelay: 1, jitter: false, strategy: 'fixed' },
    },
  });
  open.push({ close: () => agentry.shutdown() });
  return { model, agentry };
}

function agentStep(id: string, agent: Record<string, unknown>, extra: Partial<StepInput> = {}) {
  return {
    id,
    name: id,
    type: 'task',
    configuration: { agent },
    inputs: { orderId: { $ref: 'input.orderId' } },
    ...extra,
  } as StepInput;
}

function runnerWith(agentry: Agentry, steps: StepInput[], retryAttempts = 0): WorkflowRunner {
  const runner = createWorkflowRunner({
    store: createMemoryStore(),
    registry: {
      review: define('review', steps, {
        retryAttempts,
        backoffStrategy: 'fixed',
        fallbackAction: 'abort',
      }),
    },
    handlers: { echo: (input) => input },
    runAgent: createAgentTaskRunner({ agentry, tools: [lookup] }),
    generateId: () => 'run-1',
    defaults: { retryPolicy: { maxAttempts: 1, baseDelay: 1, maxDelay: 1, jitter: false } },
  });
  open.push(runner);
  return runner;
}

describe('createAgentTaskRunner', () => {
  it("runs the step's agent with its prompt, instructions and tools, and passes the answer on", async () => {
    const { model, agentry } = await setup((_request, call) =>
      call === 0 ? mockToolCall('lookup_order', { orderId: 'A-7' }) : mockText('Total is 120.'),
    );
    const runner = runnerWith(agentry, [
      agentStep('review', {
        prompt: 'Check order {{orderId}}.',
        instructions: 'Be brief.',
        tools: ['lookup_order'],
        maxSteps: 3,
      }),
      task('after', 'echo', { said: { $ref: 'steps.review.output.text' } }),
    ]);

    const result = await runner.run('review', { orderId: 'A-7' });

    expect(result).toMatchObject({ status: 'completed', output: { said: 'Total is 120.' } });
    const first = model.calls[0]!.request;
    expect(first.system).toBe('Be brief.');
    expect(first.tools?.map((tool) => tool.name)).toEqual(['lookup_order']);
    expect(first.messages.at(-1)).toMatchObject({
      role: 'user',
      content: [{ type: 'text', text: 'Check order A-7.' }],
    });
    expect(model.calls).toHaveLength(2);
    expect(model.calls.every((call) => call.hasSignal)).toBe(true);
    const ended = (await runner.journal('run-1')).find(
      (entry) => entry.type === 'step-end' && entry.stepId === 'review',
    );
    expect(ended).toMatchObject({
      output: { text: 'Total is 120.', finishReason: 'stop', steps: 2, model: 'openai:gpt-4o' },
    });
    // The task's agent is shut down and leaves the directory.
    expect(agentry.agents.list()).toEqual([]);
  });

  it('fails the attempt without retrying when a step names a tool it was not given', async () => {
    const { model, agentry } = await setup(() => mockText('never'));
    const runner = runnerWith(
      agentry,
      [agentStep('review', { prompt: 'Go {{orderId}}', tools: ['refund_order'] })],
      3,
    );
    const result = await runner.run('review', { orderId: 'A-7' });
    expect(result).toMatchObject({
      status: 'failed',
      error: { code: 'not_found', message: expect.stringContaining('"refund_order"') as string },
    });
    expect(model.calls).toHaveLength(0);
    const attempts = (await runner.journal('run-1')).filter(
      (entry) => entry.type === 'step-attempt',
    );
    expect(attempts).toHaveLength(1);
  });

  it("keeps the model's error code, so a rate limit is retried by the workflow's policy", async () => {
    const { model, agentry } = await setup((_request, call) =>
      call === 0 ? { error: mockError('rate_limited', 'slow down') } : mockText('done'),
    );
    const runner = runnerWith(agentry, [agentStep('review', { prompt: 'Go {{orderId}}' })], 2);
    const result = await runner.run('review', { orderId: 'A-7' });
    expect(result).toMatchObject({ status: 'completed', output: { text: 'done' } });
    expect(model.calls).toHaveLength(2);
    const failed = (await runner.journal('run-1')).find((entry) => entry.type === 'step-error');
    expect(failed).toMatchObject({ error: { code: 'rate_limited' } });
    expect(agentry.agents.list()).toEqual([]);
  });

  it("aborts the agent's model call at the step's timeout", async () => {
    const { model, agentry } = await setup(() => mockText('late', { delayMs: 5_000 }));
    const runner = runnerWith(agentry, [
      agentStep('review', { prompt: 'Go {{orderId}}' }, { timeout: 50 }),
    ]);
    const result = await runner.run('review', { orderId: 'A-7' });
    expect(result).toMatchObject({ status: 'failed', error: { code: 'timeout' } });
    expect(model.calls).toHaveLength(1);
    expect(model.calls[0]!.signalAborted).toBe(true);
    expect(agentry.agents.list()).toEqual([]);
  });

  it('refuses two tools with one name', () => {
    expect(() =>
      createAgentTaskRunner({
        agentry: { createAgent: () => undefined as never },
        tools: [lookup, lookup],
      }),
    ).toThrow(expect.objectContaining({ code: 'duplicate_id' }) as Error);
  });
});
