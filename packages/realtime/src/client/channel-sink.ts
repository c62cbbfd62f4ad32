import type { AgentryError } from '@agentry/core/browser';
import type { RealtimeChannelEvent } from './channel-event.js';

/**
 * Where the connection delivers one follower's events. After `fail` or `end` nothing more comes.
 *
 * @internal
 */
export interface ChannelSink {
  event(event: RealtimeChannelEvent): void;
  fail(error: AgentryError): void;
  end(): void;
}

/**
 * Starts following a channel into a sink; the returned function stops following it.
 *
 * @internal
 */
export type StartFollowing = (sink: ChannelSink) => () => void;
