import { describe, expect, it } from 'vitest';
import { testedDrivers } from '../__fixtures__/drivers.js';
import { nodeSqliteConnection, type NodeSqliteModule } from './node-sqlite-driver.js';

describe.runIf(testedDrivers.includes('node:sqlite'))('nodeSqliteConnection', () => {
  it('tells whether a transaction is open on a Node without isTransaction (22.13 to 22.15)', () => {
    const { DatabaseSync } = process.getBuiltinModule('node:sqlite') as NodeSqliteModule;
    const database = new DatabaseSync(':memory:');
    try {
      // What Node 22.13 offers: no isTransaction.
      const connection = nodeSqliteConnection({
        prepare: (source) => database.prepare(source),
        exec: (source) => database.exec(source),
        close: () => database.close(),
      });
      expect(connection.inTransaction).toBe(false);
      // The check left no transaction open: BEGIN works.
      database.exec('BEGIN IMMEDIATE');
      expect(connection.inTransaction).toBe(true);
      // The check kept the transaction open: COMMIT works (it throws without a transaction).
      database.exec('COMMIT');
      expect(connection.inTransaction).toBe(false);
      expect(() => database.exec('COMMIT')).toThrow(/no transaction is active/);
    } finally {
      database.close();
    }
  });
});
