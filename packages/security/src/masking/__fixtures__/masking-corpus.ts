// Test data for the masker, built at run time: every secret-shaped value is assembled from parts
// and a seeded generator, so that no scanner finds a credential in the repository.
import { Buffer } from 'node:buffer';

/** One text holding one sensitive value. */
export interface PositiveCase {
  readonly kind: 'secret' | 'personal';
  /** The expected placeholder, such as `[SECRET:openai]`. */
  readonly placeholder: string;
  /** The sensitive part, as written in `text`; it must not survive masking. */
  readonly value: string;
  readonly text: string;
}

/** A seeded generator (mulberry32), so the corpus is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;

export function randomString(random: () => number, alphabet: string, length: number): string {
  let out = '';
  for (let index = 0; index < length; index += 1) {
    out += alphabet[Math.floor(random() * alphabet.length)];
  }
  // Random keys have all three classes; make sure short ones do too.
  if (alphabet.includes('a') && alphabet.includes('A') && alphabet.includes('0') && length >= 3) {
    out = 'aZ7' + out.slice(3);
  }
  return out;
}

const b64url = (value: string) => Buffer.from(value).toString('base64url');

function luhnComplete(body: string): string {
  for (let check = 0; check <= 9; check += 1) {
    const digits = body + String(check);
    let sum = 0;
    let double = false;
    for (let index = digits.length - 1; index >= 0; index -= 1) {
      let digit = Number(digits[index]);
      if (double) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
      sum += digit;
      double = !double;
    }
    if (sum % 10 === 0) return digits;
  }
  throw new Error('unreachable');
}

function ibanWithCheck(country: string, bban: string): string {
  const moved = `${bban}${country}00`.replace(/[A-Z]/g, (letter) =>
    String(letter.charCodeAt(0) - 55),
  );
  let remainder = 0;
  for (const digit of moved) remainder = (remainder * 10 + Number(digit)) % 97;
  return `${country}${String(98 - remainder).padStart(2, '0')}${bban}`;
}

const groups = (value: string, size: number, separator: string) =>
  value.match(new RegExp(`.{1,${size}}`, 'g'))!.join(separator);

const CONTEXTS = [
  (value: string) => `The value is ${value} and nothing else.`,
  (value: string) => `${value}`,
  (value: string) => `log: user=42 value="${value}" status=ok`,
  (value: string) => `{"note":"see ${value} here","n":1}`,
  // Right after a JSON escape: the `n` of `\n` must not hide a token's start.
  (value: string) => `{"note":"line\\n${value}\\tend"}`,
];

/** The positive corpus: every kind of secret and personal datum, in many variants. */
export function positiveCorpus(): PositiveCase[] {
  const random = seededRandom(20261207);
  const cases: PositiveCase[] = [];
  const add = (
    kind: PositiveCase['kind'],
    placeholder: string,
    values: string[],
    contexts = CONTEXTS,
  ) => {
    for (const value of values) {
      for (const context of contexts)
        cases.push({ kind, placeholder, value, text: context(value) });
    }
  };
  const many = (count: number, make: () => string) => Array.from({ length: count }, make);
  const sk = 's' + 'k-';

  add('secret', '[SECRET:openai]', [
    ...many(4, () => sk + randomString(random, ALNUM, 48)),
    ...many(4, () => sk + 'proj-' + randomString(random, ALNUM + '_-', 156)),
    ...many(2, () => sk + 'svcacct-' + randomString(random, ALNUM + '_-', 120)),
  ]);
  add('secret', '[SECRET:anthropic]', [
    ...many(4, () => sk + 'ant-' + 'api03-' + randomString(random, ALNUM + '_-', 93) + 'AA'),
    sk + 'ant-' + 'admin01-' + randomString(random, ALNUM + '_-', 80),
  ]);
  add(
    'secret',
    '[SECRET:google]',
    many(4, () => 'AI' + 'za' + randomString(random, ALNUM + '_-', 35)),
  );
  add('secret', '[SECRET:aws]', [
    ...many(3, () => 'AK' + 'IA' + randomString(random, UPPER + DIGITS, 16)),
    ...many(2, () => 'AS' + 'IA' + randomString(random, UPPER + DIGITS, 16)),
  ]);
  const awsSecret = () => randomString(random, ALNUM + '/+', 40);
  for (const template of [
    (key: string) => `aws_secret_access_key = ${key}`,
    (key: string) => `AWS_SECRET_ACCESS_KEY=${key}`,
    (key: string) => `{"AccessKeyId":"x","SecretAccessKey":"${key}"}`,
    (key: string) => `export AWS_SECRET_KEY="${key}"`,
  ]) {
    const key = awsSecret();
    cases.push({ kind: 'secret', placeholder: '[SECRET:aws]', value: key, text: template(key) });
  }
  add('secret', '[SECRET:github]', [
    ...['p', 'o', 'u', 's', 'r'].map(
      (letter) => 'gh' + letter + '_' + randomString(random, ALNUM, 36),
    ),
    'github_' + 'pat_' + randomString(random, ALNUM, 22) + '_' + randomString(random, ALNUM, 59),
  ]);
  add('secret', '[SECRET:slack]', [
    ...['b', 'p', 'a', 'r'].map(
      (letter) =>
        'xo' +
        'x' +
        letter +
        '-' +
        randomString(random, DIGITS, 12) +
        '-' +
        randomString(random, DIGITS, 12) +
        '-' +
        randomString(random, ALNUM, 24),
    ),
    'https://hooks.' +
      'slack.com/services/T' +
      randomString(random, UPPER + DIGITS, 8) +
      '/B' +
      randomString(random, UPPER + DIGITS, 8) +
      '/' +
      randomString(random, ALNUM, 24),
  ]);
  const jwt = (header: object, payload: object) =>
    `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}.${randomString(random, ALNUM + '_-', 43)}`;
  add('secret', '[SECRET:jwt]', [
    jwt({ alg: 'HS256', typ: 'JWT' }, { sub: '1234567890', name: 'Jane', iat: 1516239022 }),
    jwt({ alg: 'RS256', kid: 'k1' }, { iss: 'https://issuer.example', exp: 1900000000 }),
    jwt({ typ: 'JWT', alg: 'ES384' }, { scope: 'read write' }),
  ]);
  const pemBody = () => many(20, () => randomString(random, ALNUM + '+/', 64)).join('\n');
  for (const type of ['RSA ', '', 'EC ', 'OPENSSH ', 'ENCRYPTED ']) {
    const begin = '-----' + 'BEGIN ' + type + 'PRIVATE KEY-----';
    const end = '-----' + 'END ' + type + 'PRIVATE KEY-----';
    const block = `${begin}\n${pemBody()}\n${end}`;
    cases.push({
      kind: 'secret',
      placeholder: '[SECRET:private-key]',
      value: block,
      text: `key:\n${block}\nend`,
    });
    cases.push({
      kind: 'secret',
      placeholder: '[SECRET:private-key]',
      value: block.replace(/\n/g, '\\n'),
      text: JSON.stringify({ key: block, other: 1 }),
    });
  }
  const token = () => randomString(random, ALNUM + '._-', 40);
  for (const template of [
    (value: string) => `Authorization: Bearer ${value}`,
    (value: string) => `curl -H "Authorization: Bearer ${value}" https://api.example`,
    (value: string) => `{"headers":{"authorization":"Basic ${value}"}}`,
    (value: string) => `proxy-authorization: Digest ${value}`,
    (value: string) => `sent with Bearer ${value} yesterday`,
  ]) {
    const value = token();
    cases.push({
      kind: 'secret',
      placeholder: '[SECRET:authorization]',
      value,
      text: template(value),
    });
  }
  const basic = Buffer.from('admin:' + 'pa55-' + 'word').toString('base64');
  cases.push({
    kind: 'secret',
    placeholder: '[SECRET:authorization]',
    value: basic,
    text: `Authorization: Basic ${basic}`,
  });
  const password = () => randomString(random, ALNUM + '!$*', 14);
  for (const template of [
    (value: string) => `https://admin:${value}@example.com/path`,
    (value: string) => `postgres://app:${value}@db.internal:5432/app`,
    (value: string) => `redis://:${value}@cache:6379/0`,
    (value: string) => `mongodb+srv://svc:${value}@cluster0.example.net/?retryWrites=true`,
  ]) {
    const value = password();
    cases.push({
      kind: 'secret',
      placeholder: '[SECRET:url-credentials]',
      value,
      text: template(value),
    });
  }
  for (const template of [
    (value: string) => `Server=db;Database=app;User Id=sa;Password=${value};`,
    (value: string) => `password=${value}`,
    (value: string) => `{"user":"bob","password":"${value}"}`,
    (value: string) => `host=db user=app pwd=${value} dbname=x`,
    (value: string) => `client_secret: '${value}'`,
    (value: string) => `api_key=${value}&format=json`,
  ]) {
    const value = password();
    cases.push({ kind: 'secret', placeholder: '[SECRET:password]', value, text: template(value) });
  }

  add('personal', '[EMAIL]', [
    'alice@example.com',
    'bob.smith+tag@mail.example.co.uk',
    'x_y-z@sub.domain.example.org',
    'first.last@example.io',
    'UPPER.Case@Example.COM',
  ]);
  add('personal', '[PHONE]', [
    '+1 415 555 0132',
    '+44 20 7946 0958',
    '+49 30 12345678',
    '+33 1 23 45 67 89',
    '+14155550132',
    '(415) 555-0132',
    '415-555-0132',
    '415.555.0132',
    '1-800-555-0199',
    '020 7946 0958',
    '01 23 45 67 89',
    '030 12345678',
  ]);
  add('personal', '[CARD]', [
    luhnComplete('411111111111111'),
    groups(luhnComplete('555555555555444'), 4, ' '),
    groups(luhnComplete('401288888888188'), 4, '-'),
    luhnComplete('37828224631000'),
    luhnComplete('601111111111111'),
    luhnComplete('353011133330000'),
    luhnComplete('620000000000000000'),
  ]);
  add('personal', '[IBAN]', [
    ibanWithCheck('GB', 'WEST12345698765432'),
    groups(ibanWithCheck('GB', 'NWBK60161331926819'), 4, ' '),
    ibanWithCheck('DE', '370400440532013000'),
    groups(ibanWithCheck('FR', '20041010050500013M02606'), 4, ' '),
    ibanWithCheck('NL', 'ABNA0417164300'),
  ]);
  add('personal', '[SSN]', ['536-22-1234', '078-05-1121', '123 45 6780', '899-99-0001']);
  add('personal', '[IP]', [
    '192.168.1.20',
    '8.8.8.8',
    '10.0.0.255',
    '2001:db8::8a2e:370:7334',
    'fe80::1ff:fe23:4567:890a',
    '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
    '::ffff:192.0.2.1',
  ]);

  // Evasions: normalisation and escapes.
  const zeroWidthKey =
    sk + 'proj-' + randomString(random, ALNUM, 30) + '\u200b' + randomString(random, ALNUM, 30);
  cases.push({
    kind: 'secret',
    placeholder: '[SECRET:openai]',
    value: zeroWidthKey,
    text: `key ${zeroWidthKey} end`,
  });
  const softHyphenKey =
    'gh' + 'p_' + randomString(random, ALNUM, 20) + '\u00ad' + randomString(random, ALNUM, 16);
  cases.push({
    kind: 'secret',
    placeholder: '[SECRET:github]',
    value: softHyphenKey,
    text: `token ${softHyphenKey}`,
  });
  const fullwidthCard = luhnComplete('411111111111111').replace(/\d/g, (digit) =>
    String.fromCharCode(0xff10 + Number(digit)),
  );
  cases.push({
    kind: 'personal',
    placeholder: '[CARD]',
    value: fullwidthCard,
    text: `card ${fullwidthCard} thanks`,
  });
  cases.push({
    kind: 'personal',
    placeholder: '[EMAIL]',
    value: 'carol\\u0040example.com',
    text: '{"to":"carol\\u0040example.com"}',
  });
  cases.push({
    kind: 'personal',
    placeholder: '[EMAIL]',
    value: 'dave%40example.com',
    text: 'https://app.example/invite?to=dave%40example.com&x=1',
  });
  const escapedUrl =
    'https:\\/\\/hooks.' +
    'slack.com\\/services\\/T0000' +
    'AAAA\\/B1111BBBB\\/' +
    randomString(random, ALNUM, 24);
  cases.push({
    kind: 'secret',
    placeholder: '[SECRET:slack]',
    value: escapedUrl.slice(escapedUrl.lastIndexOf('/') + 1),
    text: `{"hook":"${escapedUrl}"}`,
  });
  const zeroWidthEmail = 'erin\u200d@exam\u2060ple.com';
  cases.push({
    kind: 'personal',
    placeholder: '[EMAIL]',
    value: zeroWidthEmail,
    text: `mail ${zeroWidthEmail}`,
  });
  return cases;
}

