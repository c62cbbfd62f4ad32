import type { MaskContext } from '@agentry/core';
import { detectorSetOf, placeholderWriter, type MaskerOptions } from './create-masker.js';
import { openAt, replaceFindings, scanText } from './mask-engine.js';

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
   * The most characters of normalised text held back while a match may still be in progress:
   * one more than the longest match of the detectors (4,097 with the defaults: a JWT, a private
   * key, an authorization header). It is reached only while such a candidate is open (a
   * `-----BEGIN ... PRIVATE KEY-----` line without its end line, a 4,000-character token); a
   * match that reaches further back is held from its start, up to `8 × holdBack` original
   * characters. What is held at a given moment is {@link StreamMasker.held}.
   */
  readonly holdBack: number;
  /** How many characters (of the original text) are held back now, waiting for more text. */
  readonly held: number;
}

// Characters of already-emitted text kept in front of the buffer, so that detectors see what
// stood before it (a digit before a run of digits, the local part of an email address: detectors
// look back at most 64 characters) and do not find a match the whole text lacks.
const CONTEXT = 64;
// A chunk without any of these cannot end a token, so the emitted part cannot grow: the scan is
// skipped (escapes are here because `\u0020` and `%20` decode to a space).
const MAY_END_TOKEN = /[\s\\%]/;

/**
 * Creates a masker for text arriving in chunks. It emits everything before the earliest place
 * where a match may still be in progress ({@link Detector.open}) and holds the rest, so a secret or
 * personal datum split across chunks at any points is found whole before any of it is emitted:
 * the chunks' outputs and `flush()` joined are exactly what {@link TextMasker.maskText} gives for
 * the whole text.
 *
 * What is held, with the default detectors:
 * - prose and logs: the trailing run of non-whitespace (the word being written), and a trailing
 *   run of digit groups (`2024 `, a card or phone number being written);
 * - while a multi-word candidate is open, from its start: `Authorization:` or `Bearer` and what
 *   follows while it can still be the credential, `password = ` and its value, an IBAN or card
 *   in groups, a `-----BEGIN ... PRIVATE KEY-----` block until its end line;
 * - never more than {@link StreamMasker.holdBack} normalised characters (4,097), except a match
 *   already found that starts further back, held from its start up to `8 × holdBack` original
 *   characters.
 *
 * Each chunk that brings whitespace (or an escape) is scanned together with the held text and 64
 * characters of context, so the work per chunk is proportional to the chunk plus what is held.
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
      const viewCut = Math.max(openAt(scan.view, set), scan.viewLength - holdBack);
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
    get held() {
      return pending.length;
    },
    push(chunk: string): string {
      if (chunk.length === 0) return '';
      pending += chunk;
      if (!MAY_END_TOKEN.test(chunk) && pending.length < holdBack) return '';
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
