import { definePlugin, type AgentryPlugin } from '@agentry/core';
import { createSqliteStore } from './create-sqlite-store.js';
import type { SqliteStoreOptions } from './sqlite-store-options.js';
import { VERSION } from './version.js';

/**
 * Options of {@link sqliteStore}: the store's, plus the name configuration knows it by.
 *
 * @example
 * ```ts
 * import { createAgentry, loadConfiguration } from '@agentry/core';
 * import { sqliteStore, type SqliteStorePluginOptions } from '@agentry/store-sqlite';
 *
 * // Offered as "journal" rather than "sqlite": the workflows section then says
 * // defaults: { store: 'journal' }.
 * const options: SqliteStorePluginOptions = { path: './data/runs.db', name: 'journal' };
 * const agentry = await createAgentry({
 *   config: await loadConfiguration('agentry.config.json'),
 *   plugins: [sqliteStore(options)],
 * });
 * const store = agentry.store('journal');
 * ```
 */
export interface SqliteStorePluginOptions extends SqliteStoreOptions {
  /** The name the store is offered under (default `sqlite`). */
  name?: string;
}

/**
 * Creates the SQLite store plug-in: at setup it opens a store with {@link createSqliteStore} and
 * offers it to the Agentry instance under `name` (`sqlite` unless set), so configuration can name
 * it (the `workflows` section's `defaults.store: "sqlite"`) and `agentry.store('sqlite')` returns
 * it. The store is closed when the instance shuts down.
 *
 * @throws AgentryError `validation_failed` (as the cause of `plugin_setup_failed`) for invalid
 *   store options, and `plugin_missing` (likewise) when no SQLite driver can be loaded, as
 *   {@link createSqliteStore} does
 * @example
 * ```ts
 * import { createAgentry } from '@agentry/core';
 * import { sqliteStore } from '@agentry/store-sqlite';
 * import { workflows } from '@agentry/workflows';
 *
 * const agentry = await createAgentry({
 *   config, // its workflows section says defaults: { store: 'sqlite' }
 *   plugins: [sqliteStore({ path: './data/runs.db' }), workflows()],
 * });
 * agentry.store('sqlite'); // the open store
 * ```
 */
export function sqliteStore(options: SqliteStorePluginOptions): AgentryPlugin {
  const { name = 'sqlite', ...storeOptions } = options;
  return definePlugin({
    name: '@agentry/store-sqlite',
    version: VERSION,
    // Released together with core (one fixed version group), so it needs core's same minor.
    requires: { '@agentry/core': `^${VERSION}` },
    setup(host) {
      const store = createSqliteStore(storeOptions);
      host.onShutdown(() => store.close());
      host.provideStore(name, store);
    },
  });
}
