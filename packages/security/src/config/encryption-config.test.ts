import { describe, expect, it } from 'vitest';
import { encryptionConfigSchema, type EncryptionConfig } from './encryption-config.js';

const valid: EncryptionConfig = {
  algorithm: 'AES-256-GCM',
  keyRotation: true,
  atRest: true,
  inTransit: true,
};

describe('encryptionConfigSchema', () => {
  describe('safeParse', () => {
    it.each<[string, Partial<EncryptionConfig>]>([
      ['AES-256-GCM', {}],
      ['ChaCha20-Poly1305', { algorithm: 'ChaCha20-Poly1305' }],
      ['everything switched off', { keyRotation: false, atRest: false, inTransit: false }],
    ])('accepts %s', (_name, patch) => {
      const input = { ...valid, ...patch };
      expect(encryptionConfigSchema.safeParse(input)).toEqual({ success: true, data: input });
    });

    it.each<[string, Record<string, unknown>, (string | number)[]]>([
      ['an unauthenticated cipher', { algorithm: 'AES-256-CBC' }, ['algorithm']],
      ['a lower-case algorithm name', { algorithm: 'aes-256-gcm' }, ['algorithm']],
      ['a string for a switch', { atRest: 'true' }, ['atRest']],
      ['a missing switch', { inTransit: undefined }, ['inTransit']],
      ['an unknown key', { keyRotationDays: 90 }, []],
    ])('rejects %s at its path', (_name, patch, path) => {
      const issues = encryptionConfigSchema.safeParse({ ...valid, ...patch }).error?.issues;
      expect(issues?.map((issue) => issue.path)).toEqual([path]);
    });
  });
});
