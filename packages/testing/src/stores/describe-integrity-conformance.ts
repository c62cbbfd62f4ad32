import { AgentryError, type StateStore } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { entry, expectRejection, type ConformanceContext } from './conformance-context.js';

/**
 * Changes the bytes of one entry as its backend holds them, underneath the store: the store under
 * test reads them (a row's column, a file, a value), hands them to `change` and writes the result
 * back without going through the store, as a failing disk or an outside program would.
 *
 * @param store - the store of the running test, holding the entry
 * @param key - the entry to damage
 * @param change - returns the damaged bytes; it may change the array it is given in place
 *
 * @example
 * ```ts
 * const corrupt: CorruptEntry = (store, key, change) => {
 *   const row = raw.prepare('SELECT data FROM entries WHERE key = ?').pluck().get(key) as string;
 *   const damaged = change(new TextEncoder().encode(row));
 *   raw.prepare('UPDATE entries SET data = ? WHERE key = ?').run(Buffer.from(damaged).toString(), key);
 * };
 * ```
 */
export type CorruptEntry = (
  store: StateStore,
  key: string,
  change: (bytes: Uint8Array) => Uint8Array,
) => Promise<void> | void;

/**
 * How a store keeps a damaged entry from being read back as valid state; the conformance suite
 * requires exactly one of the two fields.
 *
 * @example
 * ```ts
 * const integrity: StoreIntegrity = {
 *   guarantee: 'entries live in this process only, as immutable strings',
 * };
 * ```
 */
export interface StoreIntegrity {
  /**
   * For a store that detects damage itself (a checksum verified on every read): changes an
   * entry's stored bytes underneath the store. The suite damages entries through it and requires
   * every `get` of them to reject with `data_corrupted` naming the key, `list` to fail that way or
   * leave the entry out, other entries to stay readable, and a `put` or `delete` to still replace
   * or remove the damaged entry.
   */
  corrupt?: CorruptEntry;
  /**
   * For a backend that itself guarantees that what is read is what was written (a database that
   * checksums its pages and refuses a damaged one, memory that never leaves the process): one
   * sentence naming the guarantee, shown as the name of the suite's skipped corruption test.
   */
  guarantee?: string;
}

const marker = 'AMOUNT-1000-EUR';

/** Replaces `1000` in the marker with `9000`, or flips a bit in the middle if it is not there. */
function flipDigit(bytes: Uint8Array): Uint8Array {
  const text = new TextEncoder().encode(marker);
  const at = indexOf(bytes, text);
  const position = at === -1 ? Math.floor(bytes.length / 2) : at + marker.indexOf('1');
  if (at === -1) bytes[position] = (bytes[position] ?? 0) ^ 0x08;
  else bytes[position] = '9'.charCodeAt(0);
  return bytes;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let start = 0; start + needle.length <= haystack.length; start += 1) {
    for (let offset = 0; offset < needle.length; offset += 1)
      if (haystack[start + offset] !== needle[offset]) continue outer;
    return start;
  }
  return -1;
}

/**
 * Registers the tests of damaged entries: a byte changed underneath the store is never read back
 * as valid state.
 *
 * @internal
 */
export function describeIntegrityConformance(
  context: ConformanceContext,
  integrity: StoreIntegrity,
): void {
  describe('integrity', () => {
    if (integrity.corrupt === undefined) {
      it.skip(`leaves damaged entries to its backend: ${String(integrity.guarantee)}`, () => {});
      return;
    }
    const corrupt = integrity.corrupt;
    const payment = { amount: marker, note: 'paid' };

    it('rejects a get of an entry whose stored bytes changed with data_corrupted naming the key', async () => {
      const store = context.store();
      await store.put('payment:a', entry(payment));
      await corrupt(store, 'payment:a', flipDigit);
      const error = await expectRejection(store.get('payment:a'), 'data_corrupted');
      expect(error.recoverable).toBe(false);
      expect(error.details['key']).toBe('payment:a');
      expect(error.suggestions.length).toBeGreaterThan(0);
    });

    it('never lists the changed value as valid, and keeps other entries readable', async () => {
      const store = context.store();
      await store.put('payment:a', entry(payment));
      const neighbour = await store.put('payment:b', entry({ amount: 'AMOUNT-2000-EUR' }));
      await corrupt(store, 'payment:a', flipDigit);
      // A store may fail the page or leave the damaged entry out of it; it may not return it.
      const outcome = await store.list('payment:').then(
        (page) => ({ page }),
        (reason: unknown) => ({ reason }),
      );
      if ('reason' in outcome) {
        expect(AgentryError.isInstance(outcome.reason), 'the rejection is an AgentryError').toBe(
          true,
        );
        const error = outcome.reason as AgentryError;
        expect(error.code).toBe('data_corrupted');
        expect(error.details['key']).toBe('payment:a');
      } else {
        expect(outcome.page.entries.map((item) => item.key)).not.toContain('payment:a');
      }
      expect(await store.get('payment:b')).toStrictEqual(neighbour);
    });

    it('detects a single flipped bit at any position of the stored bytes', async () => {
      const store = context.store();
      await store.put('payment:a', entry({ amount: marker }));
      let length = 0;
      await corrupt(store, 'payment:a', (bytes) => {
        length = bytes.length;
        return bytes;
      });
      expect(await store.get('payment:a')).toMatchObject({ data: { amount: marker } });
      expect(length, 'the stored bytes of the entry').toBeGreaterThan(0);
      for (let position = 0; position < Math.min(length, 256); position += 1) {
        const flip = (bytes: Uint8Array) => {
          bytes[position] = (bytes[position] ?? 0) ^ (1 << (position % 8));
          return bytes;
        };
        await corrupt(store, 'payment:a', flip);
        const error = await expectRejection(store.get('payment:a'), 'data_corrupted');
        expect(error.details['key']).toBe('payment:a');
        await corrupt(store, 'payment:a', flip);
        expect((await store.get('payment:a'))?.data).toStrictEqual({ amount: marker });
      }
    });

    it('lets a put replace a damaged entry, and a delete remove it', async () => {
      const store = context.store();
      await store.put('payment:a', entry(payment));
      await store.put('payment:b', entry(payment));
      await corrupt(store, 'payment:a', flipDigit);
      await corrupt(store, 'payment:b', flipDigit);
      const rebuilt = await store.put(
        'payment:a',
        entry({ amount: 'AMOUNT-1000-EUR', note: 're' }),
      );
      expect(await store.get('payment:a')).toStrictEqual(rebuilt);
      expect(await store.delete('payment:b')).toBe(true);
      expect(await store.get('payment:b')).toBeUndefined();
    });
  });
}
