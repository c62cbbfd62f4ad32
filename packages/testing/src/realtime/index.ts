export {
  describeRealtimeLogConformance,
  type RealtimeLogConformanceContext,
  type RealtimeLogConformanceOptions,
} from './realtime-log-conformance.js';
