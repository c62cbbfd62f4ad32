import type { Duplex } from 'node:stream';

import {
  AgentryError,
  REALTIME_NOW,
  parseRealtimeOffset,
  toAgentryError,
  type Logger,
  type RealtimeChannelInfo,
  type RealtimeLog,
} from '@agentry/core';
import { WebSocket } from 'ws';

import { realtimeCloseCodes } from '../../protocol.js';
import type { ChannelFanout, FanoutSubscriber } from './channel-fanout.js';
import { parseClientMessage } from './client-message.js';
import {
  cancelledFrame,
  closedFrame,
  errorFrame,
  eventsFrame,
  gapFrame,
  isJsonContentType,
  subscribedFrame,
} from './frames.js';
import type { RealtimeGatewayAuth, RealtimeGatewayPrincipal } from './websocket-gateway-options.js';

/**
 * What every connection of one gateway shares.
 *
 * @internal
 */
export interface ConnectionContext {
  readonly log: RealtimeLog;
  readonly auth: RealtimeGatewayAuth;
  readonly logger: Logger;
  readonly onCancel:
    | ((
        channel: string,
        principal: RealtimeGatewayPrincipal,
        reason: string | undefined,
      ) => Promise<void>)
    | undefined;
  readonly maxSubscriptions: number;
  readonly maxReuseCount: number;
  readonly sendBufferBytes: number;
  readonly catchUpPageSize: number;
  readonly closeGraceMs: number;
  readonly now: () => number;
  /** The channel's fan-out, made (and its watch started) when absent. */
  fanout(channel: string, quoted: string, json: boolean): ChannelFanout;
  /** Called once when the connection is gone. */
  forget(connection: WebSocketConnection): void;
}

const textFrame = { binary: false } as const;
const maxCloseReasonBytes = 123;

/** The action a subscribe is authorized as. */
export const readAction = 'channel.read';
/** The action a cancel is authorized as. */
export const cancelAction = 'run.cancel';

function closeReason(text: string): string {
  let reason = text;
  while (Buffer.byteLength(reason) > maxCloseReasonBytes) reason = reason.slice(0, -1);
  return reason;
}

function uncork(connection: WebSocketConnection): void {
  connection.corked = false;
  connection.socket.uncork();
}

/** One subscription of one connection to one channel. */
class Subscription implements FanoutSubscriber {
  position = '-1';
  live = false;
  ended = false;
  fanout: ChannelFanout | undefined;

  constructor(
    readonly connection: WebSocketConnection,
    readonly channel: string,
    readonly quoted: string,
  ) {}

  send(frame: string | Buffer): void {
    this.connection.send(frame);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.fanout?.remove(this);
    this.connection.dropSubscription(this);
  }

  fail(code: string, message: string): void {
    if (this.ended) return;
    this.connection.send(errorFrame(this.channel, code, message));
    this.end();
  }
}

/**
 * The gateway's WebSocket: `ws` emits its events here, and they go straight to the connection's
 * methods. Listeners would cost each connection an events dictionary and four closures, about
 * 1.9 KiB of heap per idle connection (measured with bench/realtime-idle-connections.bench.ts:
 * 4.6 KiB with listeners, 2.9 KiB without); `close` still reaches listeners (the gateway waits on
 * it when it shuts down).
 *
 * @internal
 */
export class GatewaySocket extends WebSocket {
  connection: WebSocketConnection | undefined = undefined;

  override emit(event: string | symbol, first?: unknown, second?: unknown): boolean {
    const connection = this.connection;
    if (connection === undefined) return super.emit(event, first, second);
    switch (event) {
      case 'message':
        connection.onMessage(first as Buffer, second as boolean);
        return true;
      case 'pong':
        connection.alive = true;
        return true;
      case 'error':
        connection.onError(first as Error & { code?: string });
        return true;
      case 'close':
        connection.onClose();
        return super.emit(event, first, second);
      default:
        return super.emit(event, first, second);
    }
  }
}

