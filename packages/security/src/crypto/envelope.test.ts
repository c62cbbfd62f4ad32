import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openEnvelope, readEnvelopeHeader, sealEnvelope, type DataKey } from './envelope.js';

const text = new TextEncoder();
const context = { tenant: 't', key: 'notes:1', field: 'data', schemaVersion: '1.0.0' };

describe.each(['AES-256-GCM', 'ChaCha20-Poly1305', 'XChaCha20-Poly1305'] as const)(
  '%s envelope',
  (algorithm) => {
    const key: DataKey = { id: 'k1', algorithm, material: randomBytes(32) };
    it('round-trips and names the key', () => {
      const sealed = sealEnvelope(text.encode('hello'), key, context);
      expect(readEnvelopeHeader(sealed)).toEqual({ version: 1, algorithm, keyId: 'k1' });
      expect(new TextDecoder().decode(openEnvelope(sealed, () => key, context))).toBe('hello');
    });
    it('refuses another context', () => {
      const sealed = sealEnvelope(text.encode('hello'), key, context);
      for (const other of [
        { ...context, tenant: 'u' },
        { ...context, key: 'notes:2' },
        { ...context, field: 'x' },
        { ...context, schemaVersion: '2' },
      ]) {
        expect(() => openEnvelope(sealed, () => key, other)).toThrow(
          expect.objectContaining({ code: 'decryption_failed' }),
        );
      }
    });
    it('detects every flipped bit', () => {
      const sealed = sealEnvelope(text.encode('hello world'), key, context);
      for (let i = 0; i < sealed.length * 8; i++) {
        const copy = sealed.slice();
        copy[i >> 3]! ^= 1 << (i & 7);
        expect(() => openEnvelope(copy, () => key, context)).toThrow(
          expect.objectContaining({
            code: expect.stringMatching(/envelope_invalid|decryption_failed/),
          }),
        );
      }
    });
  },
);
