// Where a match may still be in progress at the end of a text: the stream masker emits what comes
// before the earliest such place and holds the rest. Every function here returns an index `p` such
// that no search of the detector started before `p` reads past the end of the text (so what it
// finds there is final whatever text follows), or `text.length` when nothing is open.

const isAsciiSpace = (code: number): boolean => code === 32 || (code >= 9 && code <= 13);
const SPACE = /\s/;

/**
 * Where the trailing run of non-whitespace characters starts (`text.length` when the text ends
 * with whitespace). A detector whose matches and context contain no whitespace (a key, a token, an
 * email, a URL, an IP address) reads no further than the first whitespace from where it starts, so
 * this is where its open region begins.
 *
 * @internal
 */
export function tokenOpen(text: string): number {
  let index = text.length;
  while (index > 0) {
    const code = text.charCodeAt(index - 1);
    if (code < 128 ? isAsciiSpace(code) : SPACE.test(text[index - 1]!)) break;
    index -= 1;
  }
  return index;
}

/**
 * An open-region function made of patterns anchored at the end (`$`, not global), each matching
 * every form a search of the detector could read to the end of the text with (a superset is safe:
 * it only holds more), searched in the last `window` characters (the most one search can read).
 * The result is also at most {@link tokenOpen}, so a keyword cut in the middle is held too.
 *
 * @internal
 */
export function tailOpen(window: number, patterns: readonly RegExp[]): (text: string) => number {
  return (text) => {
    let open = tokenOpen(text);
    const from = Math.max(0, text.length - window);
    const tail = from === 0 ? text : text.slice(from);
    for (const pattern of patterns) {
      const match = pattern.exec(tail);
      if (match !== null) open = Math.min(open, from + match.index);
    }
    return open;
  };
}
