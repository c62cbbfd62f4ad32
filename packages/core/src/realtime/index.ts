export type {
  RealtimeAppendOptions,
  RealtimeAppendResult,
  RealtimeChannelInfo,
  RealtimeChannelOptions,
  RealtimeEntry,
  RealtimeLog,
  RealtimeProducer,
  RealtimeReadResult,
  RealtimeSnapshot,
  RealtimeSweepReport,
} from './realtime-log.js';
export {
  REALTIME_NOW,
  REALTIME_START,
  assertChannelName,
  formatRealtimeOffset,
  newRealtimeEpoch,
  parseRealtimeOffset,
  type RealtimeOffset,
} from './realtime-offset.js';
