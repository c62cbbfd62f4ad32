import { expectTypeOf, test } from 'vitest';
import type { Agentry, RealtimeLog } from '@agentry/core';
import type { CommunicationConfig } from '../config/index.js';
import type { RealtimeHandle } from './realtime-handle.js';
// Importing the plug-in's module adds its members to core's types.
import './realtime-plugin.js';

test('agentry.realtime and agentry.config.communication are typed once the package is imported', () => {
  expectTypeOf<Agentry['realtime']>().toEqualTypeOf<RealtimeHandle>();
  expectTypeOf<Agentry['config']['communication']>().toEqualTypeOf<
    CommunicationConfig | undefined
  >();
  expectTypeOf<RealtimeHandle['log']>().toEqualTypeOf<RealtimeLog>();
  expectTypeOf<RealtimeHandle['cancel']>().returns.toEqualTypeOf<Promise<boolean>>();
});
