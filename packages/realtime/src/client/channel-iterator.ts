import type { AgentryError } from '@agentry/core/browser';
import type { RealtimeChannelEvent } from './channel-event.js';
import type { StartFollowing } from './channel-sink.js';

/**
 * An async iterator over one follower of a channel: events queue until read; `closed` is yielded
 * and then iteration ends; a failure rejects the next read; `return()` (a `break`) stops following.
 *
 * @internal
 */
export function createChannelIterator(start: StartFollowing): AsyncIterator<RealtimeChannelEvent> {
  const queue: RealtimeChannelEvent[] = [];
  let waiting:
    | {
        resolve: (result: IteratorResult<RealtimeChannelEvent>) => void;
        reject: (error: unknown) => void;
      }
    | undefined;
  let ended = false;
  let failure: AgentryError | undefined;
  let stop: (() => void) | undefined;

  const settle = (): void => {
    if (waiting === undefined) return;
    const current = waiting;
    const next = queue.shift();
    if (next !== undefined) {
      waiting = undefined;
      current.resolve({ value: next, done: false });
    } else if (failure !== undefined) {
      waiting = undefined;
      current.reject(failure);
    } else if (ended) {
      waiting = undefined;
      current.resolve({ value: undefined, done: true });
    }
  };

  const begin = (): void => {
    if (stop !== undefined || ended) return;
    stop = start({
      event(event) {
        if (ended) return;
        queue.push(event);
        if (event.type === 'closed') ended = true;
        settle();
      },
      fail(error) {
        if (ended) return;
        failure = error;
        ended = true;
        settle();
      },
      end() {
        ended = true;
        settle();
      },
    });
  };

  return {
    next() {
      begin();
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        settle();
      });
    },
    return() {
      ended = true;
      queue.length = 0;
      failure = undefined;
      stop?.();
      settle();
      return Promise.resolve({ value: undefined, done: true });
    },
  };
}
