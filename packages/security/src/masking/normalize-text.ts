/**
 * A normalised view of a text: NFKC applied per code point, zero-width characters removed, and
 * `\uXXXX`, `\/` and ASCII `%XX` escapes decoded, with a map from each character of the view back
 * to the range of the original it came from.
 *
 * @internal
 */
export interface NormalizedText {
  /** The text detectors see. */
  readonly text: string;
  /** The index in the original of the first character view character `index` came from. */
  originalStart(index: number): number;
  /** The index in the original just past what view character `index` came from. */
  originalEnd(index: number): number;
}

// What the view changes: runs of non-ASCII characters (NFKC, zero-width characters) and escapes.
// An escaped backslash is matched too, and left as it is, so that `\\u0040` is not read as `\u0040`.
const SPECIAL =
  /[\u0080-\uffff]+|\\u[0-9A-Fa-f]{4}(?:\\u[0-9A-Fa-f]{4})?|\\[/\\]|%[0-7][0-9A-Fa-f]/g;
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff\u00ad]/;

const isZeroWidth = (code: number): boolean =>
  (code >= 0x200b && code <= 0x200d) || code === 0x2060 || code === 0xfeff || code === 0x00ad;

/**
 * The normalised view of `text`, or `undefined` when normalising changes nothing (pure ASCII
 * without escapes is the common case, checked by one regex scan without a copy).
 *
 * The map is kept as a list of the places the view differs from the original (an escape, a
 * character NFKC changes, a zero-width character), each with its view and original offsets;
 * between them the view is the original shifted, so the cost is in the number of changes, not in
 * the length of the text.
 *
 * @internal
 */
export function normalizeText(text: string): NormalizedText | undefined {
  SPECIAL.lastIndex = 0;
  let match = SPECIAL.exec(text);
  if (match === null) return undefined;
  // Change number k: view characters [viewAt[k], viewAt[k] + viewLength[k]) came from the
  // original's [originAt[k], originEnd[k]).
  const viewAt: number[] = [];
  const viewLength: number[] = [];
  const originAt: number[] = [];
  const originEnd: number[] = [];
  let view = '';
  let copied = 0;
  const change = (at: number, end: number, value: string) => {
    view += text.slice(copied, at);
    viewAt.push(view.length);
    viewLength.push(value.length);
    originAt.push(at);
    originEnd.push(end);
    view += value;
    copied = end;
  };
  while (match !== null) {
    const found = match[0];
    const at = match.index;
    const first = found.charCodeAt(0);
    if (first === 92 /* \ */) {
      const second = found.charCodeAt(1);
      if (second === 117 /* u */) {
        const high = Number.parseInt(found.slice(2, 6), 16);
        const low = found.length === 12 ? Number.parseInt(found.slice(8, 12), 16) : -1;
        if (high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
          change(at, at + 12, String.fromCharCode(high, low).normalize('NFKC'));
        } else {
          const decoded = String.fromCharCode(high);
          change(at, at + 6, isZeroWidth(high) ? '' : decoded.normalize('NFKC'));
          // A second escape after a first that is not a high surrogate is decoded on its own.
          if (found.length === 12) SPECIAL.lastIndex = at + 6;
        }
      } else if (second === 47 /* / */) {
        change(at, at + 2, '/');
      }
      // `\\` stays as it is.
    } else if (first === 37 /* % */) {
      change(at, at + 3, String.fromCharCode(Number.parseInt(found.slice(1), 16)));
    } else if (found.normalize('NFKC') !== found || ZERO_WIDTH.test(found)) {
      // A run of non-ASCII characters that normalisation changes: one change per code point.
      for (let index = 0; index < found.length;) {
        const code = found.codePointAt(index)!;
        const size = code > 0xffff ? 2 : 1;
        const single = found.slice(index, index + size);
        const normal = isZeroWidth(code) ? '' : single.normalize('NFKC');
        if (normal !== single) change(at + index, at + index + size, normal);
        index += size;
      }
    }
    match = SPECIAL.exec(text);
  }
  if (viewAt.length === 0) return undefined;
  view += text.slice(copied);

  // The last change at or before view index `index`, or -1.
  const changeBefore = (index: number): number => {
    let low = 0;
    let high = viewAt.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (viewAt[middle]! <= index) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    // A change that became empty (a zero-width character) maps what follows it by its end,
    // like any change before an unchanged run.
    return found;
  };
  const locate = (index: number, end: boolean): number => {
    const k = changeBefore(index);
    if (k < 0) return end ? index + 1 : index;
    const offset = index - viewAt[k]!;
    if (offset < viewLength[k]!) return end ? originEnd[k]! : originAt[k]!;
    const original = originEnd[k]! + (offset - viewLength[k]!);
    return end ? original + 1 : original;
  };
  return {
    text: view,
    originalStart: (index) => locate(index, false),
    originalEnd: (index) => locate(index, true),
  };
}
