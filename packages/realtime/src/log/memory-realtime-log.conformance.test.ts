import { describeRealtimeLogConformance } from '@agentry/testing/vitest';
import { createMemoryRealtimeLog } from './memory-realtime-log.js';

describeRealtimeLogConformance('createMemoryRealtimeLog', ({ clock }) =>
  createMemoryRealtimeLog({
    clock,
    onListenerError: (error) => {
      throw error;
    },
  }),
);
