import { Buffer } from 'node:buffer';
import type { Detector, DetectorSpan } from './detector.js';
import { tailOpen, tokenOpen } from './open-tail.js';
import { blockedOnLeft, regexDetector } from './regex-detector.js';
import { hasDigit, looksRandom } from './validators.js';

// Each pattern is bounded where a stream has to wait for it (see `maxLength`); the masked part is
// the last capture group, placed at the end of the match.

/** OpenAI API keys: `sk-`, `sk-proj-`, `sk-svcacct-`, `sk-admin-` and 20 or more random characters. */
export const openAiKeyDetector: Detector = regexDetector({
  name: 'openai',
  kind: 'secret',
  maxLength: 256,
  open: tokenOpen,
  hints: ['sk-'],
  patterns: [/sk-(?!ant-)(?:(?:proj|svcacct|admin|None)-)?[A-Za-z0-9_-]{20,}/g],
  validate: (key) => looksRandom(key.replace(/^sk-(?:proj-|svcacct-|admin-|None-)?/, '')),
});

/** Anthropic API keys: `sk-ant-` and 20 or more random characters. */
export const anthropicKeyDetector: Detector = regexDetector({
  name: 'anthropic',
  kind: 'secret',
  maxLength: 256,
  open: tokenOpen,
  hints: ['sk-ant-'],
  patterns: [/sk-ant-[A-Za-z0-9_-]{20,}/g],
  validate: (key) => looksRandom(key.slice(7)),
});

/** Google API keys: `AIza` and 35 characters. */
export const googleKeyDetector: Detector = regexDetector({
  name: 'google',
  kind: 'secret',
  maxLength: 40,
  open: tokenOpen,
  hints: ['AIza'],
  patterns: [/AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g],
});

/** AWS access key ids (`AKIA`, `ASIA` and the other documented prefixes, 20 characters). */
export const awsAccessKeyIdDetector: Detector = regexDetector({
  name: 'aws-access-key-id',
  kind: 'secret',
  label: 'SECRET:aws',
  maxLength: 21,
  open: tokenOpen,
  left: 'alphanumeric',
  patterns: [
    /(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
  ],
});

/**
 * AWS secret access keys (40 base64 characters), found by the name before them:
 * `aws_secret_access_key = ...`, `"SecretAccessKey": "..."`, `AWS_SECRET_KEY=...`.
 */
export const awsSecretKeyDetector: Detector = regexDetector({
  name: 'aws-secret-access-key',
  kind: 'secret',
  label: 'SECRET:aws',
  maxLength: 100,
  open: tailOpen(101, [
    /(?:aws_?secret_?(?:access_?)?key|secret_?access_?key)["']?\s{0,4}(?:(?:=>?|:)\s{0,4}["']?[A-Za-z0-9/+]*=?)?$/i,
  ]),
  left: 'alphanumeric',
  patterns: [
    /(?:aws_?secret_?(?:access_?)?key|secret_?access_?key)["']?\s{0,4}(?:=>|[:=])\s{0,4}["']?(?<key>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
  ],
});

/** GitHub tokens: `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` and fine-grained `github_pat_`. */
export const gitHubTokenDetector: Detector = regexDetector({
  name: 'github',
  kind: 'secret',
  maxLength: 300,
  open: tokenOpen,
  hints: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
  patterns: [/(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})(?![A-Za-z0-9_])/g],
});

/** Slack tokens (`xoxa-`, `xoxb-`, `xoxp-`, `xoxr-`) and incoming webhook URLs. */
export const slackDetector: Detector = regexDetector({
  name: 'slack',
  kind: 'secret',
  maxLength: 256,
  open: tokenOpen,
  hints: ['xox', 'hooks.slack.com'],
  patterns: [
    /xox[abpr]-[A-Za-z0-9-]{10,}/g,
    /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/+-]{10,}/g,
  ],
  validate: hasDigit,
});

function hasJwtHeader(token: string): boolean {
  const header = token.slice(0, token.indexOf('.'));
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as { alg?: unknown }).alg === 'string'
    );
  } catch {
    return false;
  }
}

// The header is taken whole (a captured lookahead, then a backreference: an atomic group), so a
// long run of base64url without the dots fails once, not once per shorter length.
const JWT = /(?=(eyJ[A-Za-z0-9_-]{8,}))\1\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/y;

/**
 * JSON Web Tokens: three base64url parts whose header decodes to JSON with an `alg`. Found from
 * each `eyJ` at a token start (an `indexOf` loop and a sticky regex): a regex searching the text
 * would try every `e`, and every inner `eyJ` of a long run (180 kB of `eyJeyJ...` took 25 s).
 *
 * @internal
 */
export const jwtDetector: Detector = {
  name: 'jwt',
  kind: 'secret',
  maxLength: 4096,
  open: tokenOpen,
  find(text) {
    const spans: DetectorSpan[] = [];
    let at = text.indexOf('eyJ');
    while (at !== -1) {
      let next = at + 3;
      if (!blockedOnLeft(text, at, 'token')) {
        JWT.lastIndex = at;
        const match = JWT.exec(text);
        if (match !== null && hasJwtHeader(match[0])) {
          spans.push({ start: at, end: at + match[0].length });
          next = at + match[0].length;
        }
      }
      at = text.indexOf('eyJ', next);
    }
    return spans;
  },
};

