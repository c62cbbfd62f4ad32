/* eslint-disable @typescript-eslint/unbound-method -- process.emitWarning is saved and put back as it is */
import { AgentryError } from '@agentry/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testedDrivers } from '../__fixtures__/drivers.js';
import type { BetterSqlite3Constructor } from './better-sqlite3-driver.js';
import {
  loadSqliteDriver,
  nodeSqliteBuiltIn,
  withoutSqliteExperimentalWarning,
  type DriverEnvironment,
} from './load-sqlite-driver.js';
import type { NodeSqliteModule } from './node-sqlite-driver.js';

/** Stands in for a module: a constructor whose connections only open and close. */
class FakeDatabase {
  close(): void {}
}
const fakeNodeSqlite = { DatabaseSync: FakeDatabase } as unknown as NodeSqliteModule;
const fakeBetterSqlite3 = FakeDatabase as unknown as BetterSqlite3Constructor;

function moduleNotFound(name: string): Error {
  return Object.assign(new Error(`Cannot find module '${name}'\nRequire stack:\n- /app/x.js`), {
    code: 'MODULE_NOT_FOUND',
  });
}

function environment(overrides: Partial<DriverEnvironment>): DriverEnvironment {
  return {
    nodeVersion: '24.0.0',
    loadNodeSqlite: () => fakeNodeSqlite,
    requireBetterSqlite3: () => {
      throw moduleNotFound('better-sqlite3');
    },
    ...overrides,
  };
}

