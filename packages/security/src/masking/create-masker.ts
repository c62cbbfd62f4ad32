import { createHmac } from 'node:crypto';
import { AgentryError, type MaskContext, type Masker } from '@agentry/core';
import { defaultDetectors } from './default-detectors.js';
import type { Detector } from './detector.js';
import {
  labelOf,
  replaceFindings,
  scanText,
  type DetectorSet,
  type Finding,
} from './mask-engine.js';

/**
 * Pseudonyms instead of plain placeholders: a match becomes `[EMAIL:3f9a1c2b]`, the first 8 hex
 * digits of HMAC-SHA-256 over the tenant, the label and the normalised match. The same value in
 * the same tenant always gives the same pseudonym (so log lines can be correlated), a different
 * tenant a different one, and without the key nobody can test a guess.
 *
 * @example
 * ```ts
 * import { createMasker, type PseudonymOptions } from '@agentry/security';
 *
 * const pseudonyms: PseudonymOptions = { key: process.env.MASK_KEY ?? 'dev-only-key', tenant: 'acme' };
 * const masker = createMasker({ pseudonyms });
 * console.log(masker.mask('a@b.example', { purpose: 'log' })); // '[EMAIL:........]'
 * ```
 */
export interface PseudonymOptions {
  /** The HMAC key (keep it secret; at least 16 bytes of randomness). */
  readonly key: string | Uint8Array;
  /** The tenant pseudonyms are computed for, when `tenantOf` gives none; `''` when left out. */
  readonly tenant?: string;
  /** The tenant of a value from its mask context (for example from its agent id). */
  readonly tenantOf?: (context: MaskContext) => string | undefined;
}

/**
 * Options of {@link createMasker} and {@link createStreamMasker}.
 *
 * @example
 * ```ts
 * import { createMasker, type MaskerOptions } from '@agentry/security';
 *
 * const options: MaskerOptions = { include: ['secret', 'email'], exclude: ['ipv4'] };
 * console.log(createMasker(options).mask('ip 10.0.0.1, a@b.example', { purpose: 'log' }));
 * ```
 */
export interface MaskerOptions {
  /** The detectors to run, in order of precedence; {@link defaultDetectors} when left out. */
  readonly detectors?: readonly Detector[];
  /**
   * Keeps only detectors with these names or kinds (`'secret'`, `'personal'`); all when left out.
   */
  readonly include?: readonly string[];
  /** Drops detectors with these names or kinds. */
  readonly exclude?: readonly string[];
  /** Writes keyed pseudonyms (`[EMAIL:3f9a1c2b]`) instead of plain placeholders (`[EMAIL]`). */
  readonly pseudonyms?: PseudonymOptions;
  /**
   * Object keys whose string values are masked whole as `[SECRET:field]`, compared without case,
   * `_` or `-` (`apiKey` matches `api_key`). Defaults to password, secret, token, api key,
   * authorization and cookie names; `[]` turns it off.
   */
  readonly sensitiveFields?: readonly string[];
}

/**
 * A {@link Masker} from {@link createMasker}, with `maskText` for plain strings.
 *
 * @example
 * ```ts
 * import { createMasker, type TextMasker } from '@agentry/security';
 *
 * const masker: TextMasker = createMasker();
 * console.log(masker.maskText('call +44 20 7946 0958')); // 'call [PHONE]'
 * ```
 */
export interface TextMasker extends Masker {
  /** `text` with its secrets and personal data replaced by placeholders; the same string when clean. */
  maskText(text: string, context?: MaskContext): string;
}

const DEFAULT_SENSITIVE_FIELDS = [
  'password',
  'passwd',
  'pwd',
  'secret',
  'clientSecret',
  'secretKey',
  'secretAccessKey',
  'privateKey',
  'apiKey',
  'token',
  'accessToken',
  'refreshToken',
  'authToken',
  'idToken',
  'authorization',
  'proxyAuthorization',
  'cookie',
  'setCookie',
];
const fieldKey = (name: string): string => name.replace(/[-_]/g, '').toLowerCase();
const LABEL = /^[A-Z][A-Z0-9_-]*(?::[a-z0-9-]+)?$/;
const MAX_DEPTH = 64;
const NO_CONTEXT: MaskContext = { purpose: 'log' };

