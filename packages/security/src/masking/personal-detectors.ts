import { isIPv6 } from 'node:net';
import type { Detector, DetectorSpan } from './detector.js';
import { tailOpen, tokenOpen } from './open-tail.js';
import { blockedOnLeft, regexDetector } from './regex-detector.js';
import { isPossibleSsn, passesIbanCheck, passesLuhn } from './validators.js';

const isLocalPart = (code: number): boolean =>
  (code >= 48 && code <= 57) ||
  (code >= 65 && code <= 90) ||
  (code >= 97 && code <= 122) ||
  code === 46 ||
  code === 95 ||
  code === 43 ||
  code === 45 ||
  code === 37;

const DOMAIN =
  /(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])/y;

/**
 * Email addresses. Found from each `@` outwards (an `indexOf` loop, not a regex that would try
 * every word character as a start): a local part before it, a dotted domain with a letter TLD after.
 *
 * @internal
 */
export const emailDetector: Detector = {
  name: 'email',
  kind: 'personal',
  maxLength: 320,
  open: tokenOpen,
  find(text) {
    const spans: DetectorSpan[] = [];
    let at = text.indexOf('@');
    while (at !== -1) {
      let start = at;
      while (start > 0 && at - start < 64 && isLocalPart(text.charCodeAt(start - 1))) start -= 1;
      while (start < at && text.charCodeAt(start) === 46) start += 1;
      let next = at + 1;
      if (start < at) {
        DOMAIN.lastIndex = at + 1;
        const domain = DOMAIN.exec(text);
        if (domain !== null) {
          next = at + 1 + domain[0].length;
          spans.push({ start, end: next });
        }
      }
      at = text.indexOf('@', next);
    }
    return spans;
  },
};

const digitCount = (value: string): number => value.replace(/\D/g, '').length;

/**
 * Phone numbers: international (`+` and 8 to 15 digits, with spaces, dots, dashes or brackets),
 * North American (`(415) 555-0132`, `415-555-0132`, `415.555.0132`, with area and exchange codes
 * starting 2-9) and national numbers with a trunk `0` written in groups (`020 7946 0958`,
 * `01 23 45 67 89`, `030 12345678`). A bare run of digits is not taken for a phone number (it is
 * more often an id), nor are dates, which these group shapes do not fit.
 *
 * @internal
 */
export const phoneDetector: Detector = regexDetector({
  name: 'phone',
  kind: 'personal',
  maxLength: 32,
  // A search reads at most 59 characters (`+` and 14 digits each with a bracket and a separator).
  open: tailOpen(64, [/[+(\d][\d ./()+-]*$/]),
  left: 'token',
  patterns: [
    /\+[1-9](?:[ .-]?\(?\d\)?){7,14}(?![\d-])/g,
    // The forms with a leading `1` are patterns of their own: a pattern starting with an optional
    // group loses the regex's fast scan for its first character (this detector was the slowest
    // on logs). Overlapping finds are merged by the masker.
    /[2-9]\d\d([-. ])[2-9]\d\d\1\d{4}(?![\d-]|\.\d)/g,
    /1[ .-][2-9]\d\d([-. ])[2-9]\d\d\1\d{4}(?![\d-]|\.\d)/g,
    /\([2-9]\d{2}\) ?[2-9]\d{2}[-. ]\d{4}(?![\d-]|\.\d)/g,
    /1[ .-]?\([2-9]\d{2}\) ?[2-9]\d{2}[-. ]\d{4}(?![\d-]|\.\d)/g,
    /0[1-9]\d{0,3}(?:(?:[ -]\d{2,4}){2,4}|[ /-]\d{4,8})(?![\d-]|\.\d)/g,
  ],
  validate: (value) => {
    const digits = digitCount(value);
    return value.startsWith('+') ? digits >= 8 && digits <= 15 : digits >= 9 && digits <= 13;
  },
});

const DIGIT_GROUPS_OPEN = /\d(?:[ -]?\d)*[ -]?$/;

function isCard(value: string): boolean {
  const separators = value.replace(/\d/g, '');
  // One kind of separator, if any: `4111 1111-1111 1111` is not how a card number is written.
  if (separators.length > 0 && separators !== separators[0]!.repeat(separators.length)) {
    return false;
  }
  const digits = value.replace(/\D/g, '');
  const first = digits.charCodeAt(0) - 48;
  // Issuer numbers start 2-6 (Mastercard, Visa, Amex, Discover, JCB, UnionPay, ...); an id or a
  // millisecond timestamp starting 1 is not a card.
  if (first < 2 || first > 6) return false;
  if (/^(\d)\1+$/.test(digits)) return false;
  return passesLuhn(digits);
}

/** Payment card numbers: 13 to 19 digits, spaces or dashes between, Luhn-valid. @internal */
export const cardDetector: Detector = regexDetector({
  name: 'card',
  kind: 'personal',
  maxLength: 40,
  // Digit groups with single separators reaching the end (a search reads at most 32 characters).
  open: tailOpen(48, [DIGIT_GROUPS_OPEN]),
  left: 'token',
  // Four digits first (every card number starts so) and no lookbehind: the left boundary is
  // checked in code, which keeps the regex's fast scan for a digit (about 2x faster on logs).
  patterns: [/\d\d\d\d[ -]?\d\d\d\d(?:[ -]?\d){5,11}(?![\w-])/g],
  validate: isCard,
});

/** US Social Security numbers written `123-45-6789` or `123 45 6789`, with the SSA's rules. @internal */
export const ssnDetector: Detector = regexDetector({
  name: 'ssn',
  kind: 'personal',
  maxLength: 12,
  open: tailOpen(16, [DIGIT_GROUPS_OPEN]),
  left: 'token',
  patterns: [/\d{3}([- ])\d{2}\1\d{4}(?![\d-])/g],
  validate: (value) => isPossibleSsn(value.slice(0, 3), value.slice(4, 6), value.slice(7)),
});

// No lookbehind: the left boundary is checked in code, which also lets an IBAN follow an escape.
const IBAN = /[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])/g;

