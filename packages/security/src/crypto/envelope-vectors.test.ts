import { createCipheriv, createDecipheriv, randomBytes, type CipherGCMTypes } from 'node:crypto';
import { AgentryError } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import {
  envelopeAlgorithms,
  openEnvelope,
  rawCipher,
  readEnvelopeHeader,
  sealEnvelope,
  type DataKey,
  type EnvelopeContext,
} from './envelope.js';

const hex = (text: string) => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const text = new TextEncoder();

/** The error code of `run`, or `'opened'` when it returned (which every tamper case must not). */
function outcome(run: () => unknown): string {
  try {
    run();
    return 'opened';
  } catch (error) {
    if (!AgentryError.isInstance(error)) throw error;
    return error.code;
  }
}

// RFC 8439 §2.8.2 (and draft-irtf-cfrg-xchacha-03 §A.3.1, which reuses its plaintext, key, AAD).
const sunscreen = text.encode(
  "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
);
const rfcKey = hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
const rfcAad = hex('50515253c0c1c2c3c4c5c6c7');
const rfc8439 = {
  nonce: hex('070000004041424344454647'),
  ciphertext: hex(`d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6
    3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36
    92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc
    3ff4def08e4b7a9de576d26586cec64b6116`),
  tag: hex('1ae10b594f09e26a7e902ecbd0600691'),
};
const xchacha = {
  nonce: hex('404142434445464748494a4b4c4d4e4f5051525354555657'),
  ciphertext: hex(`bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb
    731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452
    2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9
    21f9664c97637da9768812f615c68b13b52e`),
  tag: hex('c0875924c1c7987947deafd8780acf49'),
};

// McGrew–Viega, "The Galois/Counter Mode of Operation", test cases 13 to 16 (AES-256).
const gcmKey = hex('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308');
const gcmPlaintext = `d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72
  1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255`;
const gcmCiphertext = `522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa
  8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad`;
const gcmCases = [
  {
    name: 'test case 13 (empty plaintext)',
    key: new Uint8Array(32),
    iv: new Uint8Array(12),
    plaintext: new Uint8Array(0),
    aad: new Uint8Array(0),
    ciphertext: new Uint8Array(0),
    tag: hex('530f8afbc74536b9a963b4f1c4cb738b'),
  },
  {
    name: 'test case 14 (one zero block)',
    key: new Uint8Array(32),
    iv: new Uint8Array(12),
    plaintext: new Uint8Array(16),
    aad: new Uint8Array(0),
    ciphertext: hex('cea7403d4d606b6e074ec5d3baf39d18'),
    tag: hex('d0d1c8a799996bf0265b98b5d48ab919'),
  },
  {
    name: 'test case 15 (four blocks)',
    key: gcmKey,
    iv: hex('cafebabefacedbaddecaf888'),
    plaintext: hex(gcmPlaintext),
    aad: new Uint8Array(0),
    ciphertext: hex(gcmCiphertext),
    tag: hex('b094dac5d93471bdec1a502270e3cc6c'),
  },
  {
    name: 'test case 16 (partial block, AAD)',
    key: gcmKey,
    iv: hex('cafebabefacedbaddecaf888'),
    plaintext: hex(gcmPlaintext).subarray(0, 60),
    aad: hex('feedfacedeadbeeffeedfacedeadbeefabaddad2'),
    ciphertext: hex(gcmCiphertext).subarray(0, 60),
    tag: hex('76fc6ece0f4e1768cddf8853bb2d551b'),
  },
];

function nodeSeal(
  name: string,
  key: Uint8Array,
  iv: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
) {
  const cipher = createCipheriv(name as CipherGCMTypes, key, iv, { authTagLength: 16 });
  cipher.setAAD(aad, { plaintextLength: plaintext.length });
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext: toHex(ciphertext), tag: toHex(cipher.getAuthTag()) };
}