function invalid(path: string, message: string, suggestion: string): AgentryError {
  return new AgentryError({
    code: 'config_invalid',
    message,
    details: { path },
    suggestions: [suggestion],
  });
}

/** Checks and selects the detectors of `options`. @internal */
export function detectorSetOf(options: MaskerOptions): DetectorSet {
  const all = options.detectors ?? defaultDetectors;
  const matches = (detector: Detector, selectors: readonly string[]) =>
    selectors.includes(detector.name) || selectors.includes(detector.kind);
  const detectors = all.filter(
    (detector) =>
      (options.include === undefined || matches(detector, options.include)) &&
      (options.exclude === undefined || !matches(detector, options.exclude)),
  );
  for (const detector of detectors) {
    const label = labelOf(detector);
    if (!LABEL.test(label)) {
      throw invalid(
        `detectors.${detector.name}.label`,
        `Detector '${detector.name}' has label '${label}', which is not a valid placeholder label.`,
        'Use upper-case letters, digits, _ and -, optionally followed by : and a lower-case name (SECRET:my-service).',
      );
    }
    if (!Number.isInteger(detector.maxLength) || detector.maxLength < 1) {
      throw invalid(
        `detectors.${detector.name}.maxLength`,
        `Detector '${detector.name}' has maxLength ${String(detector.maxLength)}; it must be a positive integer.`,
        'Set maxLength to the longest text one match can span.',
      );
    }
  }
  return {
    detectors,
    labels: detectors.map(labelOf),
    maxLength: detectors.reduce((longest, detector) => Math.max(longest, detector.maxLength), 0),
  };
}

/** Builds the function writing a finding's placeholder for a context. @internal */
export function placeholderWriter(
  options: MaskerOptions,
): (context: MaskContext) => (finding: Finding) => string {
  const pseudonyms = options.pseudonyms;
  if (pseudonyms === undefined) return () => (finding) => `[${finding.label}]`;
  const key = pseudonyms.key;
  if ((typeof key !== 'string' && !(key instanceof Uint8Array)) || key.length === 0) {
    throw invalid(
      'pseudonyms.key',
      'pseudonyms.key must be a non-empty string or Uint8Array.',
      'Pass a secret key of at least 16 random bytes, kept outside the code.',
    );
  }
  return (context) => {
    const tenant = pseudonyms.tenantOf?.(context) ?? pseudonyms.tenant ?? '';
    return (finding) => {
      const digest = createHmac('sha256', key)
        .update(`${tenant}\u0000${finding.label}\u0000${finding.value}`)
        .digest('hex');
      return `[${finding.label}:${digest.slice(0, 8)}]`;
    };
  };
}

/**
 * Creates the masker security provides as core's `services.masker`: it finds secrets (API keys of
 * OpenAI, Anthropic, Google, AWS, GitHub and Slack, JWTs, private keys, authorization headers,
 * passwords in URLs and connection strings) and personal data (emails, phone numbers, Luhn-valid
 * card numbers, mod-97-valid IBANs, US SSNs, IPv4 and IPv6 addresses) and replaces each with a
 * typed placeholder such as `[EMAIL]` or `[SECRET:openai]`, or a keyed pseudonym.
 *
 * Matching sees the text NFKC-normalised, without zero-width characters and with `\uXXXX`, `\/`
 * and `%XX` escapes decoded, so `a\u0040b.example` and a key with a zero-width space inside are
 * caught; the placeholder replaces the original characters, so a JSON text stays valid JSON.
 * Text with nothing found is returned as the same string; pure ASCII without escapes is matched
 * without a copy. Masking is idempotent: placeholders are never matched again.
 *
 * `mask` masks a string in place and copies arrays, plain objects (keys included) and errors
 * (keeping their class) with their strings masked
 * (values under the keys in `sensitiveFields` masked whole; cycles kept; a value nested deeper
 * than 64 levels becomes `'[MASKED]'`); it returns other values (numbers, dates, class instances)
 * as they are, and never throws.
 *
 * @throws AgentryError `config_invalid` when a detector's label or maxLength is invalid, or the
 *   pseudonym key is empty
 * @example
 * ```ts
 * import { createMasker } from '@agentry/security';
 *
 * const masker = createMasker();
 * const key = ['sk', 'proj', 'Ab3dEf6hIj9kLm2nOp5qRs8t'].join('-');
 * console.log(masker.maskText(`key ${key} for a@b.example`)); // 'key [SECRET:openai] for [EMAIL]'
 * console.log(masker.mask({ user: { email: 'a@b.example' }, password: 'hunter2' }, { purpose: 'log' }));
 * // { user: { email: '[EMAIL]' }, password: '[SECRET:field]' }
 * ```
 */