function thrown(action: () => unknown): AgentryError {
  try {
    action();
  } catch (error) {
    if (AgentryError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a throw');
}

describe('loadSqliteDriver', () => {
  it('takes node:sqlite first where Node has it built in, without loading better-sqlite3', () => {
    const requireBetterSqlite3 = vi.fn(() => fakeBetterSqlite3);
    const driver = loadSqliteDriver('auto', environment({ requireBetterSqlite3 }));
    expect(driver.name).toBe('node:sqlite');
    expect(requireBetterSqlite3).not.toHaveBeenCalled();
  });

  it('takes better-sqlite3 on a Node without node:sqlite, without asking Node for it', () => {
    const loadNodeSqlite = vi.fn(() => fakeNodeSqlite);
    const driver = loadSqliteDriver(
      'auto',
      environment({
        nodeVersion: '22.12.0',
        loadNodeSqlite,
        requireBetterSqlite3: () => fakeBetterSqlite3,
      }),
    );
    expect(driver.name).toBe('better-sqlite3');
    expect(loadNodeSqlite).not.toHaveBeenCalled();
  });

  it('loads a driver once per process', () => {
    const requireBetterSqlite3 = vi.fn(() => fakeBetterSqlite3);
    const once = environment({ nodeVersion: '20.19.0', requireBetterSqlite3 });
    expect(loadSqliteDriver('auto', once)).toBe(loadSqliteDriver('better-sqlite3', once));
    expect(requireBetterSqlite3).toHaveBeenCalledTimes(1);
  });

  it('says what to install when Node 20 has neither driver', () => {
    const error = thrown(() => loadSqliteDriver('auto', environment({ nodeVersion: '20.19.0' })));
    expect(error.code).toBe('plugin_missing');
    expect(error.message).toContain('Node.js 20.19.0');
    expect(error.message).toContain('better-sqlite3 is not installed');
    expect(error.message).toContain('22.13');
    expect(error.details).toEqual({
      driver: 'auto',
      nodeVersion: '20.19.0',
      unavailable: [
        { driver: 'node:sqlite', reason: expect.stringContaining('22.13') as unknown },
        { driver: 'better-sqlite3', reason: 'better-sqlite3 is not installed' },
      ],
    });
    expect(error.suggestions).toEqual([
      expect.stringContaining('Node.js 22.13 or later'),
      expect.stringContaining('npm install better-sqlite3@^12'),
    ]);
    expect(error.cause).toMatchObject({ code: 'MODULE_NOT_FOUND' });
  });

  it('refuses node:sqlite, asked for by name, on a Node that lacks it', () => {
    for (const nodeVersion of ['20.19.0', '22.12.0', '23.3.0']) {
      const error = thrown(() => loadSqliteDriver('node:sqlite', environment({ nodeVersion })));
      expect(error.code).toBe('plugin_missing');
      expect(error.message).toContain(
        `cannot use the SQLite driver node:sqlite on Node.js ${nodeVersion}`,
      );
      expect(error.details).toMatchObject({ driver: 'node:sqlite' });
      expect(error.suggestions.join(' ')).toContain('"auto"');
    }
  });

  it('refuses better-sqlite3, asked for by name, where it is not installed, even with node:sqlite', () => {
    const error = thrown(() => loadSqliteDriver('better-sqlite3', environment({})));
    expect(error.details).toMatchObject({
      driver: 'better-sqlite3',
      unavailable: [{ driver: 'better-sqlite3', reason: 'better-sqlite3 is not installed' }],
    });
  });

  it('reports a Node started with --no-experimental-sqlite', () => {
    const error = thrown(() =>
      loadSqliteDriver('node:sqlite', environment({ loadNodeSqlite: () => undefined })),
    );
    expect(error.message).toContain('--no-experimental-sqlite');
  });

  it.each([
    [
      'a native addon that was never built',
      new Error('Could not locate the bindings file. Tried:\n → /app/build/better_sqlite3.node'),
      'its native addon was never built',
    ],
    [
      'a native addon built for another Node',
      new Error(
        'The module was compiled against a different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 137.',
      ),
      'built for another version of Node.js',
    ],
  ])('tells %s apart, and says to rebuild it', (_, failure, reason) => {
    class Unbuilt {
      constructor() {
        throw failure;
      }
    }
    const error = thrown(() =>
      loadSqliteDriver(
        'auto',
        environment({
          nodeVersion: '20.19.0',
          requireBetterSqlite3: () => Unbuilt as unknown as BetterSqlite3Constructor,
        }),
      ),
    );
    expect(error.details.unavailable).toContainEqual({
      driver: 'better-sqlite3',
      reason: expect.stringContaining(reason) as unknown,
    });
    expect(error.suggestions.join(' ')).toContain('npm rebuild better-sqlite3');
    expect(error.cause).toBe(failure);
  });

  it('reports a broken install of better-sqlite3 apart from a missing one', () => {
    const error = thrown(() =>
      loadSqliteDriver(
        'better-sqlite3',
        environment({
          requireBetterSqlite3: () => {
            throw moduleNotFound('bindings');
          },
        }),
      ),
    );
    expect(error.message).toContain("better-sqlite3 failed to load: Cannot find module 'bindings'");
    expect(error.suggestions.join(' ')).toContain('npm rebuild better-sqlite3');
  });
});

describe('nodeSqliteBuiltIn', () => {
  it.each([
    ['20.19.0', false],
    ['22.5.0', false],
    ['22.12.0', false],
    ['22.13.0', true],
    ['22.23.1', true],
    ['23.3.0', false],
    ['23.4.0', true],
    ['24.0.0', true],
    ['26.1.0', true],
  ])('Node %s: %s', (version, builtIn) => {
    expect(nodeSqliteBuiltIn(version)).toBe(builtIn);
  });

  it('matches the drivers this Node loads', () => {
    expect(testedDrivers.includes('node:sqlite')).toBe(nodeSqliteBuiltIn(process.versions.node));
    // Without node:sqlite the store runs on better-sqlite3 alone, which must then be here.
    expect(testedDrivers.length).toBeGreaterThan(0);
  });
});

describe('withoutSqliteExperimentalWarning', () => {
  const emitWarning = process.emitWarning;
  afterEach(() => {
    process.emitWarning = emitWarning;
  });

  it("holds back Node's SQLite ExperimentalWarning and lets every other warning through", () => {
    const seen: unknown[][] = [];
    process.emitWarning = (...parameters: unknown[]) => {
      seen.push(parameters);
    };
    const spied = process.emitWarning;
    const result = withoutSqliteExperimentalWarning(() => {
      process.emitWarning(
        'SQLite is an experimental feature and might change at any time',
        'ExperimentalWarning',
      );
      process.emitWarning('SQLite is an experimental feature and might change at any time', {
        type: 'ExperimentalWarning',
      });
      process.emitWarning('VM modules is an experimental feature', 'ExperimentalWarning');
      process.emitWarning('SQLite said something else', 'DeprecationWarning');
      return 'module';
    });
    expect(result).toBe('module');
    expect(seen).toEqual([
      ['VM modules is an experimental feature', 'ExperimentalWarning'],
      ['SQLite said something else', 'DeprecationWarning'],
    ]);
    expect(process.emitWarning).toBe(spied);
  });

  it('puts process.emitWarning back when loading throws', () => {
    const before = process.emitWarning;
    expect(() =>
      withoutSqliteExperimentalWarning(() => {
        throw new Error('no module');
      }),
    ).toThrow('no module');
    expect(process.emitWarning).toBe(before);
  });
});
