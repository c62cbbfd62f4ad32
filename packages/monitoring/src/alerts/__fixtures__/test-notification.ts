import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '@agentry/core';
import type { PerformanceThresholds } from '../../config/performance-thresholds.js';
import type { AlertNotification } from '../alert-notification.js';
import type { SignalSummary } from '../alert-signals.js';
import type { DeliveryPolicy } from '../channels/deliver-with-retry.js';

/** A fired error-rate notice, fresh on each call. */
export function testNotification(patch: Partial<AlertNotification> = {}): AlertNotification {
  return {
    id: randomUUID(),
    status: 'fired',
    condition: 'alerts[0]',
    kind: 'error-rate',
    alertType: 'error',
    severity: 'high',
    value: 12.5,
    threshold: 5,
    direction: 'above',
    unit: 'percent',
    windowMs: 60_000,
    at: '2026-12-07T10:00:00.000Z',
    repeat: false,
    title: 'Error rate 12.5 % is above 5 %',
    ...patch,
  };
}

/** A clock whose time a test sets, and whose timers are real (for delivery waits). */
export function manualClock(start = Date.parse('2026-12-07T10:00:00Z')): Clock & {
  advance(ms: number): void;
} {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: (handle) => {
      globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout> | undefined);
    },
  };
}

/** Quick deliveries for tests: short timeout and waits, jitter that always draws the full delay. */
export function testPolicy(patch: Partial<DeliveryPolicy> = {}): DeliveryPolicy {
  return {
    timeoutMs: 2_000,
    maxAttempts: 3,
    baseDelayMs: 20,
    maxDelayMs: 100,
    maxRetryAfterMs: 5_000,
    clock: systemClock,
    random: () => 0.999,
    ...patch,
  };
}

/** Signals of a healthy service: 1 % errors over 100 requests, p95 300 ms, 5 req/s, 40 % memory. */
export const calmSignals: SignalSummary = {
  requests: 100,
  errors: 1,
  errorRatePercent: 1,
  latencyMs: { p50: 100, p95: 300, mean: 120, max: 900 },
  throughputPerSecond: 5,
  memoryPercent: 40,
};

/** Thresholds that nothing crosses. */
export const lenientThresholds: PerformanceThresholds = {
  maxResponseTime: 60_000,
  maxErrorRate: 100,
  minThroughput: 0,
  maxMemoryUsage: 100,
};