/** The negative corpus: text that looks like something but holds nothing to mask. */
export function negativeCorpus(): string[] {
  const random = seededRandom(7);
  const hex = (length: number) => randomString(random, '0123456789abcdef', length);
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  const texts: string[] = [];
  for (let index = 0; index < 10; index += 1) texts.push(`request ${uuid()} accepted`);
  for (let index = 0; index < 10; index += 1) texts.push(`commit ${hex(40)} on main`);
  for (let index = 0; index < 5; index += 1) texts.push(`sha256:${hex(64)}`);
  for (let index = 0; index < 5; index += 1) texts.push(`short sha ${hex(7)} fixed it`);
  texts.push(
    '2024-01-15',
    '2024-01-15T12:30:45Z',
    '2024-01-15T12:30:45.123+02:00',
    'on 15/01/2024 at 12:30:45',
    '01/02/2024',
    'at 09:30 on 2024-06-01',
    'Order ORD-2024-000123 shipped',
    'order #100234 and #100235',
    'invoice INV-555-123-4567',
    'ticket JIRA-12345',
    'version 1.2.3',
    'v2.10.0-beta.1',
    'node 20.19.0 and typescript 5.6.3',
    'OID 1.3.6.1.4.1.311',
    'build 2024.01.15.1',
    'card ' + '4111 1111 1111 1112',
    'number ' + '5555555555554443',
    'iban ' + 'GB82 WEST 1234 5698 7654 33',
    'iban ' + 'DE89370400440532013001',
    'we use ' + 'sk-' + 'test keys in prose',
    'the prefix ' + 'sk-' + 'ant- names Anthropic keys',
    'AIza is how Google keys start',
    'set the password in the vault',
    'rotate the token weekly',
    'Authorization: required',
    'Bearer tokens are described in RFC 6750',
    'the secret sauce',
    'md5 ' + hex(32),
    'timestamp 1733600000000',
    'user id 1234567890',
    'id 5551234567 in table',
    'count 100000000000000',
    'SSN-like 000-12-3456',
    'SSN-like 666-12-3456',
    'SSN-like 900-12-3456',
    'SSN-like 123-00-4567',
    'ip-like 256.1.1.1',
    'ip-like 1.2.3.4.5',
    'time 12:30:45',
    'mac 00:1a:2b:3c:4d:5e',
    'std::vector<int>',
    'npm i @agentry/core',
    'contact us at support at example dot com',
    'price 1,234.56 USD',
    'coords 51.5074, -0.1278',
    'range 10-20-30',
    'PR #4521 merged',
    'ratio 16:9',
    'port 127.0.0.1:8080'.replace('127.0.0.1', 'localhost'),
    'https://example.com/path?q=1',
    'postgres://db.internal:5432/app',
    'eyJ is how JSON in base64 starts',
    'header.payload.signature',
    'a-b-c-d-e-f-g',
    'phone-like 2024 0115 1230',
    'Python 3.12.1 released 2023-12-07',
    'ISBN 978-3-16-148410-0',
  );
  // Clean log lines in the shapes of the benchmark's: ids, times, paths, durations, versions.
  const levels = ['INFO', 'WARN', 'DEBUG', 'ERROR'];
  for (let index = 0; index < 100; index += 1) {
    const minute = String(index % 60).padStart(2, '0');
    const amount = (random() * 10000).toFixed(2);
    texts.push(
      `2026-12-07T12:${minute}:05.${String(index).padStart(3, '0')}Z ${levels[index % 4]} ` +
        `request=${uuid()} path=/api/v${(index % 3) + 1}/orders/${Math.floor(random() * 1e6)} ` +
        `status=${200 + (index % 5)} took=${Math.floor(random() * 900)}ms total=${amount} ` +
        `build=${hex(12)} version=${index % 7}.${index % 13}.${index % 5}`,
    );
  }
  return texts;
}
