import { redirectTurn, startEmulator, type Emulator } from '@agentry/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, drain, vendorApis } from './vendor-apis.js';

describe.each(vendorApis)('a redirect to another origin on $name', (vendor) => {
  let first: Emulator;
  let other: Emulator;
  beforeAll(async () => {
    [first, other] = await Promise.all([startEmulator(), startEmulator()]);
  });
  afterAll(async () => {
    await Promise.all([first.close(), other.close()]);
  });

  it.each(['generate', 'stream'] as const)(
    'reaches the other origin without the key (%s)',
    async (method) => {
      first.reset();
      other.reset();
      const key = vendor.key();
      const provider = vendor.create({
        apiKey: key,
        endpoint: first.baseURL(vendor.api),
        headers: { 'x-trace': 'kept' },
      });
      const model = provider.createModel(vendor.modelId);
      try {
        first.enqueue(redirectTurn(other));
        other.enqueue({ text: 'answered elsewhere' });
        const answer =
          method === 'generate'
            ? JSON.stringify(await model.generate(ask('Hi')))
            : JSON.stringify(await drain(model.stream(ask('Hi'))));
        expect(answer).toContain('elsewhere');
        expect(JSON.stringify(first.requests[0]?.headers)).toContain(key);
        const landed = other.requests[0];
        expect(landed?.path).toBe(first.requests[0]?.path);
        expect(landed?.headers['x-trace']).toBe('kept');
        expect(JSON.stringify(landed)).not.toContain(key.slice(4, -4));
      } finally {
        await provider.close();
      }
    },
  );
});
