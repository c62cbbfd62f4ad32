/** The instant in-process model and the measuring helpers the benchmarks share. */
import type { LanguageModel, ModelStreamPart } from '@agentry/core';

/** What the instant model streams. */
export const instantParts: readonly ModelStreamPart[] = [
  { type: 'text-start', id: 't' },
  { type: 'text-delta', id: 't', delta: 'ok' },
  { type: 'text-end', id: 't' },
  {
    type: 'response-end',
    finishReason: 'stop',
    usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
  },
];

/** A model that answers `ok` at once: its stream yields without waiting on anything. */
export const instantModel: LanguageModel = {
  specificationVersion: 'v1',
  provider: 'openai',
  modelId: 'instant',
  capabilities: {
    maxTokens: 1000,
    supportsStreaming: true,
    supportsFunctions: true,
    supportsVision: false,
    maxConcurrency: 1000,
  },
  generate: () =>
    Promise.resolve({
      content: [{ type: 'text', text: 'ok' }],
      finishReason: 'stop',
      usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
    }),
  // eslint-disable-next-line @typescript-eslint/require-await
  async *stream() {
    for (const part of instantParts) yield part;
  },
};

/** The median of a list of numbers (the upper one of an even list). */
export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/** Heap in use after two full collections (needs `node --expose-gc`). */
export function heapAfterGc(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}
