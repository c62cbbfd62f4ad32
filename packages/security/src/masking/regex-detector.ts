import type { Detector, DetectorKind, DetectorSpan } from './detector.js';

/** Which characters may not stand right before a match (the match would be inside a word). */
export type LeftBoundary = 'token' | 'dotted' | 'alphanumeric' | 'digit' | 'none';

/** How a detector built by {@link regexDetector} finds and checks its matches. @internal */
export interface RegexDetectorSpec {
  readonly name: string;
  readonly kind: DetectorKind;
  readonly label?: string;
  readonly maxLength: number;
  /** Global patterns; what is masked is the last named group that matched, or the whole match. */
  readonly patterns: readonly RegExp[];
  /**
   * Substrings one of which must occur for the patterns to run at all: a cheap `includes` that
   * keeps text without them from costing a regex scan.
   */
  readonly hints?: readonly string[];
  readonly left?: LeftBoundary;
  /** Whether the masked text (the group or match) is a real find; matches failing it are dropped. */
  readonly validate?: (value: string) => boolean;
  /** See {@link Detector.open}. */
  readonly open?: (text: string) => number;
}

const isDigit = (code: number): boolean => code >= 48 && code <= 57;
const isAlphanumeric = (code: number): boolean =>
  isDigit(code) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);

const NONE: readonly DetectorSpan[] = Object.freeze([]);

// `n`, `t`, `r`, `b`, `f`: the letters of JSON's and most languages' control escapes.
const isEscapeLetter = (code: number): boolean =>
  code === 110 || code === 116 || code === 114 || code === 98 || code === 102;

/**
 * Whether the character at `index` is escaped by an odd run of backslashes before it: in
 * `"a\nsk-..."` the `n` ends an escape, so a key right after it starts a token.
 */
function escapedAt(text: string, index: number): boolean {
  let backslashes = 0;
  while (index - 1 - backslashes >= 0 && text.charCodeAt(index - 1 - backslashes) === 92) {
    backslashes += 1;
  }
  return backslashes % 2 === 1;
}

/** Whether the character before `index` keeps a match from starting there. @internal */
export function blockedOnLeft(text: string, index: number, left: LeftBoundary): boolean {
  if (index === 0 || left === 'none') return false;
  const code = text.charCodeAt(index - 1);
  if (isEscapeLetter(code) && escapedAt(text, index - 1)) return false;
  switch (left) {
    case 'digit':
      return isDigit(code);
    case 'alphanumeric':
      return isAlphanumeric(code);
    case 'token':
      return isAlphanumeric(code) || code === 95 || code === 45;
    case 'dotted':
      return isAlphanumeric(code) || code === 95 || code === 45 || code === 46;
  }
}

/**
 * A detector made of global regular expressions. The masked part is the last named group that
 * matched, which every pattern places at the end of its match (trailing context is a lookahead),
 * so its offsets follow from the match's end without the `d` flag.
 *
 * @internal
 */
export function regexDetector(spec: RegexDetectorSpec): Detector {
  const { patterns, hints, validate } = spec;
  const left = spec.left ?? 'token';
  return {
    name: spec.name,
    kind: spec.kind,
    ...(spec.label === undefined ? {} : { label: spec.label }),
    maxLength: spec.maxLength,
    ...(spec.open === undefined ? {} : { open: spec.open }),
    find(text: string): readonly DetectorSpan[] {
      // Allocation-free on text with nothing found, the common case: masking logs line by line
      // spent a tenth of its time collecting garbage before this (bench/masking.bench.ts).
      if (hints !== undefined) {
        let hinted = false;
        for (let index = 0; index < hints.length && !hinted; index += 1) {
          hinted = text.includes(hints[index]!);
        }
        if (!hinted) return NONE;
      }
      let spans: DetectorSpan[] | undefined;
      for (const pattern of patterns) {
        pattern.lastIndex = 0;
        let match: RegExpExecArray | null;
        while ((match = pattern.exec(text)) !== null) {
          const whole = match[0];
          if (whole.length === 0) {
            pattern.lastIndex += 1;
            continue;
          }
          if (blockedOnLeft(text, match.index, left)) {
            // Retry one character on: a later start may still be a match of its own.
            pattern.lastIndex = match.index + 1;
            continue;
          }
          let value = whole;
          if (match.groups !== undefined) {
            for (const captured of Object.values(match.groups)) {
              if (captured !== undefined) value = captured;
            }
          }
          if (validate !== undefined && !validate(value)) continue;
          const end = match.index + whole.length;
          (spans ??= []).push({ start: end - value.length, end });
        }
      }
      return spans ?? NONE;
    },
  };
}
