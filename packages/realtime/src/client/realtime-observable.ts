import type { RealtimeChannelEvent } from './channel-event.js';
import type { StartFollowing } from './channel-sink.js';

declare global {
  interface SymbolConstructor {
    /** The Observable interop symbol (declared as rxjs declares it; defined at run time by polyfills). */
    readonly observable: symbol;
  }
}

/**
 * What receives an observable's values: the Observable contract's observer (TC39 proposal, rxjs).
 *
 * @example
 * ```ts
 * import { createRealtimeClient, type RealtimeObserver, type RealtimeChannelEvent } from '@agentry/realtime/client';
 *
 * const client = createRealtimeClient({ url: 'http://127.0.0.1:8080/realtime' });
 * const observer: RealtimeObserver<RealtimeChannelEvent> = {
 *   next: (event) => console.log(event.type),
 *   error: (error) => console.error(error),
 *   complete: () => client.close(),
 * };
 * client.channel('run/r-1').observable().subscribe(observer);
 * ```
 */
export interface RealtimeObserver<T> {
  /** Called with each value. */
  next?(value: T): void;
  /** Called once with the failure; nothing follows. */
  error?(error: unknown): void;
  /** Called once when the channel closed; nothing follows. */
  complete?(): void;
}

/**
 * A subscription to a {@link RealtimeObservable}.
 *
 * @example
 * ```ts
 * import { createRealtimeClient } from '@agentry/realtime/client';
 *
 * const client = createRealtimeClient({ url: 'http://127.0.0.1:8080/realtime' });
 * const subscription = client.channel('run/r-1').observable().subscribe((event) => console.log(event));
 * subscription.unsubscribe();
 * client.close();
 * ```
 */
export interface RealtimeSubscription {
  /** Stops following the channel. */
  unsubscribe(): void;
  /** True once unsubscribed, completed or failed. */
  readonly closed: boolean;
}

/**
 * A minimal Observable that rxjs (and any library following the Observable interop convention)
 * accepts: it has `subscribe` and returns itself from `Symbol.observable` / `'@@observable'`, so
 * `from(channel.observable())` gives an rxjs Observable. rxjs is not needed at run time. Each
 * `subscribe` follows the channel separately.
 *
 * @example
 * ```ts
 * import { from, filter } from 'rxjs';
 * import { createRealtimeClient } from '@agentry/realtime/client';
 *
 * const client = createRealtimeClient({ url: 'http://127.0.0.1:8080/realtime' });
 * from(client.channel('run/r-1').observable())
 *   .pipe(filter((event) => event.type === 'event'))
 *   .subscribe((event) => console.log(event));
 * ```
 */
export interface RealtimeObservable<T> {
  /** Starts following; values go to the observer (or the `next` function). */
  subscribe(observer?: RealtimeObserver<T> | ((value: T) => void)): RealtimeSubscription;
  /** Observable interop: returns this observable. */
  [Symbol.observable](): RealtimeObservable<T>;
  /** Observable interop where `Symbol.observable` is not defined: returns this observable. */
  ['@@observable'](): RealtimeObservable<T>;
}

/** @internal */
export function createRealtimeObservable(
  start: StartFollowing,
): RealtimeObservable<RealtimeChannelEvent> {
  const observable = {
    subscribe(
      observerOrNext?:
        RealtimeObserver<RealtimeChannelEvent> | ((value: RealtimeChannelEvent) => void),
    ): RealtimeSubscription {
      const observer: RealtimeObserver<RealtimeChannelEvent> =
        typeof observerOrNext === 'function' ? { next: observerOrNext } : (observerOrNext ?? {});
      let closed = false;
      // `start` may deliver (and so finish) before it returns its stop function.
      const following: { stop?: () => void; stopAtOnce: boolean } = { stopAtOnce: false };
      const finish = (): void => {
        closed = true;
        if (following.stop === undefined) following.stopAtOnce = true;
        else following.stop();
      };
      following.stop = start({
        event(event: RealtimeChannelEvent) {
          if (closed) return;
          observer.next?.(event);
          if (event.type === 'closed' && !closed) {
            finish();
            observer.complete?.();
          }
        },
        fail(error: unknown) {
          if (closed) return;
          finish();
          observer.error?.(error);
        },
        end() {
          if (closed) return;
          finish();
          observer.complete?.();
        },
      });
      if (following.stopAtOnce) following.stop();
      return {
        unsubscribe() {
          if (closed) return;
          finish();
        },
        get closed() {
          return closed;
        },
      };
    },
    ['@@observable']() {
      return observable;
    },
  } as RealtimeObservable<RealtimeChannelEvent>;
  // Only where a polyfill defined Symbol.observable; rxjs falls back to '@@observable'.
  const symbol = (Symbol as { observable?: symbol }).observable;
  if (typeof symbol === 'symbol') {
    Object.defineProperty(observable, symbol, { value: () => observable });
  }
  return observable;
}
