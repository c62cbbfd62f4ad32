import { createNoopMeter, type Attributes, type Histogram, type Meter } from '@opentelemetry/api';
import { describe, expect, it, vi } from 'vitest';
import { createGenAiMetrics } from './gen-ai-metrics.js';

const measurement = {
  attributes: { 'gen_ai.operation.name': 'chat' } as Attributes,
  durationSeconds: 0.25,
  usage: { inputTokens: 12, outputTokens: 3, totalTokens: 15 },
};

describe('createGenAiMetrics', () => {
  it('records the duration and both token types on a real meter', () => {
    const recorded: [string, number, Attributes | undefined][] = [];
    const meter = {
      createHistogram: (name: string) =>
        ({
          record: (value: number, attributes?: Attributes) =>
            void recorded.push([name, value, attributes]),
        }) as Histogram,
    } as unknown as Meter;
    createGenAiMetrics(meter, 'default').recordModelCall(measurement);
    expect(recorded).toEqual([
      ['gen_ai.client.operation.duration', 0.25, { 'gen_ai.operation.name': 'chat' }],
      [
        'gen_ai.client.token.usage',
        12,
        { 'gen_ai.operation.name': 'chat', 'gen_ai.token.type': 'input' },
      ],
      [
        'gen_ai.client.token.usage',
        3,
        { 'gen_ai.operation.name': 'chat', 'gen_ai.token.type': 'output' },
      ],
    ]);
  });

  it('does no work for the API’s no-op meter, which would record nothing', () => {
    const noop = createNoopMeter();
    const create = vi.spyOn(noop, 'createHistogram');
    createGenAiMetrics(noop, 'default').recordModelCall(measurement);
    expect(create).not.toHaveBeenCalled();
    create.mockRestore();
  });
});
