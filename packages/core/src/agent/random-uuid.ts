import { randomFillSync } from 'node:crypto';

/** Random bytes for 256 UUIDs, refilled from the CSPRNG when used up. */
const pool = Buffer.allocUnsafe(16 * 256);
let offset = pool.length;
const text = Buffer.allocUnsafe(36);
const hex = Buffer.from('0123456789abcdef', 'latin1');

/**
 * A random (version 4) UUID, as `crypto.randomUUID()` makes, from the same source of randomness.
 * The difference is the string: Node 20's `crypto.randomUUID()` builds its result by joining 20
 * pieces, which stays a chain of 20 string objects until something flattens it; an
 * agent keeps its ids for as long as it lives, so the chains cost memory and collection time on
 * every turn. This writes the 36 characters into a buffer and makes one flat string of them.
 *
 * @internal
 */
export function randomUuid(): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  let at = 0;
  for (let index = 0; index < 16; index += 1) {
    let byte = pool[offset + index]!;
    if (index === 6)
      byte = (byte & 0x0f) | 0x40; // version 4
    else if (index === 8) byte = (byte & 0x3f) | 0x80; // the RFC 9562 variant
    if (index === 4 || index === 6 || index === 8 || index === 10) text[at++] = 0x2d; // '-'
    text[at++] = hex[byte >> 4]!;
    text[at++] = hex[byte & 0x0f]!;
  }
  offset += 16;
  return text.toString('latin1', 0, 36);
}
