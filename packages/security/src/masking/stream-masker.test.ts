import { describe, expect, it } from 'vitest';
import { positiveCorpus, randomString, seededRandom } from './__fixtures__/masking-corpus.js';
import { createMasker } from './create-masker.js';
import { defaultDetectors } from './default-detectors.js';
import { createStreamMasker, maskStream } from './stream-masker.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function run(chunks: readonly string[]): string {
  const stream = createStreamMasker();
  let out = '';
  for (const chunk of chunks) out += stream.push(chunk);
  return out + stream.flush();
}

describe('createStreamMasker', () => {
  const random = seededRandom(99);
  const key = 's' + 'k-proj-' + randomString(random, ALNUM, 60);
  const github = 'gh' + 'p_' + randomString(random, ALNUM, 36);
  const text =
    `first ${key} then mail bob@example.com, card 4111 1111 1111 1111, ` +
    `token ${github} and {"to":"carol\\u0040example.com"} end`;
  const whole = createMasker().maskText(text);

  it('holds back one more than the longest match of its detectors', () => {
    const longest = Math.max(...defaultDetectors.map((detector) => detector.maxLength));
    expect(createStreamMasker().holdBack).toBe(longest + 1);
    expect(createStreamMasker().holdBack).toBe(4097);
    expect(createStreamMasker({ include: ['email'] }).holdBack).toBe(321);
  });

  it('never leaks a secret split at any one point, and gives what whole-text masking gives', () => {
    for (let split = 0; split <= text.length; split += 1) {
      const out = run([text.slice(0, split), text.slice(split)]);
      expect(out).toBe(whole);
    }
  });

  it('never leaks with three chunks split anywhere around each secret', () => {
    for (const secret of [key, github, 'bob@example.com', 'carol\\u0040example.com']) {
      const at = text.indexOf(secret);
      for (let first = at - 2; first <= at + secret.length + 1; first += 1) {
        for (let second = first; second <= at + secret.length + 2; second += 3) {
          const out = run([text.slice(0, first), text.slice(first, second), text.slice(second)]);
          expect(out).not.toContain(secret);
          expect(out).toBe(whole);
        }
      }
    }
  });

  it('masks a stream fed one character at a time, for every corpus case', () => {
    const masker = createMasker();
    for (const item of positiveCorpus().slice(0, 400)) {
      const out = run([...item.text]);
      expect(out).not.toContain(item.value);
      expect(out).toBe(masker.maskText(item.text));
    }
  });

  it('emits text once it is past the hold-back window, masked', () => {
    const stream = createStreamMasker({ include: ['email'] });
    const step = Math.ceil(stream.holdBack / 4);
    expect(stream.push('mail a@b.example ')).toBe('');
    // Not yet a step past the window: nothing is emitted.
    expect(stream.push('x'.repeat(stream.holdBack + step - 18))).toBe('');
    const out = stream.push('x');
    expect(out).toBe('mail [EMAIL] ' + 'x'.repeat(step - 17));
    expect(stream.flush()).toBe('x'.repeat(stream.holdBack));
  });

  it('holds a private key that reaches into the window from its start until its end line', () => {
    const stream = createStreamMasker();
    const begin = '-----' + 'BEGIN PRIVATE KEY-----\n';
    let out = stream.push('before ' + begin);
    for (let line = 0; line < 80; line += 1)
      out += stream.push(randomString(random, ALNUM, 64) + '\n');
    // 5,200 characters of key are more than the window, but the block is held from its start.
    expect(out).toBe('before ');
    out += stream.push('-----' + 'END PRIVATE KEY-----\n' + 'y'.repeat(5000));
    out += stream.flush();
    expect(out).toBe('before [SECRET:private-key]\n' + 'y'.repeat(5000));
  });

  it('keeps its buffer bounded when text normalises to nothing', () => {
    const stream = createStreamMasker({ include: ['email'] });
    let out = '';
    for (let index = 0; index < 100; index += 1) out += stream.push('\u200b'.repeat(1000));
    const rest = stream.flush();
    expect(out.length + rest.length).toBe(100_000);
    expect(rest.length).toBeLessThanOrEqual(8 * stream.holdBack + Math.ceil(stream.holdBack / 4));
  });
});

describe('maskStream', () => {
  it('masks an async iterable of chunks', async () => {
    const key = 'AI' + 'za' + randomString(seededRandom(3), ALNUM, 35);
    async function* source() {
      await Promise.resolve();
      yield 'key: AI';
      yield key.slice(2, 20);
      yield key.slice(20) + ' done';
    }
    const parts: string[] = [];
    for await (const part of maskStream(source())) parts.push(part);
    expect(parts.join('')).toBe('key: [SECRET:google] done');
  });
});
