import { createRequire } from 'node:module';
import { AgentryError } from '@agentry/core';
import { betterSqlite3Driver, type BetterSqlite3Constructor } from './better-sqlite3-driver.js';
import { nodeSqliteDriver, type NodeSqliteModule } from './node-sqlite-driver.js';
import type { SqliteDriver, SqliteDriverChoice, SqliteDriverName } from './sqlite-connection.js';

/**
 * Where drivers come from; tests pass their own.
 *
 * @internal
 */
export interface DriverEnvironment {
  /** The running Node.js version, without the `v` (`process.versions.node`). */
  nodeVersion: string;
  /** Returns the `node:sqlite` module, or `undefined` when this Node does not offer it. */
  loadNodeSqlite(): NodeSqliteModule | undefined;
  /** Returns better-sqlite3's `Database` class; throws when it cannot be loaded. */
  requireBetterSqlite3(): BetterSqlite3Constructor;
}

/** The better-sqlite3 versions this store supports (its optional peer dependency). */
const betterSqlite3Range = '^12';

/**
 * Whether `node:sqlite` is built into a Node.js version without a flag: from 22.13 on the 22 line,
 * from 23.4 on the 23 line, and every later major.
 *
 * @internal
 * @example
 * ```ts
 * nodeSqliteBuiltIn('22.12.0'); // false
 * nodeSqliteBuiltIn('24.0.0'); // true
 * ```
 */
export function nodeSqliteBuiltIn(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major === 22) return minor >= 13;
  if (major === 23) return minor >= 4;
  return major >= 24;
}

/**
 * Runs `load` with Node's one-time "SQLite is an experimental feature" `ExperimentalWarning`
 * (printed by Node 22 and early 24 releases when `node:sqlite` is first loaded) held back; every
 * other warning goes through. The store, not the application, chose the module, so the
 * application's output stays its own; `driver: 'better-sqlite3'` avoids the module altogether.
 *
 * @internal
 * @example
 * ```ts
 * const sqlite = withoutSqliteExperimentalWarning(() => process.getBuiltinModule('node:sqlite'));
 * ```
 */
export function withoutSqliteExperimentalWarning<TResult>(load: () => TResult): TResult {
  // Saved as it is and put back unchanged; it is only ever called with process as this.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const emitWarning = process.emitWarning;
  process.emitWarning = function filtered(warning: string | Error, ...rest: unknown[]) {
    const message = typeof warning === 'string' ? warning : warning.message;
    const option = rest[0];
    const type =
      typeof option === 'string'
        ? option
        : typeof option === 'object' && option !== null && 'type' in option
          ? (option as { type?: unknown }).type
          : typeof warning === 'string'
            ? 'Warning'
            : warning.name;
    if (type === 'ExperimentalWarning' && message.startsWith('SQLite ')) return;
    (emitWarning as (...parameters: unknown[]) => void).call(process, warning, ...rest);
  };
  try {
    return load();
  } finally {
    process.emitWarning = emitWarning;
  }
}

const processEnvironment: DriverEnvironment = {
  nodeVersion: process.versions.node,
  loadNodeSqlite: () =>
    withoutSqliteExperimentalWarning(
      () => process.getBuiltinModule('node:sqlite') as NodeSqliteModule | undefined,
    ),
  requireBetterSqlite3: () =>
    // Loaded on first use, synchronously, so that createSqliteStore stays synchronous; resolved
    // from this package, where a package manager links its (optional) peer dependency.
    createRequire(import.meta.url)('better-sqlite3') as BetterSqlite3Constructor,
};

/** Why a driver could not be loaded, and what to do about it. */
interface Unavailable {
  driver: SqliteDriverName;
  reason: string;
  suggestion: string;
  cause?: unknown;
}

const loaded = new WeakMap<DriverEnvironment, Map<SqliteDriverName, SqliteDriver>>();

/**
 * Loads the driver a store asked for, once per process: `'auto'` takes `node:sqlite` where Node
 * has it built in (22.13 and later, 23.4 and later) and better-sqlite3 otherwise.
 *
 * @internal
 * @throws AgentryError `plugin_missing` when the driver (for `'auto'`, either driver) cannot be
 *   loaded, naming what to install or which Node.js to run, with each driver's reason in
 *   `details.unavailable`
 * @example
 * ```ts
 * const connection = loadSqliteDriver('auto').open(path, { readonly: false, busyTimeoutMs: 5000 });
 * ```
 */
