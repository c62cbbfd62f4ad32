import type { Logger, RealtimeEntry, RealtimeLog } from '@agentry/core';

import { createBatcher, type Batcher, type BatcherOptions } from '../../batching/batcher.js';
import { closedFrame, eventsFrame } from './frames.js';

/**
 * One subscription as the fan-out sees it.
 *
 * @internal
 */
export interface FanoutSubscriber {
  /** The last offset sent on this subscription (`-1` before any). Never sent again, nor below. */
  position: string;
  /** True once catch-up reached the fan-out's position: live frames go to it from then on. */
  live: boolean;
  /** Sends a frame on the subscriber's connection. */
  send(frame: string | Buffer): void;
  /** Ends the subscription (the channel closed or was deleted); sends nothing. */
  end(): void;
  /** Sends an `error` for the channel and ends the subscription. */
  fail(code: string, message: string): void;
}

/**
 * The live side of one channel for every connection that follows it: one `log.watch`, one
 * send-side batcher, and each batch built into one frame, once, shared by every live subscriber
 * whose position is before the batch.
 *
 * State (owned here, changed only by these methods):
 * - `subscribers`: added by `add` (before the subscriber's first `read`, so watch-then-read holds),
 *   removed by `remove`; the fan-out stops its watch when the last one goes.
 * - `sentThrough`: the offset of the last entry the batcher flushed, `undefined` before the first
 *   flush. Every entry after it that the watch saw is held by the batcher. A subscriber turns live
 *   only when its position is at or after `sentThrough` (see `canGoLive`), so between its catch-up
 *   and its first live frame nothing is lost, and per-subscriber filtering (`position`) means
 *   nothing is sent twice.
 * - `closedAt`: the channel's tail once the fan-out learnt it closed.
 *
 * @internal
 */
export class ChannelFanout {
  readonly subscribers = new Set<FanoutSubscriber>();
  sentThrough: string | undefined;
  closedAt: string | undefined;
  private readonly stopWatch: () => void;
  private readonly batcher: Batcher<RealtimeEntry>;
  private stopped = false;

  constructor(
    readonly channel: string,
    readonly quoted: string,
    readonly json: boolean,
    private readonly log: RealtimeLog,
    batching: BatcherOptions,
    private readonly logger: Logger,
    private readonly onEmpty: (fanout: ChannelFanout) => void,
  ) {
    this.batcher = createBatcher<RealtimeEntry>(
      batching,
      (batch) => this.flush(batch),
      (error) =>
        this.logger.error({ channel, error: String(error) }, 'realtime fan-out flush failed'),
    );
    this.stopWatch = log.watch(channel, (entries) => this.onEntries(entries));
  }

  add(subscriber: FanoutSubscriber): void {
    this.subscribers.add(subscriber);
  }

  remove(subscriber: FanoutSubscriber): void {
    this.subscribers.delete(subscriber);
    if (this.subscribers.size === 0) this.stop();
  }

  /** Whether a subscriber caught up to `position` may turn live without a hole. */
  canGoLive(position: string): boolean {
    return this.sentThrough === undefined || position >= this.sentThrough;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stopWatch();
    this.batcher.close();
    this.onEmpty(this);
  }

  private onEntries(entries: readonly RealtimeEntry[]): void {
    if (this.stopped) return;
    if (entries.length > 0) {
      for (const entry of entries) this.batcher.add(entry);
      return;
    }
    // An empty batch: the channel closed or was deleted. Send what is held first.
    this.batcher.flush();
    this.log.info(this.channel).then(
      (info) => {
        if (info === undefined) {
          for (const subscriber of [...this.subscribers]) {
            subscriber.fail('not_found', `Channel ${this.channel} was deleted.`);
          }
        } else if (info.closed) {
          this.closedAt = info.tailOffset;
          for (const subscriber of [...this.subscribers]) {
            if (!subscriber.live) continue;
            subscriber.send(closedFrame(this.quoted, info.tailOffset));
            subscriber.end();
          }
        }
      },
      (error: unknown) =>
        this.logger.error(
          { channel: this.channel, error: String(error) },
          'realtime channel info failed',
        ),
    );
  }

  /** One batch: one frame shared by every live subscriber that has none of it yet. */
  private flush(batch: RealtimeEntry[]): void {
    const first = batch[0]!.offset;
    const last = batch[batch.length - 1]!.offset;
    this.sentThrough = last;
    let shared: Buffer | undefined;
    for (const subscriber of this.subscribers) {
      if (!subscriber.live || subscriber.position >= last) continue;
      if (subscriber.position < first) {
        // Built once per batch: Buffer.from here is the whole serialization cost of a broadcast.
        shared ??= Buffer.from(eventsFrame(this.quoted, batch, 0, this.json, true));
        subscriber.position = last;
        subscriber.send(shared);
        continue;
      }
      // It read part of this batch during its catch-up: only what it has not seen.
      let from = 0;
      while (batch[from]!.offset <= subscriber.position) from++;
      subscriber.position = last;
      subscriber.send(eventsFrame(this.quoted, batch, from, this.json, true));
    }
  }
}
