import { describe, expect, it, vi } from 'vitest';
import { createMemoryRealtimeLog } from './memory-realtime-log.js';

describe('createMemoryRealtimeLog', () => {
  describe('watch', () => {
    it('reports a throwing listener and still appends and calls the other listeners', async () => {
      const onListenerError = vi.fn();
      const log = createMemoryRealtimeLog({ onListenerError });
      await log.create('run/r-1');
      const seen: string[] = [];
      log.watch('run/r-1', () => {
        throw new Error('listener broke');
      });
      log.watch('run/r-1', (entries) => seen.push(...entries.map((entry) => entry.offset)));
      const result = await log.append('run/r-1', ['1', '2']);
      expect(seen).toEqual(result.offsets);
      expect(onListenerError).toHaveBeenCalledTimes(1);
      expect(onListenerError.mock.calls[0]?.[1]).toBe('run/r-1');
      expect((await log.read('run/r-1', '-1')).entries).toHaveLength(2);
    });

    it('calls listeners before append resolves, with the entries stored', async () => {
      const log = createMemoryRealtimeLog();
      await log.create('run/r-1');
      let calledBeforeResolve = false;
      let resolved = false;
      log.watch('run/r-1', () => {
        calledBeforeResolve = !resolved;
      });
      await log.append('run/r-1', ['true']).then(() => {
        resolved = true;
      });
      expect(calledBeforeResolve).toBe(true);
    });
  });

  describe('append', () => {
    it('keeps its own copy of appended bytes', async () => {
      const log = createMemoryRealtimeLog();
      await log.create('bytes/b', { contentType: 'application/octet-stream' });
      const bytes = new Uint8Array([1, 2, 3]);
      await log.append('bytes/b', [bytes]);
      bytes[0] = 9;
      const page = await log.read('bytes/b', '-1');
      expect([...(page.entries[0]?.data as Uint8Array)]).toEqual([1, 2, 3]);
    });

    it('trims a long-running channel to maxEntries', async () => {
      const log = createMemoryRealtimeLog({ maxEntries: 100 });
      await log.create('run/long');
      for (let batch = 0; batch < 200; batch += 1)
        await log.append(
          'run/long',
          Array.from({ length: 50 }, (_, index) => String(batch * 50 + index)),
        );
      const page = await log.read('run/long', '-1');
      expect(page.entries.map((entry) => entry.data)).toEqual(
        Array.from({ length: 100 }, (_, index) => String(9_900 + index)),
      );
      expect(page.truncated).toBe(true);
    });
  });

  describe('close', () => {
    it('refuses use after close and stops watchers', async () => {
      const log = createMemoryRealtimeLog();
      await log.create('run/r-1');
      const listener = vi.fn();
      log.watch('run/r-1', listener);
      await log.close();
      await expect(log.append('run/r-1', ['1'])).rejects.toMatchObject({
        code: 'invalid_transition',
      });
      expect(listener).not.toHaveBeenCalled();
    });
  });
});
