/**
 * Whether a detector finds secrets (keys, tokens, passwords) or personal data (emails, phone
 * numbers, card numbers); options choose detectors by it.
 *
 * @example
 * ```ts
 * import type { DetectorKind } from '@agentry/security';
 *
 * const kinds: DetectorKind[] = ['secret'];
 * console.log(kinds);
 * ```
 */
export type DetectorKind = 'secret' | 'personal';

/**
 * One place a detector found something: `text.slice(start, end)` is masked. Offsets are UTF-16
 * indices into the text given to {@link Detector.find}.
 *
 * @example
 * ```ts
 * import type { DetectorSpan } from '@agentry/security';
 *
 * const span: DetectorSpan = { start: 8, end: 21 };
 * console.log('mail me a@b.example'.slice(span.start, span.end));
 * ```
 */
export interface DetectorSpan {
  /** Index of the first character to mask. */
  readonly start: number;
  /** Index just past the last character to mask; greater than `start`. */
  readonly end: number;
}

/**
 * Finds one kind of secret or personal data in text. The built-in detectors are in
 * {@link defaultDetectors}; add your own by passing `detectors: [...defaultDetectors, mine]` to
 * {@link createMasker}.
 *
 * A detector sees text already normalised (NFKC, zero-width characters removed, `\uXXXX`, `\/` and
 * `%XX` escapes decoded), so it matches plain forms only; the masker maps what it finds back onto
 * the original text. `find` is called on every masked string, so it must be fast on text with
 * nothing to find (check a cheap marker first) and must not throw.
 *
 * @example
 * ```ts
 * import { createMasker, defaultDetectors, type Detector } from '@agentry/security';
 *
 * const employeeIds: Detector = {
 *   name: 'employee-id',
 *   kind: 'personal',
 *   label: 'EMPLOYEE',
 *   maxLength: 10,
 *   find(text) {
 *     const spans = [];
 *     for (const match of text.matchAll(/\bEMP-\d{6}\b/g)) {
 *       spans.push({ start: match.index, end: match.index + match[0].length });
 *     }
 *     return spans;
 *   },
 * };
 * const masker = createMasker({ detectors: [...defaultDetectors, employeeIds] });
 * console.log(masker.mask('ask EMP-004211', { purpose: 'log' })); // 'ask [EMPLOYEE]'
 * ```
 */
export interface Detector {
  /** A short kebab-case name, such as `openai` or `email`; options select detectors by it. */
  readonly name: string;
  /** Whether it finds secrets or personal data. */
  readonly kind: DetectorKind;
  /**
   * The placeholder's label: a match becomes `[label]` (or `[label:pseudonym]`). Upper-case
   * letters, digits, `_`, `-`, optionally followed by `:` and a lower-case name
   * (`SECRET:openai`). Defaults to `SECRET:<name>` for secrets and the upper-cased name otherwise.
   */
  readonly label?: string;
  /**
   * The longest text, in characters of the normalised text, one match can span (context words
   * included). The stream masker never holds back more than this (the largest over its detectors,
   * plus one), and holds this much whenever the detector has no {@link Detector.open}, so a match
   * split across chunks is still found whole. A longer match is still masked by
   * `Masker.mask`, but a stream may emit its start before it is recognised.
   */
  readonly maxLength: number;
  /**
   * Where a match that more text could still make or change may start in `text` (normalised, as
   * for `find`): an index `p` such that no search of `find` started before `p` reads past the end
   * of `text`, or `text.length` when none is open. The stream masker emits what comes before the
   * smallest such index over its detectors and holds the rest, so an exact answer keeps its latency
   * low: a detector of single tokens (no whitespace in a match or its context) returns where the
   * trailing run of non-whitespace starts. Returning less is always safe (more is held). Left
   * out, the stream masker takes `text.length - maxLength - 1`.
   */
  readonly open?: (text: string) => number;
  /** Every match in `text`, in any order; overlapping spans are merged by the masker. */
  find(text: string): Iterable<DetectorSpan>;
}
