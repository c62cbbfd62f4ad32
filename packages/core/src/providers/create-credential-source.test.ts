import { describe, expect, it } from 'vitest';
import type { ApiKeyRotationConfig } from '../schemas/api-key-rotation-config.js';
import { HOUR, manualClock } from './__fixtures__/manual-clock.js';
import { createCredentialSource } from './create-credential-source.js';
import { failureOf } from './__fixtures__/failure-of.js';

/** A key-like value built at run time, so nothing key-like is committed. */
const key = (letter: string) => ['sk', letter.repeat(40)].join('-');

const rotation: ApiKeyRotationConfig = { enabled: true, rotationInterval: 24, maxAge: 72 };

/** A key reader whose answers the test sets, counting its calls. */
function keyReader(first: string) {
  const reader = {
    current: first as string | Error,
    calls: 0,
    read: (): Promise<string> => {
      reader.calls += 1;
      const answer = reader.current;
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
  return reader;
}

function rotating(reader: ReturnType<typeof keyReader>) {
  const clock = manualClock();
  const source = createCredentialSource({
    method: { type: 'api_key', configuration: { apiKey: key('c') } },
    rotation,
    readKey: reader.read,
    clock,
  });
  return { clock, source };
}

describe('createCredentialSource', () => {
  describe('api_key', () => {
    it('does give the configured key', async () => {
      const source = createCredentialSource({
        method: { type: 'api_key', configuration: { apiKey: key('a') } },
      });
      await expect(source.get()).resolves.toEqual({ scheme: 'api_key', value: key('a') });
    });

    it('does not call readKey when rotation is off', async () => {
      const reader = keyReader(key('b'));
      const source = createCredentialSource({
        method: { type: 'api_key', configuration: { apiKey: key('a') } },
        rotation: { ...rotation, enabled: false },
        readKey: reader.read,
      });
      await expect(source.get()).resolves.toMatchObject({ value: key('a') });
      expect(reader.calls).toBe(0);
    });
  });

  describe('bearer_token', () => {
    it('does give the configured token as a bearer credential', async () => {
      const token = 't'.repeat(32);
      const source = createCredentialSource({
        method: { type: 'bearer_token', configuration: { token } },
      });
      await expect(source.get()).resolves.toEqual({ scheme: 'bearer', value: token });
    });
  });

  describe('api_key rotation', () => {
    it('does read the key on the first get and then once per rotationInterval', async () => {
      const reader = keyReader(key('a'));
      const { clock, source } = rotating(reader);
      await expect(source.get()).resolves.toEqual({ scheme: 'api_key', value: key('a') });
      reader.current = key('b');
      clock.advance(24 * HOUR - 1);
      await expect(source.get()).resolves.toMatchObject({ value: key('a') });
      expect(reader.calls).toBe(1);
      clock.advance(1);
      await expect(source.get()).resolves.toMatchObject({ value: key('b') });
      expect(reader.calls).toBe(2);
    });

    it('does read the configured key when no reader is given', async () => {
      const source = createCredentialSource({
        method: { type: 'api_key', configuration: { apiKey: key('c') } },
        rotation,
        clock: manualClock(),
      });
      await expect(source.get()).resolves.toMatchObject({ value: key('c') });
    });

    it('does share one read among concurrent callers', async () => {
      const reader = keyReader(key('a'));
      const { source } = rotating(reader);
      const credentials = await Promise.all([source.get(), source.get(), source.get()]);
      expect(credentials.map((credential) => credential.value)).toEqual([
        key('a'),
        key('a'),
        key('a'),
      ]);
      expect(reader.calls).toBe(1);
    });

    it('does keep the previous key quietly when a read fails', async () => {
      const reader = keyReader(key('a'));
      const { clock, source } = rotating(reader);
      await source.get();
      reader.current = new Error('key store unreachable');
      clock.advance(24 * HOUR);
      await expect(source.get()).resolves.toMatchObject({ value: key('a') });
      // The failed read counts: the next one is a whole interval later.
      reader.current = key('b');
      clock.advance(HOUR);
      await expect(source.get()).resolves.toMatchObject({ value: key('a') });
      expect(reader.calls).toBe(2);
      clock.advance(23 * HOUR);
      await expect(source.get()).resolves.toMatchObject({ value: key('b') });
    });

    it('does fail with auth_failed when the first read fails, and read again on the next get', async () => {
      const reader = keyReader(key('a'));
      reader.current = new Error('key store unreachable');
      const { source } = rotating(reader);
      const error = await failureOf(source.get());
      expect(error.code).toBe('auth_failed');
      expect(error.cause).toBe(reader.current);
      reader.current = key('a');
      await expect(source.get()).resolves.toMatchObject({ value: key('a') });
      expect(reader.calls).toBe(2);
    });

    it('does treat an empty key as a failed read', async () => {
      const reader = keyReader('');
      const { source } = rotating(reader);
      expect((await failureOf(source.get())).code).toBe('auth_failed');
    });

    it('does refuse a key in use for longer than maxAge, without naming it', async () => {
      const reader = keyReader(key('a'));
      const { clock, source } = rotating(reader);
      await source.get();
      clock.advance(72 * HOUR);
      await expect(source.get()).resolves.toMatchObject({ value: key('a') });
      clock.advance(1);
      const error = await failureOf(source.get());
      expect(error).toMatchObject({
        code: 'auth_failed',
        recoverable: false,
        details: { maxAgeHours: 72, readFailed: false },
      });
      expect(error.message).toContain('older than apiKeyRotation.maxAge (72 hours)');
      expect(error.message).toContain('Rotate');
      expect(error.suggestions.join(' ')).toContain('Rotate the API key');
      expect(JSON.stringify(error.toJSON())).not.toContain(key('a'));
    });

    it('does count a key’s age from when it was first seen, across rotations', async () => {
      const reader = keyReader(key('a'));
      const { clock, source } = rotating(reader);
      await source.get();
      reader.current = key('b');
      clock.advance(24 * HOUR);
      await expect(source.get()).resolves.toMatchObject({ value: key('b') });
      // Key a comes back: it is 48 hours old already, so it is refused 24 hours (plus a moment) later.
      reader.current = key('a');
      clock.advance(24 * HOUR);
      await expect(source.get()).resolves.toMatchObject({ value: key('a') });
      clock.advance(24 * HOUR + 1);
      reader.current = new Error('key store unreachable');
      const error = await failureOf(source.get());
      expect(error).toMatchObject({ code: 'auth_failed', details: { readFailed: true } });
      expect(error.cause).toBe(reader.current);
    });

    it('does accept a rotated key once the old one is past maxAge', async () => {
      const reader = keyReader(key('a'));
      const { clock, source } = rotating(reader);
      await source.get();
      clock.advance(73 * HOUR);
      reader.current = key('b');
      await expect(source.get()).resolves.toMatchObject({ value: key('b') });
    });

    it('does stop waiting for a read when the signal aborts, leaving the read to others', async () => {
      let finish: (value: string) => void = () => undefined;
      const source = createCredentialSource({
        method: { type: 'api_key', configuration: { apiKey: key('a') } },
        rotation,
        readKey: () => new Promise<string>((resolve) => (finish = resolve)),
        clock: manualClock(),
      });
      const controller = new AbortController();
      const aborted = source.get({ signal: controller.signal });
      const patient = source.get();
      controller.abort();
      expect((await failureOf(aborted)).code).toBe('aborted');
      finish(key('a'));
      await expect(patient).resolves.toMatchObject({ value: key('a') });
    });
  });

  describe('invalidate', () => {
    it('does not offer to replace a fixed key or bearer token', () => {
      const fixed = createCredentialSource({
        method: { type: 'api_key', configuration: { apiKey: key('a') } },
      });
      const bearer = createCredentialSource({
        method: { type: 'bearer_token', configuration: { token: 't'.repeat(32) } },
      });
      expect('invalidate' in fixed).toBe(false);
      expect('invalidate' in bearer).toBe(false);
    });

    it('does read a rotating key again at the next get once the key in use is refused', async () => {
      const reader = keyReader(key('a'));
      const { source } = rotating(reader);
      const refused = await source.get();
      reader.current = key('b');
      expect(source.invalidate?.(refused)).toBe(true);
      await expect(source.get()).resolves.toEqual({ scheme: 'api_key', value: key('b') });
      expect(reader.calls).toBe(2);
    });

    it('does read once for several refusals of the same key, and ignore a key no longer in use', async () => {
      const reader = keyReader(key('a'));
      const { source } = rotating(reader);
      const refused = await source.get();
      reader.current = key('b');
      source.invalidate?.(refused);
      source.invalidate?.(refused);
      await Promise.all([source.get(), source.get()]);
      source.invalidate?.(refused);
      await expect(source.get()).resolves.toMatchObject({ value: key('b') });
      expect(reader.calls).toBe(2);
    });

    it('does not fall back to a refused key when the read that should replace it fails', async () => {
      const reader = keyReader(key('a'));
      const { source } = rotating(reader);
      const refused = await source.get();
      expect(source.invalidate?.(refused)).toBe(true);
      reader.current = new Error('vault sealed');
      await expect(failureOf(source.get())).resolves.toMatchObject({ code: 'auth_failed' });
    });

    it('does not offer to replace a rotating key that has no reader to read a new one', async () => {
      const source = createCredentialSource({
        method: { type: 'api_key', configuration: { apiKey: key('a') } },
        rotation,
        clock: manualClock(),
      });
      const refused = await source.get();
      expect(source.invalidate?.(refused) ?? false).toBe(false);
    });
  });

  describe('oauth2', () => {
    it('does refuse the oauth2 method without oauth2 settings', () => {
      expect(() =>
        createCredentialSource({ method: { type: 'oauth2', configuration: {} } }),
      ).toThrow(expect.objectContaining({ code: 'validation_failed' }) as Error);
    });
  });
});
