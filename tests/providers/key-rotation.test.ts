import {
  AgentryError,
  type ApiKeyRotationConfig,
  type Clock,
  type ModelStreamPart,
} from '@agentry/core';
import { startEmulator, type Emulator, type EmulatorRequest } from '@agentry/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vendorApis } from './vendor-apis.js';

const HOUR = 3_600_000;

// One API per provider: rotation lives in the provider's credentials, not in its wire format.
const vendors = vendorApis.filter((vendor) => vendor.api !== 'openai-chat');

/** The key a request carried, whichever header the vendor's SDK put it in. */
function sentKey(request: EmulatorRequest | undefined): string | undefined {
  const headers = request?.headers ?? {};
  const bearer = headers['authorization']?.replace(/^Bearer /, '');
  return headers['x-goog-api-key'] ?? headers['x-api-key'] ?? bearer;
}

/** Real timers, but a `now` that the test moves forward by hours. */
function shiftedClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    advance(ms) {
      offset += ms;
    },
  };
}

async function collect(stream: AsyncIterator<ModelStreamPart>, first: ModelStreamPart[]) {
  const parts = [...first];
  for (let next = await stream.next(); !next.done; next = await stream.next())
    parts.push(next.value);
  return parts;
}

const text = (parts: readonly ModelStreamPart[]) =>
  parts.map((part) => (part.type === 'text-delta' ? part.delta : '')).join('');

describe.each(vendors)('API-key rotation on $name', (vendor) => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('finishes a call in flight on the old key, sends the next on the new one, and refuses a key past maxAge', async () => {
    emulator.reset();
    const clock = shiftedClock();
    const rotation: ApiKeyRotationConfig = { enabled: true, rotationInterval: 1, maxAge: 3 };
    const oldKey = vendor.key();
    const newKey = vendor.key();
    let current = oldKey;
    const provider = vendor.create({
      apiKey: oldKey,
      apiKeyRotation: rotation,
      readKey: () => current,
      clock,
      endpoint: emulator.baseURL(vendor.api),
    });
    const model = provider.createModel(vendor.modelId);
    const request = {
      messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hi' }] }],
    };
    try {
      emulator.enqueue(
        { text: 'a slow answer in five pieces', textChunks: 5, chunkDelayMs: 60 },
        { text: 'a quick answer' },
      );
      // The first call is in flight: its request has gone out and its stream has begun.
      const slow = model.stream(request)[Symbol.asyncIterator]();
      const first = await slow.next();
      expect(first.done).toBe(false);
      expect(sentKey(emulator.requests[0])).toBe(oldKey);

      // The key is rotated and the rotation interval passes: the next call reads the new key.
      current = newKey;
      clock.advance(HOUR + 1);
      const quick = await model.generate(request);
      expect(quick.content).toEqual([{ type: 'text', text: 'a quick answer' }]);
      expect(sentKey(emulator.requests[1])).toBe(newKey);

      // The call in flight finishes on its own connection and key, unharmed.
      const parts = await collect(slow, first.done ? [] : [first.value]);
      expect(text(parts)).toBe('a slow answer in five pieces');
      expect(parts.at(-1)?.type).toBe('response-end');

      // Nobody rotates the new key again: once it has been in use for longer than maxAge, calls
      // are refused before any request, and the refusal never shows the key.
      clock.advance(3 * HOUR + 1);
      const refusal = await model.generate(request).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(AgentryError.isInstance(refusal)).toBe(true);
      expect(refusal).toMatchObject({ code: 'auth_failed', recoverable: false });
      expect((refusal as AgentryError).message).not.toContain(newKey);
      expect(emulator.requests).toHaveLength(2);
    } finally {
      await provider.close();
    }
  });
});
