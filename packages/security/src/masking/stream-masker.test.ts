import { describe, expect, it } from 'vitest';
import { Buffer } from 'node:buffer';
import {
  negativeCorpus,
  positiveCorpus,
  randomString,
  seededRandom,
} from './__fixtures__/masking-corpus.js';
import { createMasker } from './create-masker.js';
import { defaultDetectors } from './default-detectors.js';
import type { Detector } from './detector.js';
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

  it('emits text up to the word being written, masked', () => {
    const stream = createStreamMasker({ include: ['email'] });
    expect(stream.push('mail a@b.example ')).toBe('mail [EMAIL] ');
    expect(stream.held).toBe(0);
    expect(stream.push('and the')).toBe('and ');
    expect(stream.held).toBe(3);
    expect(stream.push('n x@y.')).toBe('then ');
    expect(stream.push('example')).toBe('');
    expect(stream.flush()).toBe('[EMAIL]');
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

/** Chunks of `text` of the given size. */
function chunksOf(text: string, size: number): string[] {
  const out: string[] = [];
  for (let index = 0; index < text.length; index += size) out.push(text.slice(index, index + size));
  return out;
}

/** Every 8-character piece of `secret` found in `out` (none may be). */
function leaks(out: string, secret: string): string[] {
  const found: string[] = [];
  for (let index = 0; index + 8 <= secret.length; index += 1) {
    const piece = secret.slice(index, index + 8);
    if (out.includes(piece)) found.push(piece);
  }
  return found;
}

const trailingWord = (text: string): number => text.length - text.search(/\S*$/);

describe('createStreamMasker latency', () => {
  const random = seededRandom(7);
  const words = [
    'the',
    'answer',
    'depends',
    'on',
    'how',
    'you',
    'configure',
    'your',
    'agent;',
    'first,',
    'install',
    'package',
    'and',
    'then',
    'call',
    'it',
    'from',
    'a',
    'handler.',
    'Streaming',
    'responses',
    'are',
    'delivered',
    'token',
    'by',
    'with',
    'masking',
    'enabled',
    '(optional)',
    'otherwise:',
    'each',
    'message',
    'is',
    'checked',
    'before',
    'sent.\n',
  ];
  let prose = '';
  while (prose.length < 2000) prose += words[Math.floor(random() * words.length)]! + ' ';
  prose = prose.slice(0, 2000);

  it('holds back at most the word being written of prose streamed in 4-character chunks', () => {
    const stream = createStreamMasker();
    let received = '';
    let out = '';
    let most = 0;
    for (const chunk of chunksOf(prose, 4)) {
      received += chunk;
      out += stream.push(chunk);
      expect(stream.held).toBe(received.length - out.length);
      expect(stream.held).toBeLessThanOrEqual(trailingWord(received));
      most = Math.max(most, stream.held);
    }
    expect(most).toBeLessThanOrEqual(16);
    expect(out + stream.flush()).toBe(prose);
  });

  const masker = createMasker();
  const parts = {
    card: '4111 ' + '1111 1111 1111',
    phone: '+44 20 ' + '7946 0958',
    iban: 'GB82 WEST ' + '1234 5698 7654 32',
    bearer: 'Bearer ' + randomString(random, ALNUM, 40),
    header: 'Authorization: ' + 'Basic ' + randomString(random, ALNUM, 24),
    password: 'password = ' + randomString(random, ALNUM, 16),
    jwt:
      Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url') +
      '.' +
      Buffer.from(JSON.stringify({ sub: 'user-1' })).toString('base64url') +
      '.' +
      randomString(random, ALNUM, 43),
    pem:
      '-----' +
      'BEGIN RSA PRIVATE KEY-----\n' +
      Array.from({ length: 12 }, () => randomString(random, ALNUM + '+/', 64)).join('\n') +
      '\n-----' +
      'END RSA PRIVATE KEY-----',
  };
  // The part of each that must never be seen (the scheme word and the field name may be).
  const bodies: Record<keyof typeof parts, string> = {
    ...parts,
    bearer: parts.bearer.slice(7),
    header: parts.header.slice(21),
    password: parts.password.slice(11),
  };

  for (const [name, secret] of Object.entries(parts) as [keyof typeof parts, string][]) {
    it(`masks a ${name} split at every point and in small chunks, and never emits part of it`, () => {
      const text = `here it is: ${secret} and that is all.`;
      const whole = masker.maskText(text);
      expect(leaks(whole, bodies[name])).toEqual([]);
      const at = text.indexOf(secret);
      for (let split = at - 1; split <= at + secret.length + 1; split += 1) {
        const out = run([text.slice(0, split), text.slice(split)]);
        expect(leaks(out, bodies[name])).toEqual([]);
        expect(out).toBe(whole);
      }
      for (const size of [1, 2, 3, 5, 7, 16]) {
        const stream = createStreamMasker();
        let out = '';
        for (const chunk of chunksOf(text, size)) {
          out += stream.push(chunk);
          expect(leaks(out, bodies[name])).toEqual([]);
        }
        expect(out + stream.flush()).toBe(whole);
      }
      // Split between the words (or groups): what comes before the value is emitted at once.
      const stream = createStreamMasker();
      const space = secret.indexOf(' ') === -1 ? 10 : secret.indexOf(' ') + 1;
      expect(stream.push(text.slice(0, at + space))).toBe('here it is: ');
    });
  }

  it('holds maxLength + 1 characters for a detector that does not say where a match is open', () => {
    const employeeIds: Detector = {
      name: 'employee-id',
      kind: 'personal',
      label: 'EMPLOYEE',
      maxLength: 12,
      find(text) {
        return [...text.matchAll(/\bEMP - \d{6}\b/g)].map((match) => ({
          start: match.index,
          end: match.index + match[0].length,
        }));
      },
    };
    const text = 'ask EMP - 004211 or EMP - 004212 today please';
    const whole = 'ask [EMPLOYEE] or [EMPLOYEE] today please';
    for (let split = 0; split <= text.length; split += 1) {
      const stream = createStreamMasker({ detectors: [employeeIds] });
      const first = stream.push(text.slice(0, split));
      // The last 13 characters, or from the start of a match that reaches into them.
      expect(stream.held).toBeGreaterThanOrEqual(Math.min(split, 13));
      expect(stream.held).toBeLessThanOrEqual(Math.min(split, 13 + 12));
      expect(first + stream.push(text.slice(split)) + stream.flush()).toBe(whole);
    }
  });

  it('holds a private key block from its header while its lines arrive, and emits after it', () => {
    const stream = createStreamMasker();
    let out = stream.push('key follows ');
    const lines = parts.pem.split('\n');
    for (const line of lines.slice(0, -1)) {
      out += stream.push(line + '\n');
      expect(out).toBe('key follows ');
    }
    out += stream.push(lines.at(-1)! + '\nand more text');
    expect(out).toBe('key follows [SECRET:private-key]\nand more ');
    expect(stream.held).toBe(4);
  });

  it('gives what whole-text masking gives for every corpus text in random chunks', () => {
    const chunkRandom = seededRandom(11);
    const texts = [
      ...positiveCorpus().map((item) => item.text),
      ...negativeCorpus(),
      ...Object.values(parts).map((secret) => `a ${secret} b`),
    ];
    for (const text of texts) {
      const chunks: string[] = [];
      for (let index = 0; index < text.length;) {
        const size = 1 + Math.floor(chunkRandom() * 12);
        chunks.push(text.slice(index, index + size));
        index += size;
      }
      expect(run(chunks)).toBe(masker.maskText(text));
    }
  });
});

describe('createStreamMasker on mixed fragments', () => {
  it('gives what whole-text masking gives for 2,000 texts of random fragments in random chunks', () => {
    const random = seededRandom(5);
    const masker = createMasker();
    const values = positiveCorpus().map((item) => item.value);
    // Pieces of the forms detectors look for, cut where a stream might cut them.
    const fragments = [
      ' ',
      '  ',
      '\n',
      '\t',
      ', ',
      '. ',
      ': ',
      '=',
      ' = ',
      '"',
      "'",
      '-',
      '-----',
      '(',
      ')',
      '+',
      '/',
      '\\',
      '\\n',
      '\\u0040',
      '%40',
      '%20',
      '\\u0020',
      '\u00a0',
      '\u200b',
      '\uff46',
      '1',
      '12',
      '123',
      '1234',
      '4111',
      '0958',
      '2024',
      'GB82',
      'WEST',
      'Authorization',
      'authorization:',
      'Bearer',
      'Basic',
      'password',
      'secret',
      'api_key',
      'aws_secret_access_key',
      's' + 'k-',
      'ey' + 'J',
      '@',
      'a@b',
      'example.com',
      '://',
      'user:',
      '::',
      'fe80',
      '10.0.0.1',
      '-----' + 'BEGIN ',
      'RSA ',
      'PRIVATE KEY-----',
      '-----' + 'END ',
      'the',
      'X',
      'AB',
      'ab',
    ];
    const mismatches: string[] = [];
    for (let round = 0; round < 2000; round += 1) {
      let text = '';
      const count = 1 + Math.floor(random() * 12);
      for (let index = 0; index < count; index += 1) {
        const choice = random();
        if (choice < 0.15) text += values[Math.floor(random() * values.length)]!;
        else if (choice < 0.2) text += randomString(random, ALNUM, 1 + Math.floor(random() * 50));
        else text += fragments[Math.floor(random() * fragments.length)]!;
      }
      const chunks: string[] = [];
      for (let index = 0; index < text.length;) {
        const size = 1 + Math.floor(random() * (random() < 0.5 ? 4 : 40));
        chunks.push(text.slice(index, index + size));
        index += size;
      }
      const out = run(chunks);
      if (out !== masker.maskText(text)) mismatches.push(JSON.stringify(chunks));
    }
    expect(mismatches).toEqual([]);
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
