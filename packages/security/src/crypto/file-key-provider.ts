import { randomBytes } from 'node:crypto';
import { mkdir, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentryError } from '@agentry/core';
import { decodeBase64Key, KEY_BYTES, type KeyProvider } from './key-provider.js';

/**
 * Options of {@link fileKeyProvider}.
 *
 * @example
 * ```ts
 * import type { FileKeyProviderOptions } from '@agentry/security';
 *
 * const options: FileKeyProviderOptions = { directory: '/var/lib/agentry/keys' };
 * console.log(options.directory);
 * ```
 */
export interface FileKeyProviderOptions {
  /** The directory holding one `<key id>.key` file per key; created (mode 0700) when missing. */
  readonly directory: string;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

function keyPath(directory: string, keyId: string): string {
  // The id pattern has no `/`; `.` and `..` alone are refused so a key never lands outside.
  if (!KEY_ID.test(keyId) || keyId === '.' || keyId === '..') {
    throw new AgentryError({
      code: 'key_invalid',
      message: 'A key id must be 1 to 64 characters of A-Z a-z 0-9 . _ -.',
      details: { keyId: keyId.slice(0, 64) },
      suggestions: ['Name keys like `k-2026-12`.'],
    });
  }
  return join(directory, `${keyId}.key`);
}

/**
 * A {@link KeyProvider} keeping each key in its own file, `<directory>/<key id>.key`, as base64
 * text. New keys are written with mode 0600 and the `wx` flag, so an existing key is never
 * overwritten; a key file that its group or others may read (or write) is refused on POSIX systems.
 * Back the directory up with the same care as the keys: without a key, its data is lost.
 *
 * @throws AgentryError from `load`: `key_not_found` naming the file when it is missing;
 *   `key_invalid` naming the file when others may read it or it is not 32 bytes of base64. From
 *   `create`: `conflict` when the file exists.
 *
 * @example
 * ```ts
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { fileKeyProvider } from '@agentry/security';
 *
 * const provider = fileKeyProvider({ directory: mkdtempSync(join(tmpdir(), 'keys-')) });
 * const created = await provider.create!('k1');
 * console.log(Buffer.from(await provider.load('k1')).equals(Buffer.from(created))); // true
 * ```
 */
export function fileKeyProvider(options: FileKeyProviderOptions): KeyProvider {
  const { directory } = options;
  if (typeof directory !== 'string' || directory === '') {
    throw new AgentryError({
      code: 'validation_failed',
      message: 'fileKeyProvider needs the directory its key files live in.',
      details: { path: 'directory' },
      suggestions: ['Pass `{ directory: "/var/lib/agentry/keys" }`.'],
    });
  }
  return {
    name: 'file',
    async load(keyId) {
      const path = keyPath(directory, keyId);
      let handle;
      try {
        handle = await open(path, 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new AgentryError({
            code: 'key_not_found',
            message: `Key "${keyId}" is not available: ${path} does not exist.`,
            details: { keyId, path },
            suggestions: ['Restore the key file from the key backup.'],
            cause: error,
          });
        }
        throw error;
      }
      try {
        const { mode } = await handle.stat();
        if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
          throw new AgentryError({
            code: 'key_invalid',
            message: `Key file ${path} may be read or written by its group or others (mode ${(mode & 0o777).toString(8)}); refused.`,
            details: { keyId, path, mode: (mode & 0o777).toString(8) },
            suggestions: [`Run \`chmod 600 ${path}\` and check who could have read it.`],
          });
        }
        return decodeBase64Key(await handle.readFile('utf8'), keyId, `key file ${path}`);
      } finally {
        await handle.close();
      }
    },
    async create(keyId) {
      const path = keyPath(directory, keyId);
      await mkdir(directory, { recursive: true, mode: 0o700 });
      const material = randomBytes(KEY_BYTES);
      let handle;
      try {
        handle = await open(path, 'wx', 0o600);
      } catch (error) {
        material.fill(0);
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new AgentryError({
            code: 'conflict',
            message: `Key file ${path} already exists; a key is never overwritten.`,
            details: { keyId, path },
            suggestions: ['Pick another key id.'],
            cause: error,
          });
        }
        throw error;
      }
      try {
        await handle.writeFile(material.toString('base64'));
        await handle.sync();
      } finally {
        await handle.close();
      }
      // The umask may narrow 0600 but never widen it; check anyway so a later load cannot refuse.
      if (process.platform !== 'win32' && ((await stat(path)).mode & 0o077) !== 0) {
        throw new AgentryError({
          code: 'key_invalid',
          message: `Key file ${path} was created readable by others.`,
          details: { keyId, path },
          suggestions: [`Run \`chmod 600 ${path}\`.`],
        });
      }
      return new Uint8Array(material.buffer, material.byteOffset, material.length);
    },
  };
}