describe('known-answer vectors', () => {
  describe('ChaCha20-Poly1305 (RFC 8439 §2.8.2)', () => {
    it('node:crypto produces the RFC ciphertext and tag', () => {
      const sealed = nodeSeal('chacha20-poly1305', rfcKey, rfc8439.nonce, sunscreen, rfcAad);
      expect(sealed).toEqual({ ciphertext: toHex(rfc8439.ciphertext), tag: toHex(rfc8439.tag) });
    });
    it("the envelope's cipher seals to the vector and opens it", () => {
      const cipher = rawCipher('ChaCha20-Poly1305');
      const expected = toHex(rfc8439.ciphertext) + toHex(rfc8439.tag);
      expect(toHex(cipher.seal(rfcKey, rfc8439.nonce, sunscreen, rfcAad))).toBe(expected);
      expect(toHex(cipher.open(rfcKey, rfc8439.nonce, hex(expected), rfcAad))).toBe(
        toHex(sunscreen),
      );
    });
  });

  describe('AES-256-GCM (GCM specification, test cases 13 to 16)', () => {
    it.each(gcmCases)('$name: node:crypto and the envelope cipher agree with it', (vector) => {
      const expected = { ciphertext: toHex(vector.ciphertext), tag: toHex(vector.tag) };
      expect(nodeSeal('aes-256-gcm', vector.key, vector.iv, vector.plaintext, vector.aad)).toEqual(
        expected,
      );
      const cipher = rawCipher('AES-256-GCM');
      const sealed = cipher.seal(vector.key, vector.iv, vector.plaintext, vector.aad);
      expect(toHex(sealed)).toBe(expected.ciphertext + expected.tag);
      expect(toHex(cipher.open(vector.key, vector.iv, sealed, vector.aad))).toBe(
        toHex(vector.plaintext),
      );
      const decipher = createDecipheriv('aes-256-gcm', vector.key, vector.iv, {
        authTagLength: 16,
      });
      decipher.setAAD(vector.aad);
      decipher.setAuthTag(vector.tag);
      const opened = Buffer.concat([decipher.update(vector.ciphertext), decipher.final()]);
      expect(toHex(opened)).toBe(toHex(vector.plaintext));
    });
  });

  describe('XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03 §A.3.1)', () => {
    it("the envelope's cipher seals to the vector and opens it", () => {
      const cipher = rawCipher('XChaCha20-Poly1305');
      const expected = toHex(xchacha.ciphertext) + toHex(xchacha.tag);
      expect(toHex(cipher.seal(rfcKey, xchacha.nonce, sunscreen, rfcAad))).toBe(expected);
      expect(toHex(cipher.open(rfcKey, xchacha.nonce, hex(expected), rfcAad))).toBe(
        toHex(sunscreen),
      );
    });
  });

  it.each(envelopeAlgorithms)(
    '%s: the raw cipher refuses a vector with a flipped tag bit',
    (name) => {
      const cipher = rawCipher(name);
      const nonce = new Uint8Array(cipher.nonceBytes);
      const sealed = cipher.seal(rfcKey, nonce, sunscreen, rfcAad);
      sealed[sealed.length - 1]! ^= 0x80;
      expect(() => cipher.open(rfcKey, nonce, sealed, rfcAad)).toThrow();
    },
  );
});

const context: EnvelopeContext = {
  tenant: 'acme',
  key: 'notes:1',
  field: 'data',
  schemaVersion: '1.0.0',
};