export function loadSqliteDriver(
  choice: SqliteDriverChoice,
  environment: DriverEnvironment = processEnvironment,
): SqliteDriver {
  let drivers = loaded.get(environment);
  if (drivers === undefined)
    loaded.set(environment, (drivers = new Map<SqliteDriverName, SqliteDriver>()));
  const order: readonly SqliteDriverName[] =
    choice === 'auto' ? ['node:sqlite', 'better-sqlite3'] : [choice];
  const unavailable: Unavailable[] = [];
  for (const name of order) {
    const cached = drivers.get(name);
    if (cached !== undefined) return cached;
    const outcome =
      name === 'node:sqlite' ? tryNodeSqlite(environment) : tryBetterSqlite3(environment);
    if ('open' in outcome) {
      drivers.set(name, outcome);
      return outcome;
    }
    unavailable.push(outcome);
  }
  throw missingDriver(choice, environment.nodeVersion, unavailable);
}

function tryNodeSqlite(environment: DriverEnvironment): SqliteDriver | Unavailable {
  const { nodeVersion } = environment;
  const suggestion =
    'Run on Node.js 22.13 or later (23.4 or later on the 23 line), where node:sqlite is built in.';
  if (!nodeSqliteBuiltIn(nodeVersion))
    return {
      driver: 'node:sqlite',
      reason: `node:sqlite is built into Node.js from 22.13 and 23.4, and this is Node.js ${nodeVersion}`,
      suggestion,
    };
  let sqlite: NodeSqliteModule | undefined;
  try {
    sqlite = environment.loadNodeSqlite();
  } catch (error) {
    return { driver: 'node:sqlite', reason: describe(error), suggestion, cause: error };
  }
  if (sqlite === undefined)
    return {
      driver: 'node:sqlite',
      reason: `Node.js ${nodeVersion} does not offer node:sqlite (was it started with --no-experimental-sqlite?)`,
      suggestion: 'Start Node.js without --no-experimental-sqlite.',
    };
  return nodeSqliteDriver(sqlite);
}

function tryBetterSqlite3(environment: DriverEnvironment): SqliteDriver | Unavailable {
  const install = `Install better-sqlite3 (npm install better-sqlite3@${betterSqlite3Range}): npm downloads a prebuilt binary for common platforms, and compiles it otherwise, which needs Python, make and a C++ compiler.`;
  const rebuild =
    'Rebuild it for this Node.js with npm rebuild better-sqlite3 (where no prebuilt binary can be downloaded, this needs Python, make and a C++ compiler).';
  let driver: SqliteDriver;
  try {
    driver = betterSqlite3Driver(environment.requireBetterSqlite3());
  } catch (error) {
    const missing =
      (error as { code?: unknown }).code === 'MODULE_NOT_FOUND' &&
      describe(error).includes("'better-sqlite3'");
    return {
      driver: 'better-sqlite3',
      reason: missing
        ? 'better-sqlite3 is not installed'
        : `better-sqlite3 failed to load: ${describe(error)}`,
      suggestion: missing ? install : rebuild,
      cause: error,
    };
  }
  try {
    // The native addon loads with the first database: open one now, so that a missing or
    // mismatched build is reported here, as a missing driver, rather than as a SQLite failure.
    driver.open(':memory:', { readonly: false, busyTimeoutMs: 0 }).close();
  } catch (error) {
    const message = describe(error);
    const reason = /NODE_MODULE_VERSION/.test(message)
      ? 'better-sqlite3 was built for another version of Node.js'
      : /bindings file/.test(message)
        ? 'better-sqlite3 is installed but its native addon was never built (no prebuilt binary was downloaded and no compiler was found at install time)'
        : `better-sqlite3 failed to load: ${message}`;
    return { driver: 'better-sqlite3', reason, suggestion: rebuild, cause: error };
  }
  return driver;
}

function missingDriver(
  choice: SqliteDriverChoice,
  nodeVersion: string,
  unavailable: readonly Unavailable[],
): AgentryError {
  const reasons = unavailable.map((item) => item.reason).join('; ');
  const message =
    choice === 'auto'
      ? `@agentry/store-sqlite found no SQLite driver on Node.js ${nodeVersion}: ${reasons}. Install better-sqlite3, or run on Node.js 22.13 or later, which has node:sqlite built in.`
      : `@agentry/store-sqlite cannot use the SQLite driver ${choice} on Node.js ${nodeVersion}: ${reasons}.`;
  const suggestions = unavailable.map((item) => item.suggestion);
  if (choice !== 'auto')
    suggestions.push(
      `Or leave driver out (or set it to "auto") to use whichever driver this Node.js can load.`,
    );
  const cause = unavailable.findLast((item) => item.cause !== undefined)?.cause;
  return new AgentryError({
    code: 'plugin_missing',
    message,
    details: {
      driver: choice,
      nodeVersion,
      unavailable: unavailable.map(({ driver, reason }) => ({ driver, reason })),
    },
    suggestions,
    ...(cause === undefined ? {} : { cause }),
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
