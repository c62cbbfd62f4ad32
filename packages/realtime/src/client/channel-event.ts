import type { RealtimeWireEvent } from '../protocol.js';

/**
 * What a followed channel yields, in order.
 *
 * - `event`: one event of the channel, with its offset. Offsets strictly increase: the client drops
 *   any event at or below the last one it applied, so none repeats across reconnects and transport
 *   switches.
 * - `gap`: the history the client asked for is gone (`retention`: it fell out of the server's
 *   retention; `epoch`: the channel's history was reset). Rebuild from `snapshot` when there is one;
 *   the events that follow come after it. Never a silent skip.
 * - `closed`: the channel ended at `offset`; nothing more will come and iteration ends.
 *
 * @example
 * ```ts
 * import { createRealtimeClient, type RealtimeChannelEvent } from '@agentry/realtime/client';
 *
 * const client = createRealtimeClient({ url: 'http://127.0.0.1:8080/realtime' });
 * const render = (event: RealtimeChannelEvent): void => {
 *   if (event.type === 'event') console.log(event.offset, event.data);
 *   else if (event.type === 'gap') console.log('rebuild from', event.snapshot?.data);
 *   else console.log('ended at', event.offset);
 * };
 * for await (const event of client.channel('run/r-1')) render(event);
 * client.close();
 * ```
 */
export type RealtimeChannelEvent =
  | {
      /** One event of the channel. */
      readonly type: 'event';
      /** Its offset in the channel. */
      readonly offset: string;
      /** The event (an AG-UI event on run channels). */
      readonly data: unknown;
    }
  | {
      /** The history asked for is gone. */
      readonly type: 'gap';
      /** `retention`: dropped by retention; `epoch`: the channel's history was reset. */
      readonly reason: 'retention' | 'epoch';
      /** The snapshot to rebuild from, when the server holds one; events after its offset follow. */
      readonly snapshot?: RealtimeWireEvent;
    }
  | {
      /** The channel ended: nothing more, ever. */
      readonly type: 'closed';
      /** The channel's last offset. */
      readonly offset: string;
    };