/**
 * One open WebSocket: its subscriptions, its send path (cork, bounded buffer) and its liveness.
 * Kept small, with no timers of its own (the gateway's sweeps drive heartbeats and idleness), so an
 * idle connection costs little heap.
 *
 * @internal
 */
export class WebSocketConnection {
  /** Its subscriptions by channel, made on the first subscribe. */
  subscriptions: Map<string, Subscription> | undefined;
  subscribeCount = 0;
  lastMessageAt: number;
  alive = true;
  corked = false;
  closing = false;

  constructor(
    readonly id: string,
    readonly ws: GatewaySocket,
    readonly socket: Duplex,
    readonly principal: RealtimeGatewayPrincipal,
    private readonly context: ConnectionContext,
    private release: (() => void) | undefined,
  ) {
    this.lastMessageAt = context.now();
    ws.connection = this;
  }

  /** A protocol error `ws` found; it closes the connection itself (1007, 1009, 1002). */
  onError(error: Error & { code?: string }): void {
    this.context.logger.warn(
      { connectionId: this.id, code: error.code, error: error.message },
      'realtime WebSocket protocol error',
    );
  }

  /** Sends one frame, corked with the others of this tick; a full send buffer closes with 4000. */
  send(frame: string | Buffer): void {
    if (this.closing) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(uncork, this);
    }
    this.ws.send(frame, textFrame);
    if (this.ws.bufferedAmount > this.context.sendBufferBytes) {
      this.context.logger.warn(
        {
          connectionId: this.id,
          bufferedBytes: this.ws.bufferedAmount,
          limit: this.context.sendBufferBytes,
        },
        'realtime slow consumer closed',
      );
      this.close(
        realtimeCloseCodes.slowConsumer,
        'slow consumer: reconnect and resume from your offsets',
      );
    }
  }

  /** Closes with a code; a peer that does not answer the close in time is terminated. */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.endSubscriptions();
    this.ws.close(code, closeReason(reason));
    // A slow or dead peer never reads the close frame: do not hold its buffer longer than this.
    setTimeout(() => this.ws.terminate(), this.context.closeGraceMs).unref();
  }

  terminate(): void {
    this.closing = true;
    this.endSubscriptions();
    this.ws.terminate();
  }

  dropSubscription(subscription: Subscription): void {
    if (this.subscriptions?.get(subscription.channel) === subscription) {
      this.subscriptions.delete(subscription.channel);
    }
  }

  private endSubscriptions(): void {
    if (this.subscriptions === undefined) return;
    for (const subscription of [...this.subscriptions.values()]) subscription.end();
  }

  onClose(): void {
    this.closing = true;
    const release = this.release;
    this.release = undefined;
    release?.();
    this.endSubscriptions();
    this.context.forget(this);
  }

  private violation(code: number, error: AgentryError): void {
    this.context.logger.warn(
      { connectionId: this.id, closeCode: code, code: error.code, error: error.message },
      'realtime WebSocket client violated the protocol',
    );
    this.close(code, `${error.code}: ${error.message}`);
  }

  private refuse(channel: string | undefined, error: AgentryError): void {
    this.context.logger.info(
      { connectionId: this.id, channel, code: error.code, error: error.message },
      'realtime WebSocket request refused',
    );
    this.send(errorFrame(channel, error.code, error.message));
  }

  onMessage(data: Buffer, isBinary: boolean): void {
    if (this.closing) return;
    this.lastMessageAt = this.context.now();
    if (isBinary) {
      this.violation(
        realtimeCloseCodes.unsupportedData,
        new AgentryError({
          code: 'invalid_request',
          message: `A binary WebSocket message (${data.length} bytes) was sent; the protocol takes JSON text frames only.`,
          suggestions: ['Send each message as a JSON text frame.'],
        }),
      );
      return;
    }
    const parsed = parseClientMessage(data.toString('utf8'));
    if (parsed.kind === 'close') return this.violation(parsed.code, parsed.error);
    if (parsed.kind === 'refuse') return this.refuse(parsed.channel, parsed.error);
    const message = parsed.message;
    switch (message.type) {
      case 'subscribe':
        return this.subscribe(message.channel, message.offset ?? '-1');
      case 'unsubscribe':
        this.subscriptions?.get(message.channel)?.end();
        return;
      case 'cancel':
        void this.cancel(message.channel, message.reason);
        return;
    }
  }

  private subscribe(channel: string, offset: string): void {
    this.subscriptions ??= new Map();
    const existing = this.subscriptions.get(channel);
    if (existing === undefined && this.subscriptions.size >= this.context.maxSubscriptions) {
      return this.violation(
        realtimeCloseCodes.policyViolation,
        new AgentryError({
          code: 'limit_exceeded',
          message: `Subscribe to ${channel}: this connection already follows ${this.subscriptions.size} channels, the most one connection may.`,
          details: { limit: this.context.maxSubscriptions, channel },
          suggestions: [
            'Unsubscribe from channels you no longer need, or open another connection.',
          ],
        }),
      );
    }
    this.subscribeCount++;
    if (this.subscribeCount > this.context.maxReuseCount) {
      this.context.logger.info(
        {
          connectionId: this.id,
          subscribes: this.subscribeCount - 1,
          limit: this.context.maxReuseCount,
        },
        'realtime WebSocket reached its reuse limit',
      );
      return this.close(
        realtimeCloseCodes.reuseLimit,
        `limit_exceeded: ${this.context.maxReuseCount} subscriptions served; reconnect and resume`,
      );
    }
    existing?.end();
    const subscription = new Subscription(this, channel, JSON.stringify(channel));
    this.subscriptions.set(channel, subscription);
    this.startSubscription(subscription, offset).catch((error: unknown) => {
      if (subscription.ended) return;
      const agentryError = toAgentryError(error);
      if (agentryError.code === 'internal') {
        this.context.logger.error(
          { connectionId: this.id, channel, error: agentryError.message },
          'realtime subscribe failed',
        );
      } else {
        this.context.logger.info(
          { connectionId: this.id, channel, code: agentryError.code, error: agentryError.message },
          'realtime subscribe refused',
        );
      }
      subscription.fail(agentryError.code, agentryError.message);
    });
  }

  private async startSubscription(subscription: Subscription, offset: string): Promise<void> {
    const { log, auth } = this.context;
    const channel = subscription.channel;
    await auth.authorize(this.principal, readAction, channel);
    if (subscription.ended) return;
    const info = await log.info(channel);
    if (subscription.ended) return;
    if (info === undefined) {
      throw new AgentryError({
        code: 'not_found',
        message: `Channel ${channel} does not exist.`,
        details: { channel },
        suggestions: ['Check the channel name; a run channel exists once its run started.'],
      });
    }
    const json = isJsonContentType(info.contentType);
    // The watch starts here, before the first read: nothing appended from now on is missed.
    const fanout = this.context.fanout(channel, subscription.quoted, json);
    subscription.fanout = fanout;
    fanout.add(subscription);
    const start = offset === REALTIME_NOW ? info.tailOffset : offset;
    subscription.position = start;
    this.send(subscribedFrame(subscription.quoted, start, info.epoch));
    await this.catchUp(subscription, fanout, info, start);
  }

  /** Reads from the log until the subscription reaches the fan-out's position, then turns it live. */
  private async catchUp(
    subscription: Subscription,
    fanout: ChannelFanout,
    info: RealtimeChannelInfo,
    start: string,
  ): Promise<void> {
    const { log } = this.context;
    const channel = subscription.channel;
    let after = start;
    let sentAny = false;
    for (;;) {
      let page;
      try {
        page = await log.read(channel, after, { limit: this.context.catchUpPageSize });
      } catch (error) {
        if (!AgentryError.isInstance(error) || error.code !== 'offset_gone' || subscription.ended)
          throw error;
        const retainedAfter =
          typeof error.details.retainedAfter === 'string'
            ? error.details.retainedAfter
            : info.retainedAfter;
        const epoch = typeof error.details.epoch === 'string' ? error.details.epoch : info.epoch;
        const reason = parseRealtimeOffset(after)?.epoch === epoch ? 'retention' : 'epoch';
        after = await this.sendGap(subscription, fanout.json, reason, retainedAfter);
        continue;
      }
      if (subscription.ended) return;
      if (page.truncated && after === '-1') {
        const current = await log.info(channel);
        if (subscription.ended) return;
        after = await this.sendGap(
          subscription,
          fanout.json,
          'retention',
          current?.retainedAfter ?? info.retainedAfter,
        );
        continue;
      }
      let from = 0;
      while (from < page.entries.length && page.entries[from]!.offset <= subscription.position)
        from++;
      if (from < page.entries.length) {
        subscription.position = page.entries[page.entries.length - 1]!.offset;
        this.send(eventsFrame(subscription.quoted, page.entries, from, fanout.json, page.upToDate));
        sentAny = page.upToDate;
      }
      after = page.nextOffset;
      if (page.closed) {
        this.send(closedFrame(subscription.quoted, page.nextOffset));
        subscription.end();
        return;
      }
      if (page.upToDate && fanout.canGoLive(subscription.position)) {
        if (fanout.closedAt !== undefined && subscription.position >= fanout.closedAt) {
          this.send(closedFrame(subscription.quoted, fanout.closedAt));
          subscription.end();
          return;
        }
        subscription.live = true;
        if (!sentAny) this.send(eventsFrame(subscription.quoted, [], 0, fanout.json, true));
        return;
      }
      sentAny = false;
      await this.drained();
      if (subscription.ended) return;
    }
  }

  /** Sends a gap and returns where to read from next: the snapshot's offset, or the retained start. */
  private async sendGap(
    subscription: Subscription,
    json: boolean,
    reason: 'retention' | 'epoch',
    retainedAfter: string,
  ): Promise<string> {
    const snapshot = await this.context.log.getSnapshot(subscription.channel);
    // A snapshot older than what is retained would leave a hole after it: it is not offered.
    const usable =
      snapshot !== undefined && snapshot.offset >= retainedAfter ? snapshot : undefined;
    if (subscription.ended) return retainedAfter;
    this.context.logger.info(
      {
        connectionId: this.id,
        channel: subscription.channel,
        reason,
        retainedAfter,
        snapshot: usable?.offset,
      },
      'realtime subscription resumed after a gap',
    );
    this.send(gapFrame(subscription.quoted, reason, retainedAfter, usable, json));
    const next = usable?.offset ?? retainedAfter;
    subscription.position = next;
    return next;
  }

  /** Resolves once the send buffer is under half its bound (or the connection is closing). */
  private async drained(): Promise<void> {
    const low = this.context.sendBufferBytes / 2;
    while (!this.closing && this.ws.bufferedAmount > low) {
      await new Promise<void>((resolve) => {
        const socket = this.socket;
        // The deflate queue drains without a 'drain' event: look again after a short while.
        const timer = setTimeout(done, 50);
        socket.once('drain', done);
        socket.once('close', done);
        function done() {
          clearTimeout(timer);
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        }
      });
    }
  }

  private async cancel(channel: string, reason: string | undefined): Promise<void> {
    try {
      await this.context.auth.authorize(this.principal, cancelAction, channel);
      if (this.context.onCancel === undefined) {
        throw new AgentryError({
          code: 'invalid_request',
          message: `Cancel ${channel}: this server has no cancel handler.`,
          details: { channel },
          suggestions: ['Give the server an onCancel handler (the realtime plug-in does).'],
        });
      }
      await this.context.onCancel(channel, this.principal, reason);
      this.context.logger.info(
        { connectionId: this.id, channel, principal: this.principal.id },
        'realtime run cancelled',
      );
      this.send(cancelledFrame(channel));
    } catch (error) {
      this.refuse(channel, toAgentryError(error));
    }
  }
}