describe.each(envelopeAlgorithms)('%s envelope tamper suite', (algorithm) => {
  const key: DataKey = { id: 'k-tamper.1', algorithm, material: randomBytes(32) };
  const keyFor = () => key;
  const plaintext = text.encode('the quick brown fox');
  const sealed = sealEnvelope(plaintext, key, context);
  const headerLength = 3 + key.id.length;
  const nonceBytes = rawCipher(algorithm).nonceBytes;
  const regions = {
    'key-id header': [3, headerLength],
    'version and algorithm bytes': [0, 3],
    nonce: [headerLength, headerLength + nonceBytes],
    ciphertext: [headerLength + nonceBytes, sealed.length - 16],
    tag: [sealed.length - 16, sealed.length],
  } as const;

  it('binds exactly the documented AAD: header, then each context field length-prefixed', () => {
    const header = sealed.subarray(0, headerLength);
    const fields = [context.tenant!, context.key, context.field!, context.schemaVersion!].map(
      (field) => {
        const bytes = Buffer.from(field, 'utf8');
        const length = Buffer.alloc(4);
        length.writeUInt32BE(bytes.length);
        return Buffer.concat([length, bytes]);
      },
    );
    const aad = Buffer.concat([header, ...fields]);
    const nonce = sealed.subarray(headerLength, headerLength + nonceBytes);
    const body = sealed.subarray(headerLength + nonceBytes);
    expect(toHex(rawCipher(algorithm).open(key.material, nonce, body, aad))).toBe(toHex(plaintext));
    expect([...header]).toEqual([
      1,
      { 'AES-256-GCM': 1, 'ChaCha20-Poly1305': 2, 'XChaCha20-Poly1305': 3 }[algorithm],
      key.id.length,
      ...Buffer.from(key.id),
    ]);
  });

  it('opens untouched', () => {
    expect(toHex(openEnvelope(sealed, keyFor, context))).toBe(toHex(plaintext));
  });

  it.each(Object.entries(regions))('refuses every flipped bit of the %s', (_, [from, to]) => {
    const codes = new Set<string>();
    for (let bit = from * 8; bit < to * 8; bit += 1) {
      const copy = sealed.slice();
      copy[bit >> 3]! ^= 1 << (bit & 7);
      codes.add(outcome(() => openEnvelope(copy, keyFor, context)));
    }
    expect(to - from).toBeGreaterThan(0);
    expect(
      [...codes].every((code) => ['envelope_invalid', 'decryption_failed'].includes(code)),
    ).toBe(true);
  });

  it('refuses a flipped key-id bit even when the key is looked up by id', () => {
    for (let bit = 3 * 8; bit < headerLength * 8; bit += 1) {
      const copy = sealed.slice();
      copy[bit >> 3]! ^= 1 << (bit & 7);
      const code = outcome(() =>
        openEnvelope(
          copy,
          (id) => {
            if (id !== key.id) throw new AgentryError({ code: 'key_not_found', message: id });
            return key;
          },
          context,
        ),
      );
      expect(['envelope_invalid', 'key_not_found']).toContain(code);
    }
  });

  it('refuses every flipped bit of each context field (the AAD)', () => {
    let tried = 0;
    for (const field of ['tenant', 'key', 'field', 'schemaVersion'] as const) {
      const value = context[field]!;
      for (let index = 0; index < value.length; index += 1) {
        for (let bit = 0; bit < 7; bit += 1) {
          const altered =
            value.slice(0, index) +
            String.fromCharCode(value.charCodeAt(index) ^ (1 << bit)) +
            value.slice(index + 1);
          tried += 1;
          expect(
            outcome(() => openEnvelope(sealed, keyFor, { ...context, [field]: altered })),
          ).toBe('decryption_failed');
        }
      }
    }
    expect(tried).toBeGreaterThan(100);
  });

  it.each([12, 8, 4])('refuses a tag truncated to %i bytes', (length) => {
    const cut = sealed.subarray(0, sealed.length - 16 + length);
    expect(['envelope_invalid', 'decryption_failed']).toContain(
      outcome(() => openEnvelope(cut, keyFor, context)),
    );
    // With nothing to encrypt, the truncated envelope is too short to hold a tag at all.
    const empty = sealEnvelope(new Uint8Array(0), key, context);
    expect(
      outcome(() => openEnvelope(empty.subarray(0, empty.length - 16 + length), keyFor, context)),
    ).toBe('envelope_invalid');
  });

  it("refuses another record's or tenant's envelope", () => {
    const other = sealEnvelope(text.encode('other'), key, { ...context, key: 'notes:2' });
    expect(outcome(() => openEnvelope(other, keyFor, context))).toBe('decryption_failed');
    const tenant = sealEnvelope(text.encode('other'), key, { ...context, tenant: 'globex' });
    expect(outcome(() => openEnvelope(tenant, keyFor, context))).toBe('decryption_failed');
    // The context is bound by length-prefixed fields: moving a character between fields fails.
    const shifted = { ...context, tenant: 'acmen', key: 'otes:1' };
    expect(outcome(() => openEnvelope(sealed, keyFor, shifted))).toBe('decryption_failed');
  });

  it('refuses every algorithm code it does not know, and other format versions', () => {
    const known = new Set([1, 2, 3]);
    for (let code = 0; code < 256; code += 1) {
      if (known.has(code)) continue;
      const copy = sealed.slice();
      copy[1] = code;
      expect(outcome(() => openEnvelope(copy, keyFor, context))).toBe('envelope_invalid');
      expect(() => readEnvelopeHeader(copy)).toThrow(
        expect.objectContaining({ code: 'envelope_invalid' }),
      );
    }
    for (const version of [0, 2, 255]) {
      const copy = sealed.slice();
      copy[0] = version;
      expect(outcome(() => openEnvelope(copy, keyFor, context))).toBe('envelope_invalid');
    }
  });

  it.each(envelopeAlgorithms.filter((other) => other !== algorithm))(
    'refuses a downgrade to %s (the envelope names one algorithm, the key is for another)',
    (other) => {
      const wrongKey: DataKey = { ...key, algorithm: other };
      expect(outcome(() => openEnvelope(sealed, () => wrongKey, context))).toBe('envelope_invalid');
      // The header rewritten to name the other algorithm: the key no longer matches, or the tag fails.
      const rewritten = sealed.slice();
      rewritten[1] = { 'AES-256-GCM': 1, 'ChaCha20-Poly1305': 2, 'XChaCha20-Poly1305': 3 }[other];
      expect(['envelope_invalid', 'decryption_failed']).toContain(
        outcome(() => openEnvelope(rewritten, keyFor, context)),
      );
      expect(['envelope_invalid', 'decryption_failed']).toContain(
        outcome(() => openEnvelope(rewritten, () => wrongKey, context)),
      );
    },
  );

  it('refuses 16-byte keys to seal and to open', () => {
    const short: DataKey = { ...key, material: randomBytes(16) };
    expect(outcome(() => sealEnvelope(plaintext, short, context))).toBe('key_invalid');
    expect(outcome(() => openEnvelope(sealed, () => short, context))).toBe('key_invalid');
  });

  it('never leaves unauthenticated plaintext in an error', () => {
    const copy = sealed.slice();
    copy[copy.length - 1]! ^= 1;
    try {
      openEnvelope(copy, keyFor, context);
      expect.unreachable();
    } catch (error) {
      const serialized = JSON.stringify(error, Object.getOwnPropertyNames(error));
      expect(serialized).not.toContain('quick brown');
      expect(serialized).not.toContain(toHex(key.material));
    }
  });
});

describe('nonces', () => {
  it('never repeat over 10^6 encryptions under one key', () => {
    const key: DataKey = { id: 'k-nonce', algorithm: 'AES-256-GCM', material: randomBytes(32) };
    const headerLength = 3 + key.id.length;
    const seen = new Set<string>();
    const plaintext = new Uint8Array(1);
    const count = 1_000_000;
    for (let index = 0; index < count; index += 1) {
      const sealed = sealEnvelope(plaintext, key, { key: 'n' });
      // 12 bytes as a 12-character latin1 string: about 40 bytes a nonce, 40 MB for the set.
      seen.add(Buffer.from(sealed.buffer, sealed.byteOffset + headerLength, 12).toString('latin1'));
    }
    expect(seen.size).toBe(count);
  }, 180_000);
});