const PEM_BEGIN = '-----BEGIN ';
const PEM_HEADER = /(?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----/y;
const PEM_END = /-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_PARTIAL = /^[A-Z0-9 -]{0,48}$/;

/**
 * Where a private-key block may still be in progress: the first `-----BEGIN ` whose header is a
 * private key's (or could still become one) without its end line after it (within the 8,192
 * characters the detector looks for it), or the trailing token.
 */
function privateKeyOpen(text: string): number {
  let at = text.indexOf(PEM_BEGIN);
  while (at !== -1) {
    const headerAt = at + PEM_BEGIN.length;
    PEM_HEADER.lastIndex = headerAt;
    if (PEM_HEADER.test(text)) {
      const body = PEM_HEADER.lastIndex;
      PEM_END.lastIndex = body;
      const end = PEM_END.exec(text);
      if (end === null || end.index - body > 8192) return at;
      at = text.indexOf(PEM_BEGIN, end.index + end[0].length);
    } else {
      if (PEM_PARTIAL.test(text.slice(headerAt))) return at;
      at = text.indexOf(PEM_BEGIN, headerAt);
    }
  }
  return tokenOpen(text);
}

/**
 * PEM and PGP private-key blocks, from `-----BEGIN ... PRIVATE KEY-----` to the matching end line;
 * a block without its end line is masked through its last base64 line (so a truncated key, or one
 * a stream has not finished, is still hidden).
 */
export const privateKeyDetector: Detector = regexDetector({
  name: 'private-key',
  kind: 'secret',
  maxLength: 4096,
  open: privateKeyOpen,
  left: 'none',
  hints: ['-----BEGIN '],
  patterns: [
    /-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]{0,8192}?-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s\\:,-]*)/g,
  ],
});

/**
 * Credentials in `Authorization` and `Proxy-Authorization` headers (any scheme), and bearer
 * tokens standing alone (`Bearer <token>`).
 */
export const authorizationDetector: Detector = regexDetector({
  name: 'authorization',
  kind: 'secret',
  maxLength: 4096,
  // The header name (or `Bearer`) with all that follows it still a possible start of the match.
  open: tailOpen(4097, [
    /(?:proxy-)?authorization["']?\s{0,4}(?:[:=]\s{0,4}["']?(?:(?:bearer|basic|token|bot|apikey|digest)\s+)?[A-Za-z0-9._~+/:=-]*)?$/i,
    /Bearer(?:\s+[A-Za-z0-9._~+/-]*=*)?$/,
  ]),
  left: 'alphanumeric',
  hints: ['uthorization', 'UTHORIZATION', 'Bearer'],
  patterns: [
    /(?:proxy-)?authorization["']?\s{0,4}[:=]\s{0,4}["']?(?:(?:bearer|basic|token|bot|apikey|digest)\s+)?(?<credential>[A-Za-z0-9._~+/:=-]{4,})/gi,
    /Bearer\s+(?=[A-Za-z0-9._~+/-]*\d)(?<credential>[A-Za-z0-9._~+/-]{16,}=*)/g,
  ],
  // A word after the header name in prose (`Authorization: required`) is not a credential.
  validate: (value) => value.length >= 8 && !/^[a-z]+$/.test(value),
});

/**
 * The password in a URL's user information: `https://user:pass@host`, `postgres://u:p@h/db`,
 * `redis://:pass@host`.
 */
export const urlCredentialsDetector: Detector = regexDetector({
  name: 'url-credentials',
  kind: 'secret',
  maxLength: 520,
  open: tokenOpen,
  left: 'none',
  hints: ['://'],
  patterns: [/:\/\/[^\s:/?#@"'<>[\]]{0,256}:(?<password>[^\s/?#"'<>[\]]{1,256})(?=@)/g],
});

/**
 * Passwords and keys in `key=value` strings and JSON or YAML fields: `password=...`, `Pwd=...` in
 * connection strings, `"client_secret": "..."`, `api_key: ...`.
 */
export const passwordDetector: Detector = regexDetector({
  name: 'password',
  kind: 'secret',
  maxLength: 300,
  open: tailOpen(301, [
    /(?:password|passwd|pwd|secret|client_secret|secret_key|api_key|api-key|apikey|access_token|refresh_token|auth_token|private_key)["']?\s{0,4}(?:[:=]\s{0,4}(?:"[^"\s[\\]*|'[^'\s[]*|[^\s"';&,[\]{}<>\\]*))?$/i,
  ]),
  left: 'alphanumeric',
  patterns: [
    /(?:password|passwd|pwd|secret|client_secret|secret_key|api_key|api-key|apikey|access_token|refresh_token|auth_token|private_key)["']?\s{0,4}[:=]\s{0,4}(?:"(?<quoted>[^"\s[\\]{1,256})(?=")|'(?<single>[^'\s[]{1,256})(?=')|(?<bare>[^\s"';&,[\]{}<>\\]{1,256}))/gi,
  ],
});

/**
 * The built-in secret detectors, in the order they win a tie.
 *
 * @internal
 */
export const secretDetectors: readonly Detector[] = [
  privateKeyDetector,
  jwtDetector,
  anthropicKeyDetector,
  openAiKeyDetector,
  googleKeyDetector,
  awsAccessKeyIdDetector,
  awsSecretKeyDetector,
  gitHubTokenDetector,
  slackDetector,
  authorizationDetector,
  urlCredentialsDetector,
  passwordDetector,
];
