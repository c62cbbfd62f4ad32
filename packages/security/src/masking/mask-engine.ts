import type { Detector, DetectorKind } from './detector.js';
import { normalizeText } from './normalize-text.js';

/** One thing to mask, in offsets of the original text. @internal */
export interface Finding {
  readonly start: number;
  readonly end: number;
  readonly label: string;
  readonly kind: DetectorKind;
  /** The normalised text that was found (what a pseudonym is computed from). */
  readonly value: string;
}

/** What one scan of a text found, with what a stream needs to choose where to cut it. @internal */
export interface Scan {
  /** Merged findings, sorted, not overlapping. */
  readonly findings: readonly Finding[];
  /** Length of the normalised text the detectors saw. */
  readonly viewLength: number;
  /** The normalised text the detectors saw. */
  readonly view: string;
  /** The original index where view character `index` starts (`text.length` past the end). */
  originalIndex(index: number): number;
}

/** The detectors a masker runs, checked once. @internal */
export interface DetectorSet {
  readonly detectors: readonly Detector[];
  readonly labels: readonly string[];
  /** The longest match any detector can make, in normalised characters. */
  readonly maxLength: number;
}

/** A placeholder written by a masker; found text overlapping one is left alone (idempotence). */
const PLACEHOLDER = /\[[A-Z][A-Z0-9_-]*(?::[a-z0-9-]+)?(?::[0-9a-f]{8})?\]/g;

/** The label a detector's matches are written with. @internal */
export function labelOf(detector: Detector): string {
  return (
    detector.label ??
    (detector.kind === 'secret' ? `SECRET:${detector.name}` : detector.name.toUpperCase())
  );
}

interface Candidate {
  start: number;
  end: number;
  rank: number;
}

function overlapsPlaceholder(candidate: Candidate, placeholders: readonly Candidate[]): boolean {
  for (const placeholder of placeholders) {
    if (candidate.start < placeholder.end && placeholder.start < candidate.end) return true;
  }
  return false;
}

/**
 * Runs every detector over `text` (or its normalised view) and merges what they find: overlapping
 * spans become one, labelled by the winner (a secret over personal data, then the longer, then the
 * detector listed first). Never throws: a detector that throws finds nothing.
 *
 * @internal
 */
export function scanText(text: string, set: DetectorSet): Scan {
  const view = normalizeText(text);
  const subject = view === undefined ? text : view.text;
  const candidates: Candidate[] = [];
  const { detectors } = set;
  for (let rank = 0; rank < detectors.length; rank += 1) {
    try {
      for (const span of detectors[rank]!.find(subject)) {
        if (span.end > span.start && span.start >= 0 && span.end <= subject.length) {
          candidates.push({ start: span.start, end: span.end, rank });
        }
      }
    } catch {
      // A detector's bug must not stop masking by the others.
    }
  }
  const originalIndex =
    view === undefined
      ? (index: number) => index
      : (index: number) => (index >= view.text.length ? text.length : view.originalStart(index));
  if (candidates.length === 0)
    return { findings: [], viewLength: subject.length, view: subject, originalIndex };

  let kept = candidates;
  if (subject.includes('[')) {
    const placeholders: Candidate[] = [];
    for (const match of subject.matchAll(PLACEHOLDER)) {
      placeholders.push({ start: match.index, end: match.index + match[0].length, rank: -1 });
    }
    if (placeholders.length > 0)
      kept = candidates.filter((c) => !overlapsPlaceholder(c, placeholders));
  }
  kept.sort((a, b) => a.start - b.start || b.end - a.end);

  const better = (a: Candidate, b: Candidate): boolean => {
    const kindA = detectors[a.rank]!.kind === 'secret' ? 0 : 1;
    const kindB = detectors[b.rank]!.kind === 'secret' ? 0 : 1;
    if (kindA !== kindB) return kindA < kindB;
    const lengthA = a.end - a.start;
    const lengthB = b.end - b.start;
    if (lengthA !== lengthB) return lengthA > lengthB;
    return a.rank < b.rank;
  };
  const findings: Finding[] = [];
  let index = 0;
  while (index < kept.length) {
    const first = kept[index]!;
    let start = first.start;
    let end = first.end;
    let winner = first;
    index += 1;
    while (index < kept.length && kept[index]!.start < end) {
      const next = kept[index]!;
      if (better(next, winner)) winner = next;
      if (next.end > end) end = next.end;
      index += 1;
    }
    const value = subject.slice(start, end);
    let originalStart = originalIndex(start);
    const originalEnd = view === undefined ? end : view.originalEnd(end - 1);
    // A match right after an unescaped backslash (`\nalice@...` in JSON text) starts after the
    // escape's letter, so the placeholder never splits an escape sequence.
    let backslashes = 0;
    while (text.charCodeAt(originalStart - 1 - backslashes) === 92) backslashes += 1;
    if (backslashes % 2 === 1 && originalStart + 1 < originalEnd) originalStart += 1;
    start = originalStart;
    const detector = detectors[winner.rank]!;
    findings.push({
      start,
      end: originalEnd,
      label: set.labels[winner.rank]!,
      kind: detector.kind,
      value,
    });
  }
  return { findings, viewLength: subject.length, view: subject, originalIndex };
}

/**
 * The smallest index of `view` (a normalised text) where a match of one of the detectors may still
 * be in progress: before it, what the detectors find is final whatever text follows (see
 * {@link Detector.open}). A detector without `open` gives `view.length - maxLength - 1`; one whose
 * `open` throws gives 0 (everything is held, as is safe).
 *
 * @internal
 */
export function openAt(view: string, set: DetectorSet): number {
  let open = view.length;
  for (const detector of set.detectors) {
    let at: number;
    try {
      at = detector.open === undefined ? view.length - detector.maxLength - 1 : detector.open(view);
    } catch {
      at = 0;
    }
    if (!(at >= 0)) at = 0;
    if (at < open) open = at;
  }
  return open;
}

/**
 * `text[from, to)` with every finding inside it replaced by its placeholder.
 *
 * @internal
 */
export function replaceFindings(
  text: string,
  findings: readonly Finding[],
  placeholder: (finding: Finding) => string,
  from = 0,
  to = text.length,
): string {
  let out = '';
  let position = from;
  for (const finding of findings) {
    if (finding.start < from || finding.end > to) continue;
    out += text.slice(position, finding.start) + placeholder(finding);
    position = finding.end;
  }
  return position === from && to === text.length && from === 0
    ? text
    : out + text.slice(position, to);
}
