import { getEventListeners } from 'node:events';
import type { LanguageModel } from '@agentry/core';
import { startEmulator, type Emulator } from '@agentry/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ask, drain, failureOf, vendorApis } from './vendor-apis.js';

const listenersOn = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

describe.each(vendorApis)('abort listeners on the caller signal, $name', (vendor) => {
  let emulator: Emulator;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterEach(async () => {
    await close?.();
    emulator.reset();
  });
  afterAll(async () => {
    await emulator.close();
  });

  const model = (timeout?: number): LanguageModel => {
    const provider = vendor.create({
      apiKey: vendor.key(),
      endpoint: emulator.baseURL(vendor.api),
      ...(timeout === undefined ? {} : { timeout }),
    });
    close = () => provider.close();
    return provider.createModel(vendor.modelId);
  };

  it('leaves none after 20 calls that succeed or fail, generated or streamed', async () => {
    const signal = new AbortController().signal;
    const subject = model();
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      for (let index = 0; index < 5; index += 1) {
        emulator.enqueue(
          { text: 'one two three' },
          { text: 'one two three' },
          { kind: 'error', status: 500 },
          { kind: 'error', status: 400 },
        );
        await subject.generate(ask('Hi'), { signal });
        await drain(subject.stream(ask('Hi'), { signal }));
        await failureOf(() => subject.generate(ask('Hi'), { signal }));
        await failureOf(() => drain(subject.stream(ask('Hi'), { signal })));
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(listenersOn(signal)).toBe(0);
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual(
        [],
      );
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('leaves none after a stream the caller stops reading', async () => {
    const signal = new AbortController().signal;
    emulator.enqueue({ text: 'one two three four five', chunkDelayMs: 5 });
    for await (const part of model().stream(ask('Hi'), { signal })) {
      if (part.type === 'text-delta') break;
    }
    expect(listenersOn(signal)).toBe(0);
  });

  it.each(['generate', 'stream'] as const)(
    'leaves none after the provider timeout ends a %s call',
    async (method) => {
      const signal = new AbortController().signal;
      const subject = model(50);
      emulator.enqueue({ text: 'late', delayMs: 2_000 });
      const error = await failureOf(() =>
        method === 'generate'
          ? subject.generate(ask('Hi'), { signal })
          : drain(subject.stream(ask('Hi'), { signal })),
      );
      expect(error.code).toBe('timeout');
      expect(listenersOn(signal)).toBe(0);
    },
  );

  it.each(['generate', 'stream'] as const)(
    'leaves none on a signal that aborts a %s call',
    async (method) => {
      const controller = new AbortController();
      const subject = model();
      emulator.enqueue({ text: 'late', delayMs: 2_000 });
      const failure = failureOf(() =>
        method === 'generate'
          ? subject.generate(ask('Hi'), { signal: controller.signal })
          : drain(subject.stream(ask('Hi'), { signal: controller.signal })),
      );
      while (emulator.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      controller.abort();
      expect((await failure).code).toBe('aborted');
      expect(listenersOn(controller.signal)).toBe(0);
    },
  );
});
