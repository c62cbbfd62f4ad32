import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { randomString, seededRandom } from './__fixtures__/masking-corpus.js';
import { defaultDetectors } from './default-detectors.js';
import type { Detector } from './detector.js';
import { normalizeText } from './normalize-text.js';
import { isPossibleSsn, passesIbanCheck, passesLuhn } from './validators.js';

const detector = (name: string): Detector => defaultDetectors.find((item) => item.name === name)!;
// Distinct finds (two patterns of one detector may find the same span; the masker merges them).
const found = (name: string, text: string): string[] => [
  ...new Set([...detector(name).find(text)].map((span) => text.slice(span.start, span.end))),
];
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const random = seededRandom(11);

describe('validators', () => {
  it('checks Luhn, mod 97 and the SSN rules', () => {
    expect(passesLuhn('4111111111111111')).toBe(true);
    expect(passesLuhn('4111111111111112')).toBe(false);
    expect(passesIbanCheck('GB82WEST12345698765432')).toBe(true);
    expect(passesIbanCheck('GB82WEST12345698765433')).toBe(false);
    expect(passesIbanCheck('GB82')).toBe(false);
    expect(isPossibleSsn('536', '22', '1234')).toBe(true);
    for (const [area, group, serial] of [
      ['000', '22', '1234'],
      ['666', '22', '1234'],
      ['900', '22', '1234'],
      ['536', '00', '1234'],
      ['536', '22', '0000'],
      ['078', '05', '1120'],
    ] as const) {
      expect(isPossibleSsn(area, group, serial)).toBe(false);
    }
  });
});

describe('defaultDetectors', () => {
  it('have unique names and bounded lengths', () => {
    const names = defaultDetectors.map((item) => item.name);
    expect(new Set(names).size).toBe(names.length);
    for (const item of defaultDetectors) expect(item.maxLength).toBeGreaterThan(0);
  });

  it('take a JWT only when its header decodes to JSON with an alg', () => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const signature = randomString(random, ALNUM, 43);
    const token = `${part({ alg: 'HS256' })}.${part({ sub: 'x' })}.${signature}`;
    expect(found('jwt', `t=${token};`)).toEqual([token]);
    expect(found('jwt', `${part({ typ: 'JWT' })}.${part({ sub: 'x' })}.${signature}`)).toEqual([]);
    expect(found('jwt', `eyJ${randomString(random, ALNUM, 20)}.abc.def`)).toEqual([]);
  });

  it('take keys only with random-looking bodies and at word starts', () => {
    const body = randomString(random, ALNUM, 48);
    expect(found('openai', `${'s' + 'k-'}${body}`)).toEqual([`${'s' + 'k-'}${body}`]);
    expect(found('openai', `${'s' + 'k-'}this-is-not-a-real-key-at-all`)).toEqual([]);
    expect(found('openai', `task-${body}`)).toEqual([]);
    expect(
      found(
        'aws-access-key-id',
        `X${'AK' + 'IA'}${randomString(random, 'ABCDEFGHIJ0123456789', 16)}`,
      ),
    ).toEqual([]);
  });

  it('mask only the credential of a header, a URL or a key=value pair', () => {
    const secret = randomString(random, ALNUM, 20);
    expect(found('authorization', `Authorization: Bearer ${secret}`)).toEqual([secret]);
    expect(found('url-credentials', `https://user:${secret}@host.example/x`)).toEqual([secret]);
    expect(found('url-credentials', 'http://host.example:8080/path@x')).toEqual([]);
    expect(found('password', `{"password": "${secret}"}`)).toEqual([secret]);
    expect(found('password', 'max_tokens=100 secret_santa=yes')).toEqual([]);
  });

  it('tell phone numbers from dates, times and ids', () => {
    expect(found('phone', 'call (415) 555-0132 or +44 20 7946 0958')).toEqual([
      '+44 20 7946 0958',
      '(415) 555-0132',
    ]);
    for (const text of [
      '2024-01-15',
      '12:30:45',
      'id 4155550132',
      'ORD-415-555-0132',
      '01/02/2024',
    ]) {
      expect(found('phone', text)).toEqual([]);
    }
  });

  it('take card numbers and IBANs only when their check digits hold', () => {
    expect(found('card', 'pay 4111-1111-1111-1111.')).toEqual(['4111-1111-1111-1111']);
    expect(found('card', 'pay 4111-1111-1111-1112')).toEqual([]);
    expect(found('card', 'mixed 4111 1111-1111 1111')).toEqual([]);
    expect(found('card', 'ts 1733600000000 and 0000000000000000')).toEqual([]);
    expect(found('iban', 'to GB82 WEST 1234 5698 7654 32 TODAY')).toEqual([
      'GB82 WEST 1234 5698 7654 32',
    ]);
    expect(found('iban', 'to GB82 WEST 1234 5698 7654 33')).toEqual([]);
  });

  it('take IP addresses, not versions, times or MAC addresses', () => {
    expect(found('ipv4', 'from 10.0.0.1, to 255.255.255.255')).toEqual([
      '10.0.0.1',
      '255.255.255.255',
    ]);
    expect(found('ipv4', '256.1.1.1 1.2.3.4.5 v1.2.3 01.02.03.04')).toEqual([]);
    expect(found('ipv6', 'at 2001:db8::1, ::1 and fe80::1%eth0')).toEqual([
      '2001:db8::1',
      '::1',
      'fe80::1',
    ]);
    expect(found('ipv6', '12:30:45 00:1a:2b:3c:4d:5e std::vector')).toEqual([]);
  });
});

describe('normalizeText', () => {
  it('leaves ASCII without escapes alone and maps changes back to the original', () => {
    expect(normalizeText('plain text 100% sure')).toBeUndefined();
    expect(normalizeText('a\\\\u0040b')).toBeUndefined();
    const original = 'x\\u0040y ｚ\u200bw %41 \\/ é';
    const view = normalizeText(original)!;
    expect(view.text).toBe('x@y zw A / é');
    for (let index = 0; index < view.text.length; index += 1) {
      const start = view.originalStart(index);
      const end = view.originalEnd(index);
      expect(start).toBeLessThan(end);
      // Each view character comes from a range that, normalised alone, gives it back.
      const piece = normalizeText(original.slice(start, end))?.text ?? original.slice(start, end);
      expect(piece.replace(/\u200b/g, '')).toContain(view.text[index]);
    }
  });
});
