import { AgentryError, type StateStore } from '@agentry/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConformanceContext } from './conformance-context.js';
import { describeConcurrencyConformance } from './describe-concurrency-conformance.js';
import {
  describeIntegrityConformance,
  type StoreIntegrity,
} from './describe-integrity-conformance.js';
import { describeListConformance } from './describe-list-conformance.js';
import { describeReadWriteConformance } from './describe-read-write-conformance.js';
import { describeValidationConformance } from './describe-validation-conformance.js';

/** Options of {@link describeStateStoreConformance}. */
export interface StateStoreConformanceOptions {
  /**
   * Runs after each test, before the store is closed, to remove what the test wrote: drop a
   * table, delete a file, remove a key namespace. It also runs for the extra store the `close`
   * test creates, before that test closes it.
   */
  cleanup?(store: StateStore): Promise<void> | void;
  /**
   * How the store keeps a damaged entry from being read back as valid state: `{ corrupt }` lets
   * the suite change an entry's bytes underneath the store and checks that every read rejects with
   * `data_corrupted`; `{ guarantee }` states the backend's own guarantee instead. See
   * {@link StoreIntegrity}.
   */
  integrity: StoreIntegrity;
}

/**
 * Registers a vitest `describe` block that checks a {@link StateStore} implementation against the
 * contract every store must keep: JSON round trips (nested, large, unicode), revisions and
 * timestamps, optimistic concurrency (`expectedRevision` on `put` and `delete`, concurrent writers
 * of one key, exactly one of whom wins), copies instead of shared objects, `list` by plain string
 * prefix in code point order with pagination, the refusal of invalid keys, arguments and data
 * without writing anything, and integrity: an entry whose bytes changed underneath the store is
 * never read back as valid state (`options.integrity`). Call it at the top level of a test file; it needs `vitest`, an
 * optional peer dependency of `@agentry/testing`.
 *
 * `factory` runs before each test and must return an **empty** store; each test closes its store
 * afterwards (after `options.cleanup`). Point it at a fresh database, file, schema or key
 * namespace per call.
 *
 * @param name - names the block, such as `createSqliteStore`
 * @param factory - creates an empty store for one test
 * @param options - how the store detects damaged entries (required), and cleanup after each test
 * @throws Error when `options.integrity` gives not exactly one of a `corrupt` hook and a `guarantee`; from the
 *   registered tests' `beforeEach` when the factory's store is not empty
 * @example
 * ```ts
 * // sqlite-store.conformance.test.ts
 * import { describeStateStoreConformance } from '@agentry/testing/vitest';
 * import { rm } from 'node:fs/promises';
 * import { createMyStore, damageEntry } from './create-my-store.js';
 *
 * let file = '';
 * describeStateStoreConformance(
 *   'createMyStore',
 *   () => createMyStore({ path: (file = `/tmp/store-${crypto.randomUUID()}.db`) }),
 *   {
 *     // damageEntry reads the entry's stored bytes, applies change, writes them back directly
 *     integrity: { corrupt: (store, key, change) => damageEntry(file, key, change) },
 *     cleanup: async (store) => { await store.close(); await rm(file, { force: true }); },
 *   },
 * );
 * ```
 */
export function describeStateStoreConformance(
  name: string,
  factory: () => Promise<StateStore> | StateStore,
  options: StateStoreConformanceOptions,
): void {
  // Checked at run time too: JavaScript callers and older call sites pass no options.
  const given = options as Partial<StateStoreConformanceOptions> | undefined;
  const integrity: StoreIntegrity | undefined = given?.integrity;
  const hasHook = typeof integrity?.corrupt === 'function';
  const hasGuarantee =
    typeof integrity?.guarantee === 'string' && integrity.guarantee.trim() !== '';
  if (hasHook === hasGuarantee)
    throw new Error(
      `describeStateStoreConformance(${JSON.stringify(name)}) needs options.integrity with exactly one of { corrupt(store, key, change) }, to let the suite damage an entry underneath the store, or { guarantee: '...' }, naming the backend's own integrity guarantee.`,
    );
  describe(`${name} (StateStore conformance)`, () => {
    let current: StateStore | undefined;

    beforeEach(async () => {
      current = await factory();
      const existing = await current.list('', { limit: 1 });
      if (existing.entries.length > 0)
        throw new Error(
          `The store factory of ${name} returned a store holding ${JSON.stringify(existing.entries[0]?.key)}; the conformance suite needs an empty store for every test.`,
        );
    });

    afterEach(async () => {
      const store = current;
      current = undefined;
      if (store === undefined) return;
      await options.cleanup?.(store);
      await store.close();
    });

    const context: ConformanceContext = {
      store() {
        if (current === undefined) throw new Error('The store is only available inside a test.');
        return current;
      },
      createStore: async () => factory(),
    };

    describeReadWriteConformance(context);
    describeConcurrencyConformance(context);
    describeListConformance(context);
    describeValidationConformance(context);
    describeIntegrityConformance(context, options.integrity);

    describe('close', () => {
      it('resolves when called twice, and later calls reject with an AgentryError', async () => {
        const store = await context.createStore();
        await options.cleanup?.(store);
        await store.close();
        await store.close();
        const outcome = await store.get('agent:a').then(
          () => 'resolved',
          (reason: unknown) => reason,
        );
        expect(AgentryError.isInstance(outcome), 'the rejection is an AgentryError').toBe(true);
      });
    });
  });
}
