/**
 * Returns the smallest string that sorts after every string starting with `prefix`, in code point
 * order (SQLite's binary collation of UTF-8 text), or `undefined` when no such bound is needed (an
 * empty prefix, or one made only of U+10FFFF). `list` selects `key >= prefix AND key < bound`, a
 * range the primary key index answers, instead of `LIKE`, whose `%` and `_` wildcards and case
 * folding would make `agent_1` match `agentX1`.
 *
 * @internal
 * @example
 * ```ts
 * prefixUpperBound('agent:'); // 'agent;'
 * prefixUpperBound('a\uD7FF'); // 'a\uE000' (surrogates are not code points)
 * ```
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const codePoints = Array.from(prefix, (character) => character.codePointAt(0) as number);
  while (codePoints.length > 0) {
    const last = codePoints.pop() as number;
    if (last < 0x10ffff) {
      // U+D800–U+DFFF are not characters: UTF-8 cannot hold them, so step over them.
      codePoints.push(last === 0xd7ff ? 0xe000 : last + 1);
      return String.fromCodePoint(...codePoints);
    }
  }
  return undefined;
}
