import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentryError } from '@agentry/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { environmentKeyProvider } from './environment-key-provider.js';
import { fileKeyProvider } from './file-key-provider.js';
import { memoryKeyProvider } from './memory-key-provider.js';

async function rejection(promise: Promise<unknown>): Promise<AgentryError> {
  const result = await promise.then(
    () => new Error('expected a rejection'),
    (reason: unknown) => reason,
  );
  if (!AgentryError.isInstance(result)) throw result;
  return result;
}

/** Everything an error says, to check it never carries a key. */
const said = (error: AgentryError) => JSON.stringify(error.toJSON()) + String(error);

describe('environmentKeyProvider', () => {
  const key = randomBytes(32);
  const variable = 'AGENTRY_KEY_' + 'K_2026_12';

  it('reads a base64 key from the variable named after the key id', async () => {
    const provider = environmentKeyProvider({ env: { [variable]: key.toString('base64') } });
    expect(Buffer.from(await provider.load('k-2026.12')).equals(key)).toBe(true);
    expect('create' in provider).toBe(false);
  });

  it('names the missing variable with secret_unresolved', async () => {
    const error = await rejection(environmentKeyProvider({ env: {} }).load('k-2026.12'));
    expect(error.code).toBe('secret_unresolved');
    expect(error.message).toContain(variable);
    expect(error.details).toMatchObject({ variable, keyId: 'k-2026.12' });
  });

  it.each([
    ['16 bytes', () => randomBytes(16).toString('base64')],
    ['33 bytes', () => randomBytes(33).toString('base64')],
    ['not base64', () => randomBytes(32).toString('hex') + '!'],
  ])('refuses %s with key_invalid naming the variable, never the value', async (_, make) => {
    const value = make();
    const error = await rejection(
      environmentKeyProvider({ prefix: 'APP_KEY_', env: { APP_KEY_K1: value } }).load('k1'),
    );
    expect(error.code).toBe('key_invalid');
    expect(error.message).toContain('APP_KEY_K1');
    expect(said(error)).not.toContain(value);
  });

  it('refuses a prefix that is not a variable name', () => {
    expect(() => environmentKeyProvider({ prefix: 'A-B' })).toThrow(
      expect.objectContaining({ code: 'validation_failed' }),
    );
  });
});

describe('fileKeyProvider', () => {
  let directory = '';
  beforeEach(() => {
    directory = join(mkdtempSync(join(tmpdir(), 'agentry-keys-')), 'keys');
  });
  afterEach(() => rmSync(join(directory, '..'), { recursive: true, force: true }));

  it('creates a 0600 file per key and loads it back', async () => {
    const provider = fileKeyProvider({ directory });
    const created = await provider.create!('k1');
    expect(created).toHaveLength(32);
    const path = join(directory, 'k1.key');
    if (process.platform !== 'win32') expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(path, 'utf8'), 'base64').equals(Buffer.from(created))).toBe(
      true,
    );
    expect(Buffer.from(await provider.load('k1')).equals(Buffer.from(created))).toBe(true);
  });

  it('never overwrites an existing key', async () => {
    const provider = fileKeyProvider({ directory });
    const created = await provider.create!('k1');
    expect((await rejection(provider.create!('k1'))).code).toBe('conflict');
    expect(Buffer.from(await provider.load('k1')).equals(Buffer.from(created))).toBe(true);
  });

  it.skipIf(process.platform === 'win32')(
    'refuses a key file its group or others may read',
    async () => {
      const provider = fileKeyProvider({ directory });
      await provider.create!('k1');
      const path = join(directory, 'k1.key');
      for (const mode of [0o640, 0o604, 0o620]) {
        chmodSync(path, mode);
        const error = await rejection(provider.load('k1'));
        expect(error.code).toBe('key_invalid');
        expect(error.message).toContain(path);
        expect(said(error)).not.toContain(readFileSync(path, 'utf8'));
      }
    },
  );

  it('names the missing file with key_not_found, and refuses ids that escape the directory', async () => {
    const provider = fileKeyProvider({ directory });
    const error = await rejection(provider.load('k9'));
    expect(error.code).toBe('key_not_found');
    expect(error.message).toContain(join(directory, 'k9.key'));
    expect((await rejection(provider.load('../k1'))).code).toBe('key_invalid');
    expect((await rejection(provider.load('..'))).code).toBe('key_invalid');
  });

  it('refuses a file that is not a 32-byte base64 key, without printing it', async () => {
    const provider = fileKeyProvider({ directory });
    await provider.create!('k1');
    const path = join(directory, 'k1.key');
    const short = randomBytes(16).toString('base64');
    writeFileSync(path, short);
    const error = await rejection(provider.load('k1'));
    expect(error.code).toBe('key_invalid');
    expect(said(error)).not.toContain(short);
  });
});

describe('memoryKeyProvider', () => {
  it('creates, loads, and refuses unknown or duplicate ids', async () => {
    const provider = memoryKeyProvider();
    const created = await provider.create!('k1');
    expect(await provider.load('k1')).toEqual(created);
    expect((await rejection(provider.load('k2'))).code).toBe('key_not_found');
    expect((await rejection(provider.create!('k1'))).code).toBe('conflict');
  });

  it('hands out copies, so wiping one does not destroy the key', async () => {
    const provider = memoryKeyProvider();
    const created = await provider.create!('k1');
    const copy = created.slice();
    created.fill(0);
    expect(await provider.load('k1')).toEqual(copy);
  });
});