export function createMasker(options: MaskerOptions = {}): TextMasker {
  const set = detectorSetOf(options);
  const writerFor = placeholderWriter(options);
  const plainWriter = options.pseudonyms === undefined ? writerFor(NO_CONTEXT) : undefined;
  const sensitive = new Set((options.sensitiveFields ?? DEFAULT_SENSITIVE_FIELDS).map(fieldKey));

  const maskString = (text: string, write: (finding: Finding) => string): string => {
    const { findings } = scanText(text, set);
    return findings.length === 0 ? text : replaceFindings(text, findings, write);
  };

  const fieldFinding = (value: string): Finding => ({
    start: 0,
    end: value.length,
    label: 'SECRET:field',
    kind: 'secret',
    value,
  });

  const maskValue = (
    value: unknown,
    write: (finding: Finding) => string,
    depth: number,
    seen: Map<object, unknown>,
  ): unknown => {
    // Beyond MAX_DEPTH a value is cut off rather than returned unmasked.
    if (typeof value === 'string') return maskString(value, write);
    if (typeof value !== 'object' || value === null) return value;
    if (depth >= MAX_DEPTH) return '[MASKED]';
    const done = seen.get(value);
    if (done !== undefined) return done;
    if (Array.isArray(value)) {
      const copy: unknown[] = [];
      seen.set(value, copy);
      for (const item of value) copy.push(maskValue(item, write, depth + 1, seen));
      return copy;
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (value instanceof Error) {
      // An error keeps its class (`instanceof`, AgentryError's marker); its message, stack,
      // details and cause are masked like any value.
      const copy = Object.create(prototype as object) as Error;
      seen.set(value, copy);
      for (const name of Reflect.ownKeys(value)) {
        const descriptor = Object.getOwnPropertyDescriptor(value, name)!;
        if ('value' in descriptor) {
          descriptor.value = maskValue(descriptor.value, write, depth + 1, seen);
          Object.defineProperty(copy, name, descriptor);
        } else {
          // An accessor (newer V8 makes `stack` one on each error): its value, read from the
          // original, is masked and kept as a plain property; the getter would read nothing on
          // the copy.
          Object.defineProperty(copy, name, {
            value: maskValue(Reflect.get(value, name) as unknown, write, depth + 1, seen),
            writable: true,
            enumerable: descriptor.enumerable ?? false,
            configurable: true,
          });
        }
      }
      return copy;
    }
    if (prototype !== Object.prototype && prototype !== null) return value;
    // Registered before its fields are masked, so a cycle points at the copy.
    const copy = (prototype === null ? Object.create(null) : {}) as Record<string, unknown>;
    seen.set(value, copy);
    for (const [name, item] of Object.entries(value)) {
      // Keys are masked too: an email or an IP address is often a key in a map.
      const key = maskString(name, write);
      if (typeof item === 'string' && item.length > 0 && sensitive.has(fieldKey(name))) {
        const whole = maskString(item, write);
        copy[key] =
          whole.startsWith('[') && whole.endsWith(']') ? whole : write(fieldFinding(item));
      } else {
        copy[key] = maskValue(item, write, depth + 1, seen);
      }
    }
    return copy;
  };

  const writerOf = (context: MaskContext | undefined) =>
    plainWriter ?? writerFor(context ?? NO_CONTEXT);

  return {
    mask<T>(value: T, context: MaskContext): T {
      try {
        const write = writerOf(context);
        if (typeof value === 'string') return maskString(value, write) as T;
        return maskValue(value, write, 0, new Map()) as T;
      } catch {
        // Never throw on a value (a getter that throws, a tenantOf bug): hide it instead of
        // letting it out unmasked.
        return (typeof value === 'object' || typeof value === 'string' ? '[MASKED]' : value) as T;
      }
    },
    maskText(text: string, context?: MaskContext): string {
      return maskString(text, writerOf(context));
    },
  };
}
