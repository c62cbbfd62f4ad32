import { describe, expect, it } from 'vitest';
import { defineMigration } from './define-migration.js';

describe('defineMigration', () => {
  describe('call', () => {
    it('does keep the versions and flags and forward up and down to the definition', () => {
      const migration = defineMigration<
        { schemaVersion: string; a: number },
        { schemaVersion: string; b: number }
      >({
        from: '1',
        to: '2',
        description: 'Rename a to b.',
        breaking: true,
        up: ({ a, ...rest }) => ({ ...rest, b: a }),
        down: ({ b, ...rest }) => ({ ...rest, a: b }),
      });
      expect(migration).toMatchObject({
        from: '1',
        to: '2',
        description: 'Rename a to b.',
        breaking: true,
      });
      expect(migration.up({ schemaVersion: '1', a: 5 })).toEqual({ schemaVersion: '1', b: 5 });
      expect(migration.down?.({ schemaVersion: '2', b: 5 })).toEqual({ schemaVersion: '2', a: 5 });
    });

    it('does leave down and breaking out when the definition has none', () => {
      const migration = defineMigration({ from: '1', to: '2', description: 'Noop.', up: (d) => d });
      expect('down' in migration).toBe(false);
      expect('breaking' in migration).toBe(false);
    });
  });
});
