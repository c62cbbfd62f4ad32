import { randomUUID } from 'node:crypto';
import { definePlugin, defineTool, services, type Masker } from '@agentry/core';
import { mockText, mockToolCall } from '@agentry/testing';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { attributes as a, telemetryAttributeClasses } from '../semconv/gen-ai.js';
import { createTracedAgentry, type TracedAgentry } from './__fixtures__/traced-agentry.js';

const charge = defineTool({
  name: 'charge_card',
  description: 'Charges a card.',
  input: z.object({ card: z.string(), note: z.string(), apiKey: z.string() }),
  execute: ({ note }) => ({ charged: true, note }),
});

/** A masker in the shape security provides: it hides card numbers wherever they appear. */
const cardMasker: Masker = {
  mask: <T>(value: T): T =>
    JSON.parse(JSON.stringify(value).replace(/\b\d{4}(?:-\d{4}){3}\b/g, '[card]')) as T,
};
const maskCards = definePlugin({
  name: 'test-masker',
  version: '1.0.0',
  setup: (host) => host.provide(services.masker, cardMasker),
});

async function chargeRun(options: { captureContent?: boolean; masked?: boolean }) {
  const card = ['4111', '1111', '1111', '1111'].join('-');
  const apiKey = ['sk', 'test', randomUUID()].join('-');
  const traced = await createTracedAgentry({
    ...(options.captureContent !== undefined ? { captureContent: options.captureContent } : {}),
    plugins: options.masked === false ? [] : [maskCards],
    script: [
      mockToolCall('charge_card', { card, note: `pay with ${card}`, apiKey }),
      mockText('Charged.'),
    ],
  });
  const agent = traced.agentry.createAgent({
    tools: [charge],
    instructions: 'Charge cards.',
    context: { sessionId: 's-1' },
  });
  await agent.send(`Charge my card ${card}`);
  return { traced, card, apiKey };
}

const everyAttribute = (traced: TracedAgentry) =>
  traced.spans().flatMap((span: ReadableSpan) => Object.entries(span.attributes));

describe('content on spans', () => {
  it('records no content attribute by default', async () => {
    const { traced, card } = await chargeRun({});
    const keys = new Set(everyAttribute(traced).map(([key]) => key));
    const content = Object.entries(telemetryAttributeClasses)
      .filter(([, kind]) => kind === 'content')
      .map(([key]) => key);
    expect(content.filter((key) => keys.has(key))).toEqual([]);
    expect(JSON.stringify(everyAttribute(traced))).not.toContain(card.slice(0, 9));
  });

  it('records content through the masker when captureContent is on, and never an API key', async () => {
    const { traced, card, apiKey } = await chargeRun({ captureContent: true });
    const tool = traced.span('execute_tool charge_card');
    const argumentsText = String(tool.attributes[a.toolCallArguments]);
    expect(JSON.parse(argumentsText)).toMatchObject({ card: '[card]', note: 'pay with [card]' });
    expect(String(tool.attributes[a.toolCallResult])).toContain('pay with [card]');
    const chat = traced.spans().find((span) => span.name === 'chat gpt-4o');
    expect(String(chat?.attributes[a.inputMessages])).toContain('Charge my card [card]');
    expect(traced.spans().some((span) => span.attributes[a.outputMessages] !== undefined)).toBe(
      true,
    );
    const everything = JSON.stringify(everyAttribute(traced));
    expect(everything).not.toContain(card);
    expect(everything).not.toContain(apiKey);
  });

  it('masks secret-named fields even without a masker', async () => {
    const { traced, apiKey } = await chargeRun({ captureContent: true, masked: false });
    const argumentsText = String(
      traced.span('execute_tool charge_card').attributes[a.toolCallArguments],
    );
    expect(argumentsText).not.toContain(apiKey);
    expect(JSON.parse(argumentsText)).toMatchObject({ apiKey: `****${apiKey.slice(-4)}` });
  });
});

describe('API keys in content', () => {
  it('never records a key-shaped value, whatever field or text holds it', async () => {
    const key = ['sk', 'proj', randomUUID().replaceAll('-', '')].join('-');
    const traced = await createTracedAgentry({
      captureContent: true,
      script: [
        mockToolCall('charge_card', { card: '1', note: `use ${key}`, apiKey: 'x' }),
        mockText('Done.'),
      ],
    });
    await traced.agentry.createAgent({ tools: [charge] }).send(`My key is ${key}`);
    const everything = JSON.stringify(everyAttribute(traced));
    expect(everything).toContain('My key is');
    expect(everything).not.toContain(key);
  });
});

describe('telemetryAttributeClasses', () => {
  it('classifies every attribute key of every span and metric point emitted, content on', async () => {
    const { traced } = await chargeRun({ captureContent: true });
    const metricKeys = [...(await traced.metrics()).values()].flatMap((metric) =>
      metric.dataPoints.flatMap((point) => Object.keys(point.attributes)),
    );
    const emitted = new Set([...everyAttribute(traced).map(([key]) => key), ...metricKeys]);
    expect(emitted.size).toBeGreaterThan(15);
    expect([...emitted].filter((key) => !(key in telemetryAttributeClasses))).toEqual([]);
  });

  it('holds no deprecated GenAI name', () => {
    const deprecated = [
      'gen_ai.system',
      'gen_ai.prompt',
      'gen_ai.completion',
      'gen_ai.usage.prompt_tokens',
      'gen_ai.usage.completion_tokens',
      'gen_ai.usage.cache_creation.input_tokens',
    ];
    expect(
      Object.keys(telemetryAttributeClasses).filter((key) => deprecated.includes(key)),
    ).toEqual([]);
  });
});