/**
 * IBANs, compact or in groups of four, whose ISO 13616 check digits hold (mod 97). When the
 * greedy match takes a following word as a group, shorter forms are tried.
 *
 * @internal
 */
export const ibanDetector: Detector = {
  name: 'iban',
  kind: 'personal',
  maxLength: 44,
  open: tailOpen(48, [/[A-Z]{2}\d{2}[A-Z0-9 ]*$/]),
  find(text) {
    const spans: DetectorSpan[] = [];
    IBAN.lastIndex = 0;
    let match: RegExpExecArray | null;
    while ((match = IBAN.exec(text)) !== null) {
      if (blockedOnLeft(text, match.index, 'alphanumeric')) continue;
      let candidate = match[0];
      for (;;) {
        if (passesIbanCheck(candidate.replace(/ /g, ''))) {
          spans.push({ start: match.index, end: match.index + candidate.length });
          break;
        }
        const space = candidate.lastIndexOf(' ');
        if (space < 4) break;
        candidate = candidate.slice(0, space);
      }
    }
    return spans;
  },
};

const isOctet = (octet: string): boolean =>
  Number(octet) <= 255 && (octet.length === 1 || octet.charCodeAt(0) !== 48);

/** IPv4 addresses (four octets of at most 255; not part of a longer dotted number). @internal */
export const ipv4Detector: Detector = regexDetector({
  name: 'ipv4',
  kind: 'personal',
  label: 'IP',
  maxLength: 16,
  open: tokenOpen,
  left: 'dotted',
  patterns: [/\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?!\.?\d)/g],
  validate: (value) => value.split('.').every(isOctet),
});

const isHexOrColon = (code: number): boolean =>
  (code >= 48 && code <= 58) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);

function isIpv6Candidate(value: string): boolean {
  if (value.length < 3 || !/[0-9A-Fa-f]/.test(value)) return false;
  // Not compressed and fewer than eight groups: a time (12:30:45) or a MAC address.
  if (!value.includes('::') && value.split(':').length !== 8) return false;
  return isIPv6(value);
}

/**
 * IPv6 addresses, full or compressed (`2001:db8::8a2e:370:7334`, `::1`, `::ffff:192.0.2.1`),
 * checked by Node's parser; a run of colon groups that is not compressed and has fewer than eight
 * groups (a time, a MAC address) is not taken. Found from each `:` outwards (an `indexOf` loop),
 * since a regex would try every hex digit of a text as a start.
 *
 * @internal
 */
export const ipv6Detector: Detector = {
  name: 'ipv6',
  kind: 'personal',
  label: 'IP',
  maxLength: 48,
  open: tokenOpen,
  find(text) {
    const spans: DetectorSpan[] = [];
    let colon = text.indexOf(':');
    while (colon !== -1) {
      let start = colon;
      while (start > 0 && colon - start < 48 && isHexOrColon(text.charCodeAt(start - 1)))
        start -= 1;
      let end = colon + 1;
      while (end < text.length && end - start < 48) {
        const code = text.charCodeAt(end);
        // Dots only in a trailing IPv4 part (::ffff:192.0.2.1).
        if (isHexOrColon(code) || (code === 46 && end > colon + 1)) end += 1;
        else break;
      }
      while (end > colon + 1 && text.charCodeAt(end - 1) === 46) end -= 1;
      let colons = 0;
      for (let index = start; index < end && colons < 2; index += 1) {
        if (text.charCodeAt(index) === 58) colons += 1;
      }
      const after = end < text.length ? text.charCodeAt(end) : 32;
      const wordAfter =
        (after >= 48 && after <= 57) ||
        (after >= 65 && after <= 90) ||
        (after >= 97 && after <= 122) ||
        after === 95;
      if (colons >= 2 && !wordAfter && !blockedOnLeft(text, start, 'token')) {
        const candidate = text.slice(start, end);
        if (isIpv6Candidate(candidate)) spans.push({ start, end });
      }
      colon = text.indexOf(':', end);
    }
    return spans;
  },
};

/**
 * The built-in personal-data detectors, in the order they win a tie.
 *
 * @internal
 */
export const personalDetectors: readonly Detector[] = [
  emailDetector,
  cardDetector,
  ibanDetector,
  ssnDetector,
  phoneDetector,
  ipv6Detector,
  ipv4Detector,
];
