export { encodeChannelSegment, realtimeChannels } from './channel-names.js';
export type { RealtimeChannelKind } from './event-pipeline.js';
export type { RealtimeHandle } from './realtime-handle.js';
export { realtime, type RealtimeOptions, type RealtimePlugin } from './realtime-plugin.js';
