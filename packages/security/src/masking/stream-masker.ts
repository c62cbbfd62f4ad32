import type { MaskContext } from '@agentry/core';
import { detectorSetOf, placeholderWriter, type MaskerOptions } from './create-masker.js';
import { replaceFindings, scanText } from './mask-engine.js';

/**
 * Options of {@link createStreamMasker}: those of the masker, and the context its pseudonyms'
 * tenant is taken from.
 *
 * @example
 * ```ts
 * import { createStreamMasker, type StreamMaskerOptions } from '@agentry/security';
 *
 * const options: StreamMaskerOptions = { exclude: ['ipv4', 'ipv6'], context: { purpose: 'event' } };
 * console.log(createStreamMasker(options).holdBack);
 * ```
 */
export interface StreamMaskerOptions extends MaskerOptions {
  /** The context of the streamed text; `{ purpose: 'event' }` when left out. */
  readonly context?: MaskContext;
}

/**
 * Masks text that arrives in chunks (a model's streamed answer); see {@link createStreamMasker}.
 *
 * @example
 * ```ts
 * import { createStreamMasker, type StreamMasker } from '@agentry/security';
 *
 * const stream: StreamMasker = createStreamMasker();
 * const out = stream.push('write to a@b.') + stream.push('example today') + stream.flush();
 * console.log(out); // 'write to [EMAIL] today'
 * ```
 */
export interface StreamMasker {
  /** Takes the next chunk; returns the masked text that is safe to emit now (often `''`). */
  push(chunk: string): string;
  /** Ends the stream: returns the rest, masked. The masker can be used again afterwards. */
  flush(): string;
  /**
   * How many characters of normalised text are held back: the longest match of the detectors
   * plus one (4,097 with the defaults). Text is emitted in steps of a quarter of that, so the
   * added latency is between `holdBack` and `1.25 × holdBack` characters (4,097 to 5,122 with the
   * defaults). Escaped text (`\u0040`) is held back over its normalised length, up to
   * `8 × holdBack` original characters.
   */
  readonly holdBack: number;
}

// Characters of already-emitted text kept in front of the buffer, so that detectors see what
// stood before it (a digit before a run of digits) and do not find a match the whole text lacks.
const CONTEXT = 64;

/**
 * Creates a masker for text arriving in chunks. It holds back the last {@link StreamMasker.holdBack}
 * characters (of normalised text) of what it was given, which is one more than the longest match
 * any detector can make, so a secret or personal datum split across chunks at any points is found
 * whole before any of it is emitted: with the default detectors 4,097 characters (the bound of a
 * JWT, a private key or an authorization header). It scans once a quarter of that has arrived,
 * so the added latency is 4,097 to 5,122 characters (`holdBack` to `1.25 × holdBack`). A match
 * that reaches into the held-back part is held from its start; the buffer never exceeds
 * `8 × holdBack` original characters (a longer run of escapes or zero-width characters is
 * emitted masked as far as it was found).
 *
 * @throws AgentryError `config_invalid` when the options are invalid (see {@link createMasker})
 * @example
 * ```ts
 * import { createStreamMasker } from '@agentry/security';
 *
 * const stream = createStreamMasker();
 * let out = '';
 * for (const chunk of ['my key is sk-pr', 'oj-Ab3dEf6hIj9kLm', '2nOp5qRs8t, bye']) out += stream.push(chunk);
 * out += stream.flush();
 * console.log(out); // 'my key is [SECRET:openai], bye'
 * ```
 */
export function createStreamMasker(options: StreamMaskerOptions = {}): StreamMasker {
  const set = detectorSetOf(options);
  const write = placeholderWriter(options)(options.context ?? { purpose: 'event' });
  const holdBack = set.maxLength + 1;
  const hardCap = 8 * holdBack;
  const step = Math.ceil(holdBack / 4);
  // `emitted` is the tail of original text already emitted (at most CONTEXT characters);
  // `pending` is the original text not emitted yet.
  let emitted = '';
  let pending = '';

  const take = (final: boolean): string => {
    const buffer = emitted + pending;
    const offset = emitted.length;
    const scan = scanText(buffer, set);
    let cut = buffer.length;
    if (!final) {
      const viewCut = scan.viewLength - holdBack;
      cut = viewCut <= 0 ? offset : Math.max(offset, scan.originalIndex(viewCut));
      cut = Math.max(cut, buffer.length - hardCap);
      for (const finding of scan.findings) {
        if (finding.start < cut && finding.end > cut && finding.start >= buffer.length - hardCap) {
          cut = Math.max(offset, finding.start);
        }
      }
    }
    if (cut <= offset) return '';
    // A finding that starts in the emitted context is clipped to the pending part.
    const findings = scan.findings
      .filter((finding) => finding.end > offset && finding.start < cut)
      .map((finding) => (finding.start < offset ? { ...finding, start: offset } : finding))
      .map((finding) => (finding.end > cut ? { ...finding, end: cut } : finding));
    const out = replaceFindings(buffer, findings, write, offset, cut);
    const done = buffer.slice(0, cut);
    emitted = done.slice(Math.max(0, done.length - CONTEXT));
    pending = buffer.slice(cut);
    return out;
  };

  return {
    holdBack,
    push(chunk: string): string {
      if (chunk.length === 0) return '';
      pending += chunk;
      // Scanning is what costs (the whole window each time), so it waits for a step of new text:
      // with 64-character chunks this is about 5 scans of the window per window of text, not 64.
      if (pending.length < holdBack + step) return '';
      return take(false);
    },
    flush(): string {
      const out = pending.length === 0 ? '' : take(true);
      emitted = '';
      pending = '';
      return out;
    },
  };
}

/**
 * Masks an async stream of text chunks with {@link createStreamMasker}: yields each masked part as
 * soon as it is safe, and the rest when the source ends.
 *
 * @throws AgentryError `config_invalid` when the options are invalid (see {@link createMasker})
 * @example
 * ```ts
 * import { maskStream } from '@agentry/security';
 *
 * async function* answer() {
 *   yield 'reach me at a@b.';
 *   yield 'example';
 * }
 * for await (const part of maskStream(answer())) process.stdout.write(part);
 * ```
 */
export async function* maskStream(
  source: AsyncIterable<string>,
  options: StreamMaskerOptions = {},
): AsyncGenerator<string, void, undefined> {
  const stream = createStreamMasker(options);
  for await (const chunk of source) {
    const out = stream.push(chunk);
    if (out.length > 0) yield out;
  }
  const rest = stream.flush();
  if (rest.length > 0) yield rest;
}
