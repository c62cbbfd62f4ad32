import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRealtimeClient } from './realtime-client.js';
import type { RealtimeWebSocketConstructor } from './transports/transport.js';

describe('createRealtimeClient', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  describe('reconnecting', () => {
    it('waits a full-jitter exponential delay between attempts, capped at maxMs', async () => {
      const fetch = vi.fn<typeof globalThis.fetch>(() =>
        Promise.reject(new TypeError('fetch failed')),
      );
      const client = createRealtimeClient({
        url: 'http://127.0.0.1:9/realtime',
        transports: ['long_polling'],
        fetch,
        backoff: { initialMs: 250, maxMs: 1_000, factor: 2 },
        random: () => 0.999,
      });
      const iterator = client.channel('run/r-1')[Symbol.asyncIterator]();
      void iterator.next();
      await vi.advanceTimersByTimeAsync(0);
      expect(fetch).toHaveBeenCalledTimes(1);
      // Delays: floor(0.999 * min(1000, 250 * 2^attempt)) = 249, 499, 999, 999.
      for (const [delay, calls] of [
        [249, 2],
        [499, 3],
        [999, 4],
        [999, 5],
      ] as const) {
        await vi.advanceTimersByTimeAsync(delay - 1);
        expect(fetch).toHaveBeenCalledTimes(calls - 1);
        await vi.advanceTimersByTimeAsync(1);
        expect(fetch).toHaveBeenCalledTimes(calls);
      }
      client.close();
      await vi.advanceTimersByTimeAsync(10_000);
      expect(fetch).toHaveBeenCalledTimes(5);
    });

    it('falls back at once, without waiting, when the transport is blocked', async () => {
      const urls: string[] = [];
      const fetch = vi.fn<typeof globalThis.fetch>((input) => {
        urls.push(input as string);
        return Promise.reject(new TypeError('fetch failed'));
      });
      // A WebSocket constructor that throws (a policy forbids it) counts as blocked.
      const Forbidden = function () {
        throw new Error('WebSocket is forbidden here');
      } as unknown as RealtimeWebSocketConstructor;
      const client = createRealtimeClient({
        url: 'http://127.0.0.1:9/realtime',
        transports: ['websocket', 'sse', 'long_polling'],
        fetch,
        WebSocket: Forbidden,
        random: () => 0.999,
        maxConnectFailures: 2,
      });
      const iterator = client.channel('run/r-1')[Symbol.asyncIterator]();
      void iterator.next();
      await vi.advanceTimersByTimeAsync(0);
      expect(urls).toEqual(['http://127.0.0.1:9/realtime/streams/run/r-1?offset=-1&live=sse']);
      // Two SSE failures (one backoff between them), then long polling at once.
      await vi.advanceTimersByTimeAsync(249);
      expect(urls.at(-1)).toContain('live=sse');
      await vi.advanceTimersByTimeAsync(1);
      expect(urls.at(-1)).toContain('live=long-poll');
      expect(urls).toHaveLength(3);
      client.close();
    });
  });
});
