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
  /** `starts[i]`: the index in the original of the first character that view character `i` came from. */
  readonly starts: readonly number[];
  /** `ends[i]`: the index in the original just past what view character `i` came from. */
  readonly ends: readonly number[];
}

// What makes a text need the slow path: any non-ASCII character (NFKC, zero-width characters) or
// an escape. Pure ASCII text without escapes is matched as it is, without a copy.
const NEEDS_VIEW = /[^\x00-\x7f]|\\u[0-9A-Fa-f]{4}|\\\/|%[0-7][0-9A-Fa-f]/;

const isZeroWidth = (code: number): boolean =>
  code === 0x200b ||
  code === 0x200c ||
  code === 0x200d ||
  code === 0x2060 ||
  code === 0xfeff ||
  code === 0x00ad;

const hexValue = (code: number): number => {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
};

/** The four hex digits at `index` as a number, or -1. */
function hex4(text: string, index: number): number {
  if (index + 4 > text.length) return -1;
  let value = 0;
  for (let offset = 0; offset < 4; offset += 1) {
    const digit = hexValue(text.charCodeAt(index + offset));
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/**
 * The normalised view of `text`, or `undefined` when the text is pure ASCII without escapes (then
 * detectors match the text itself and offsets need no mapping).
 *
 * @internal
 */
export function normalizeText(text: string): NormalizedText | undefined {
  if (!NEEDS_VIEW.test(text)) return undefined;
  let view = '';
  const starts: number[] = [];
  const ends: number[] = [];
  // Appends the characters of `value`, all mapped to the original range [from, to).
  const emit = (value: string, from: number, to: number): void => {
    for (let index = 0; index < value.length; index += 1) {
      const code = value.codePointAt(index)!;
      if (isZeroWidth(code)) continue;
      const single = code > 0xffff ? value.slice(index, index + 2) : value[index]!;
      if (code > 0xffff) index += 1;
      const normal = code < 0x80 ? single : single.normalize('NFKC');
      for (let unit = 0; unit < normal.length; unit += 1) {
        starts.push(from);
        ends.push(to);
      }
      view += normal;
    }
  };
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === 92 /* \ */) {
      const next = text.charCodeAt(index + 1);
      if (next === 117 /* u */) {
        const unit = hex4(text, index + 2);
        if (unit >= 0) {
          // A surrogate pair written as two escapes decodes to one code point.
          if (unit >= 0xd800 && unit <= 0xdbff && text.startsWith('\\u', index + 6)) {
            const low = hex4(text, index + 8);
            if (low >= 0xdc00 && low <= 0xdfff) {
              emit(String.fromCharCode(unit, low), index, index + 12);
              index += 12;
              continue;
            }
          }
          emit(String.fromCharCode(unit), index, index + 6);
          index += 6;
          continue;
        }
      } else if (next === 47 /* / */) {
        emit('/', index, index + 2);
        index += 2;
        continue;
      } else if (next === 92) {
        // An escaped backslash stays two characters, so `\\u0040` is not read as an escape.
        emit('\\\\', index, index + 2);
        index += 2;
        continue;
      }
    } else if (code === 37 /* % */) {
      const high = hexValue(text.charCodeAt(index + 1));
      const low = hexValue(text.charCodeAt(index + 2));
      if (high >= 0 && high < 8 && low >= 0) {
        emit(String.fromCharCode(high * 16 + low), index, index + 3);
        index += 3;
        continue;
      }
    } else if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
      emit(text.slice(index, index + 2), index, index + 2);
      index += 2;
      continue;
    }
    emit(text[index]!, index, index + 1);
    index += 1;
  }
  return { text: view, starts, ends };
}
