import type { RealtimeEntry } from './realtime-log.js';

/**
 * A log's in-process `watch` listeners by channel: what every {@link RealtimeLog} backend uses
 * to implement `watch`, so that listener isolation behaves the same everywhere.
 *
 * @example
 * ```ts
 * import { createRealtimeWatchers, type RealtimeWatchers } from '@agentry/core';
 *
 * const watchers: RealtimeWatchers = createRealtimeWatchers((error) => console.error(error));
 * console.log(watchers.has('run/r-1')); // false
 * ```
 */
export interface RealtimeWatchers {
  /** Adds a listener; returns the function that removes it (each registration its own). */
  watch(channel: string, listener: (entries: readonly RealtimeEntry[]) => void): () => void;
  /**
   * Calls the channel's listeners in registration order. One that throws is reported to
   * `onListenerError` and the others are still called; nothing is thrown.
   */
  notify(channel: string, entries: readonly RealtimeEntry[]): void;
  /** Whether the channel has a listener (skip building a batch nobody reads). */
  has(channel: string): boolean;
  /** Removes every listener, as a log's `close()` does. */
  clear(): void;
}

/**
 * Creates a {@link RealtimeWatchers} registry. Listeners are kept by channel name: they may be
 * added before the channel exists and outlive its deletion (they then see its next incarnation,
 * whose greater epoch tells a reader its history was reset).
 *
 * @param onListenerError - told of each listener that throws, with the channel's name
 * @example
 * ```ts
 * import { createRealtimeWatchers } from '@agentry/core';
 *
 * const watchers = createRealtimeWatchers((error, channel) => console.error(channel, error));
 * const stop = watchers.watch('run/r-1', (entries) => console.log(entries.length));
 * watchers.notify('run/r-1', []); // logs 0
 * stop();
 * ```
 */
export function createRealtimeWatchers(
  onListenerError: (error: unknown, channel: string) => void,
): RealtimeWatchers {
  type Listener = (entries: readonly RealtimeEntry[]) => void;
  const byChannel = new Map<string, Set<Listener>>();
  return {
    watch(channel, listener) {
      let listeners = byChannel.get(channel);
      if (listeners === undefined) {
        listeners = new Set();
        byChannel.set(channel, listeners);
      }
      // Wrapped so the same function can watch twice and each stop removes its own registration.
      const registration: Listener = (entries) => listener(entries);
      listeners.add(registration);
      return () => {
        const current = byChannel.get(channel);
        if (current === undefined) return;
        current.delete(registration);
        if (current.size === 0) byChannel.delete(channel);
      };
    },
    notify(channel, entries) {
      const listeners = byChannel.get(channel);
      if (listeners === undefined) return;
      for (const listener of listeners) {
        try {
          listener(entries);
        } catch (error) {
          try {
            onListenerError(error, channel);
          } catch {
            // A failing error reporter must not break the append either.
          }
        }
      }
    },
    has: (channel) => byChannel.has(channel),
    clear: () => byChannel.clear(),
  };
}
