import { describe, expect, it } from 'vitest';
import { createMemoryBackupStore } from './create-memory-backup-store.js';

describe('createMemoryBackupStore', () => {
  describe('put', () => {
    it('does keep a copy the caller cannot change afterwards', async () => {
      const store = createMemoryBackupStore();
      const document = { schemaVersion: '1', nested: { value: 1 } };
      await store.put('configuration/a/1/t', document);
      document.nested.value = 2;
      const stored = await store.get('configuration/a/1/t');
      expect(stored).toEqual({ schemaVersion: '1', nested: { value: 1 } });
      (stored?.['nested'] as { value: number }).value = 3;
      expect(await store.get('configuration/a/1/t')).toEqual({
        schemaVersion: '1',
        nested: { value: 1 },
      });
    });
  });

  describe('list', () => {
    it('does list sorted keys under a prefix and forget deleted ones', async () => {
      const store = createMemoryBackupStore();
      await store.put('configuration/b', {});
      await store.put('agent-state/a', {});
      await store.put('configuration/a', {});
      expect(await store.list('configuration/')).toEqual(['configuration/a', 'configuration/b']);
      await store.delete('configuration/a');
      await store.delete('missing');
      expect(await store.list()).toEqual(['agent-state/a', 'configuration/b']);
      expect(await store.get('configuration/a')).toBeUndefined();
    });
  });
});
