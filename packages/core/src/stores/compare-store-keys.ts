/**
 * Orders two store keys by Unicode code point, the order every {@link StateStore} lists in. It is
 * the byte order of the keys' UTF-8 encoding, so a database sorting with a binary collation
 * (SQLite's default, `COLLATE "C"` in Postgres, Redis sorted sets) agrees with it. JavaScript's
 * default sort compares UTF-16 code units instead, which puts characters beyond U+FFFF (such as
 * emoji) before U+E000–U+FFFF.
 *
 * @returns a negative number when `a` comes first, a positive one when `b` does, 0 when equal
 * @example
 * ```ts
 * ['b', '\u{1F600}', '\uE000', 'a'].sort(compareStoreKeys); // ['a', 'b', '\uE000', '\u{1F600}']
 * ```
 */
export function compareStoreKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const left = a.charCodeAt(index);
    const right = b.charCodeAt(index);
    if (left !== right) return toCodePointRank(left) - toCodePointRank(right);
  }
  return a.length - b.length;
}

// Moves surrogates (U+D800–U+DFFF) above U+E000–U+FFFF: at the first differing code unit this
// ranks strings exactly as their code points would.
function toCodePointRank(codeUnit: number): number {
  if (codeUnit < 0xd800) return codeUnit;
  return codeUnit >= 0xe000 ? codeUnit - 0x800 : codeUnit + 0x2000;
}
