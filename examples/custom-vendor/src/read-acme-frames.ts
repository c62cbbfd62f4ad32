import { createProviderError } from '@agentry/core';
import type { AcmeFrame } from './acme-protocol.js';
import { PROVIDER_NAME } from './to-acme-request.js';

const frameKinds = new Set(['begin', 'thought', 'say', 'call', 'args', 'end', 'fault']);

function malformed(line: string, reason: string) {
  return createProviderError({
    provider: PROVIDER_NAME,
    code: 'provider_unavailable',
    message: `Acme sent a stream line that is not a frame (${reason}): ${line.slice(0, 80)}`,
  });
}

/**
 * Parses one line of Acme's stream into a frame, or `undefined` for a frame kind this provider
 * does not know (a newer API may add some).
 *
 * @throws AgentryError `provider_unavailable` when the line is not a JSON object with a `frame`
 * @example
 * ```ts
 * parseAcmeFrame('{"frame":"say","text":"Hi"}'); // { frame: 'say', text: 'Hi' }
 * ```
 */
export function parseAcmeFrame(line: string): AcmeFrame | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw malformed(line, 'not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed(line, 'not an object');
  }
  const { frame } = value as { frame?: unknown };
  if (typeof frame !== 'string') throw malformed(line, 'no frame field');
  return frameKinds.has(frame) ? (value as AcmeFrame) : undefined;
}

/**
 * Reads Acme's newline-delimited JSON stream: one frame per line (`\n` or `\r\n`), blank lines
 * skipped, lines split across network chunks anywhere (even inside a UTF-8 character), and a last
 * line without its newline still read. The body is cancelled when the reader stops early (a
 * `break`, an error), which closes the connection.
 *
 * @throws AgentryError `provider_unavailable` for a line that is not a frame; whatever reading the
 *   body throws (a reset connection, an aborted signal) passes through
 * @example
 * ```ts
 * for await (const frame of readAcmeFrames(response.body!)) {
 *   if (frame.frame === 'say') process.stdout.write(frame.text);
 * }
 * ```
 */
export async function* readAcmeFrames(body: ReadableStream<Uint8Array>): AsyncGenerator<AcmeFrame> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      const lines = buffer.split('\n');
      buffer = done ? '' : (lines.pop() ?? '');
      for (const raw of lines) {
        const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        if (line.trim() === '') continue;
        const frame = parseAcmeFrame(line);
        if (frame !== undefined) yield frame;
      }
      if (done) return;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
