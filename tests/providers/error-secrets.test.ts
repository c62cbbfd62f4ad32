import { inspect } from 'node:util';
import { startEmulator, type Emulator } from '@agentry/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, drain, failureOf, vendorApis } from './vendor-apis.js';

/** Everything a logger can print of an error: every own property, every cause, every stack. */
function printed(error: unknown): string {
  const parts = [inspect(error, { depth: Infinity, showHidden: true, getters: false })];
  for (let current = error; current instanceof Error; current = current.cause) {
    parts.push(String(current.stack), JSON.stringify(current));
  }
  return parts.join('\n');
}

describe.each(vendorApis)('a failed call on $name', (vendor) => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  // A server (or a proxy before it) that echoes the request's headers in its error, as some do.
  const echoingRefusal = () =>
    emulator.enqueue((request) => ({
      kind: 'error',
      status: 401,
      message: `Incorrect API key provided. Request headers: ${JSON.stringify(request.headers)}`,
      headers: { 'x-request-id': 'req_echo', 'set-cookie': 'session=s3ss10n-v4lue-0f-the-server' },
    }));

  it.each(['generate', 'stream'] as const)(
    'leaves no key in the error graph a logger prints (%s)',
    async (method) => {
      const key = vendor.key();
      const provider = vendor.create({ apiKey: key, endpoint: emulator.baseURL(vendor.api) });
      const model = provider.createModel(vendor.modelId);
      try {
        echoingRefusal();
        const error = await failureOf(() =>
          method === 'generate' ? model.generate(ask('Hi')) : drain(model.stream(ask('Hi'))),
        );
        expect(JSON.stringify(emulator.requests.at(-1)?.headers)).toContain(key);
        expect(error.code).toBe('auth_failed');
        const text = printed(error);
        expect(text).not.toContain(key);
        expect(text).not.toContain(key.slice(4, -4));
        expect(text).not.toContain('s3ss10n-v4lue');
        // What helps a person debug stays: the SDK's error, its status and the masked key's end.
        expect(error.cause).toBeInstanceOf(Error);
        expect(text).toContain('401');
        expect(text).toContain(`****${key.slice(-4)}`);
      } finally {
        await provider.close();
      }
    },
  );
});

describe.each(vendorApis)('a refused key of a format no pattern knows, on $name', (vendor) => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it.each(['generate', 'stream'] as const)(
    'is masked wherever the server echoes it (%s)',
    async (method) => {
      // A gateway's or a compatible server's key: 40 hex digits, shaped like no vendor's key.
      const key = Array.from({ length: 40 }, () =>
        Math.floor(Math.random() * 16).toString(16),
      ).join('');
      const provider = vendor.create({
        // A credential source of the application's own, as a key vault would give.
        credentials: { get: () => Promise.resolve({ scheme: 'api_key', value: key }) },
        endpoint: emulator.baseURL(vendor.api),
      });
      const model = provider.createModel(vendor.modelId);
      try {
        emulator.enqueue(() => ({
          kind: 'error',
          status: 401,
          message: `Incorrect API key provided: ${key}. You can find your key in your dashboard.`,
        }));
        const error = await failureOf(() =>
          method === 'generate' ? model.generate(ask('Hi')) : drain(model.stream(ask('Hi'))),
        );
        expect(error.code).toBe('auth_failed');
        const text = printed(error);
        expect(text).not.toContain(key);
        expect(text).toContain(`****${key.slice(-4)}`);
      } finally {
        await provider.close();
      }
    },
  );
});
