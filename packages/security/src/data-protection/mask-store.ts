import type { Masker, StateStore, StoreWrapper } from '@agentry/core';

/**
 * Options of {@link maskingStoreWrapper}.
 *
 * @example
 * ```ts
 * import type { MaskingStoreOptions } from '@agentry/security';
 *
 * const options: MaskingStoreOptions = { masker: () => undefined, kinds: ['agent'] };
 * console.log(options.kinds);
 * ```
 */
export interface MaskingStoreOptions {
  /** The masker, looked up at each write (the instance's `services.masker`). */
  readonly masker: () => Masker | undefined;
  /**
   * The kinds of entries masked before they are stored: `agent` holds conversations (the users'
   * messages, the answers, tool arguments and results); `workflow-run` and `workflow-step` hold
   * runs' inputs and step results. Other kinds (leases, indexes, schedules) are left alone.
   */
  readonly kinds: readonly string[];
  /** The tenant the values belong to, passed to the masker (for per-tenant pseudonyms). */
  readonly tenant?: string;
}

/**
 * A store decorator (for `host.wrapStore`) that masks the data of chosen kinds of entries before
 * they are written, with the purpose `storage`: persisted conversations then hold `[EMAIL]` or a
 * pseudonym where the user wrote an address, and a tool's arguments hold `[SECRET:openai]` where
 * a key was passed. Reads return what was stored. The agent sees the masked text when it reloads
 * a conversation: that is the price of not storing the original, so switch it on for the kinds
 * where that is acceptable.
 *
 * A masker that throws fails the write (the entry is not stored unmasked).
 *
 * @example
 * ```ts
 * import { createMemoryStore, services } from '@agentry/core';
 * import { createMasker, maskingStoreWrapper } from '@agentry/security';
 *
 * const masker = createMasker();
 * const wrap = maskingStoreWrapper({ masker: () => masker, kinds: ['agent'] });
 * const store = wrap(createMemoryStore(), 'agents');
 * const saved = await store.put('agent:a-1', { kind: 'agent', schemaVersion: '1', data: { text: 'mail me: ada@example.com' } });
 * console.log(saved.data, services.masker.id); // { text: 'mail me: [EMAIL]' }
 * ```
 */
export function maskingStoreWrapper(options: MaskingStoreOptions): StoreWrapper {
  const kinds = new Set(options.kinds);
  const tenant = options.tenant;
  return (store: StateStore): StateStore => ({
    get: (key) => store.get(key),
    async put(key, value, putOptions) {
      const masker = kinds.has(value.kind) ? options.masker() : undefined;
      if (masker === undefined) return store.put(key, value, putOptions);
      const data = masker.mask(value.data, {
        purpose: 'storage',
        field: `${value.kind}.data`,
        ...(tenant === undefined ? {} : { tenant }),
      });
      return store.put(key, { ...value, data }, putOptions);
    },
    delete: (key, deleteOptions) => store.delete(key, deleteOptions),
    list: (prefix, listOptions) => store.list(prefix, listOptions),
    close: () => store.close(),
  });
}
