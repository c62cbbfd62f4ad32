import { startEmulator, type Emulator } from '@agentry/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, drain, failureOf, vendorApis } from './vendor-apis.js';

describe.each(vendorApis)('the x-should-retry header on $name', (vendor) => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it.each([
    ['false', 503, false],
    ['true', 400, true],
    [undefined, 503, undefined],
    ['maybe', 500, undefined],
  ] as const)(
    'reads %s on a %i as details.retryable %s, on generate and stream, in one request',
    async (header, status, retryable) => {
      emulator.reset();
      const provider = vendor.create({
        apiKey: vendor.key(),
        endpoint: emulator.baseURL(vendor.api),
      });
      const model = provider.createModel(vendor.modelId);
      const failure = {
        kind: 'error',
        status,
        ...(header === undefined ? {} : { headers: { 'x-should-retry': header } }),
      } as const;
      try {
        emulator.enqueue(failure, failure);
        const generated = await failureOf(() => model.generate(ask('Hi')));
        const streamed = await failureOf(() => drain(model.stream(ask('Hi'))));
        expect(emulator.requests).toHaveLength(2);
        for (const error of [generated, streamed]) {
          expect(error.details.status).toBe(status);
          if (retryable === undefined) expect(error.details).not.toHaveProperty('retryable');
          else expect(error.details.retryable).toBe(retryable);
        }
      } finally {
        await provider.close();
      }
    },
  );
});
