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
      expect(database.isTransaction).toBe(false);
      database.exec('BEGIN IMMEDIATE');
      expect(connection.inTransaction).toBe(true);
      expect(database.isTransaction).toBe(true);
      database.exec('COMMIT');
      expect(connection.inTransaction).toBe(false);
      // The check left no transaction behind.
      expect(database.isTransaction).toBe(false);
    } finally {
      database.close();
    }
  });
});
