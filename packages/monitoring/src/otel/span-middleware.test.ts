import {
  AgentryError,
  type ModelCallContext,
  type ModelStreamPart,
  type PluginHost,
  type ToolCallContext,
} from '@agentry/core';
import { createMockModel, mockError, mockText, type MockTurn } from '@agentry/testing';
import { metrics, SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { attributes as a } from '../semconv/gen-ai.js';
import { createChatSpanMiddleware } from './chat-span-middleware.js';
import { createGenAiMetrics } from './gen-ai-metrics.js';
import { createRunSpans } from './run-spans.js';
import { createToolSpanMiddleware } from './tool-span-middleware.js';

function setup() {
  const exporter = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  }).getTracer('t');
  const runs = createRunSpans(tracer, false);
  const host = { lookup: () => undefined } as unknown as PluginHost;
  const options = { host, tracer, runs, captureContent: false };
  const chat = createChatSpanMiddleware({
    ...options,
    metrics: createGenAiMetrics(metrics.getMeter('noop'), 'default'),
  });
  const tool = createToolSpanMiddleware(options);
  return { exporter, chat, tool };
}

const call = (): ModelCallContext => ({
  agentId: 'a-1',
  runId: 'r-1',
  step: 1,
  permissions: [],
  userId: undefined,
  sessionId: 's-1',
  principal: { id: 'a-1', kind: 'agent' },
  request: { messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] },
  options: {},
});

/** Runs the chat middleware over a mock model, outside any traced run (no model-request seen). */
async function chatOver(turn: MockTurn) {
  const { exporter, chat } = setup();
  const model = createMockModel({ modelId: 'gpt-4o', script: [turn] });
  const context = call();
  await chat(context, () => {
    context.model = model;
    context.stream = model.stream(context.request, context.options);
    return Promise.resolve();
  });
  return { exporter, stream: context.stream as AsyncIterable<ModelStreamPart> };
}

describe('the chat span', () => {
  it('is named after the served model when no model-request was seen, and ends with the stream', async () => {
    const { exporter, stream } = await chatOver(mockText('Hello there.'));
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    for await (const part of stream) void part;
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('chat gpt-4o');
    expect(span?.attributes).toMatchObject({
      [a.providerName]: 'openai',
      [a.requestModel]: 'gpt-4o',
    });
  });

  it('ends as cancelled when the reader stops before the final part', async () => {
    const { exporter, stream } = await chatOver(mockText(['Hel', 'lo'], { textChunks: 2 }));
    for await (const part of stream) if (part.type === 'text-delta') break;
    const [span] = exporter.getFinishedSpans();
    expect(span?.attributes[a.errorType]).toBe('cancelled');
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('ends failed with the code of an error part', async () => {
    const { exporter, stream } = await chatOver({
      text: 'Partial',
      errorAfterParts: { parts: 1, error: mockError('network', 'Reset.') },
    });
    const types: string[] = [];
    for await (const part of stream) types.push(part.type);
    expect(types.at(-1)).toBe('error');
    expect(exporter.getFinishedSpans()[0]?.attributes[a.errorType]).toBe('network');
  });

  it('ends failed when an inner layer refuses the call, and passes the error on', async () => {
    const { exporter, chat } = setup();
    const refusal = new AgentryError({ code: 'permission_denied', message: 'No.' });
    await expect(chat(call(), () => Promise.reject(refusal))).rejects.toBe(refusal);
    expect(exporter.getFinishedSpans()[0]?.attributes[a.errorType]).toBe('permission_denied');
  });
});

describe('the execute_tool span', () => {
  const toolCall = (): ToolCallContext => ({
    agentId: 'a-1',
    runId: 'r-1',
    permissions: [],
    toolCallId: 'c-1',
    toolName: 'delete_order',
    access: 'delete',
    destructive: true,
    principal: { id: 'a-1', kind: 'agent' },
    userId: undefined,
    sessionId: 's-1',
    signal: new AbortController().signal,
    input: { orderId: 'o-1' },
  });

  it('marks an error result with error.type tool_error', async () => {
    const { exporter, tool } = setup();
    const context = toolCall();
    await tool(context, () => {
      context.output = { error: 'no such order' };
      context.isError = true;
      return Promise.resolve();
    });
    const [span] = exporter.getFinishedSpans();
    expect(span?.attributes[a.errorType]).toBe('tool_error');
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('marks a refused call with the refusal’s code and passes the error on', async () => {
    const { exporter, tool } = setup();
    const refusal = new AgentryError({ code: 'permission_denied', message: 'Admins only.' });
    await expect(tool(toolCall(), () => Promise.reject(refusal))).rejects.toBe(refusal);
    expect(exporter.getFinishedSpans()[0]?.attributes[a.errorType]).toBe('permission_denied');
  });
});
