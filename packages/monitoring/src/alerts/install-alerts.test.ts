import { randomUUID } from 'node:crypto';
import { type AuditEntry, type InstanceEvent, systemClock } from '@agentry/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AlertConfig } from '../config/alert-config.js';
import { startLoopbackReceiver, type LoopbackReceiver } from './__fixtures__/loopback-receiver.js';
import { calmSignals, lenientThresholds, manualClock } from './__fixtures__/test-notification.js';
import type { SignalSummary } from './alert-signals.js';
import { installAlerts, type AlertsHandle, type AlertsOptions } from './install-alerts.js';

const minute = 60_000;
const secret = ['whsec', randomUUID()].join('-');
const calm = calmSignals;
const lenient = lenientThresholds;

let webhook: LoopbackReceiver;
let slack: LoopbackReceiver;
let handles: AlertsHandle[];
let summary: SignalSummary;
let listeners: Set<(tagged: InstanceEvent) => void>;
let audit: AuditEntry[];
let logs: { level: string; fields: Record<string, unknown>; message: string | undefined }[];
let clock: ReturnType<typeof manualClock>;

beforeEach(async () => {
  webhook = await startLoopbackReceiver();
  slack = await startLoopbackReceiver();
  handles = [];
  summary = calm;
  listeners = new Set();
  audit = [];
  logs = [];
  clock = manualClock();
});
afterEach(async () => {
  await Promise.all(handles.map((handle) => handle.close()));
  await Promise.all([webhook.close(), slack.close()]);
});

const webhookChannel = () => ({
  type: 'webhook' as const,
  configuration: { url: `${webhook.url}/alerts`, secret },
});
const slackChannel = () => ({
  type: 'slack' as const,
  configuration: { webhookUrl: `${slack.url}/services/T/B/x` },
});
const emit = (
  tagged:
    InstanceEvent | { source: { kind: string }; event: Record<string, unknown> & { type: string } },
) => {
  for (const next of listeners) next(tagged as InstanceEvent);
};
const log = (level: string) => (fields: Record<string, unknown> | string, message?: string) =>
  logs.push({
    level,
    fields: typeof fields === 'string' ? {} : fields,
    message: typeof fields === 'string' ? fields : message,
  });

function install(alerts: AlertConfig[], thresholds = lenient, options: AlertsOptions = {}) {
  const logger = {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: () => logger,
  };
  const handle = installAlerts({
    alerts,
    thresholds,
    signals: { summary: () => summary },
    events$: {
      subscribe(next) {
        listeners.add(next);
        return { unsubscribe: () => listeners.delete(next) };
      },
    },
    logger,
    audit: { append: (entry) => Promise.resolve(void audit.push(entry)) },
    options: {
      clock,
      minRequests: 10,
      delivery: { baseDelayMs: 10, maxDelayMs: 40, maxAttempts: 3 },
      ...options,
    },
  });
  handles.push(handle);
  return handle;
}

const bodies = (receiver: LoopbackReceiver) =>
  receiver.requests.map((request) => JSON.parse(request.body) as Record<string, unknown>);
const errorAlert = (channels: AlertConfig['channels'] = [webhookChannel()]): AlertConfig => ({
  type: 'error',
  threshold: 5,
  severity: 'high',
  channels,
});

describe('installAlerts', () => {
  describe('evaluate', () => {
    it('fires once when the error rate crosses the threshold, and sends resolved when it recovers', async () => {
      const alerts = install([errorAlert()]);
      expect((await alerts.evaluate()).notifications).toEqual([]);

      summary = { ...calm, errors: 12, errorRatePercent: 12 };
      clock.advance(minute);
      const fired = await alerts.evaluate();
      expect(fired.notifications).toMatchObject([
        {
          status: 'fired',
          condition: 'alerts[0]',
          kind: 'error-rate',
          value: 12,
          threshold: 5,
          severity: 'high',
          windowMs: minute,
        },
      ]);
      clock.advance(minute);
      expect((await alerts.evaluate()).notifications).toEqual([]);
      expect(alerts.states()[0]).toMatchObject({
        condition: 'alerts[0]',
        status: 'firing',
        value: 12,
      });

      summary = calm;
      clock.advance(minute);
      expect((await alerts.evaluate()).notifications).toMatchObject([
        { status: 'resolved', value: 1, firedAt: '2026-12-07T10:01:00.000Z' },
      ]);
      expect(bodies(webhook).map((body) => body.status)).toEqual(['fired', 'resolved']);
      expect(audit.map((entry) => [entry.category, entry.action, entry.subject])).toEqual([
        ['alert', 'alert.fired', 'alerts[0]'],
        ['alert', 'alert.resolved', 'alerts[0]'],
      ]);
      expect(alerts.deliveries()).toEqual([
        { channel: 'alerts[0].channels[0]', type: 'webhook', delivered: 2, failed: 0, retries: 0 },
      ]);
    });

    it('repeats no more often than the cooldown, and holds back a flapping condition', async () => {
      const alerts = install([errorAlert()], lenient, { cooldownMs: 5 * minute });
      summary = { ...calm, errorRatePercent: 20 };
      await alerts.evaluate(); // 10:00 fired
      clock.advance(4 * minute);
      expect((await alerts.evaluate()).notifications).toEqual([]);
      clock.advance(minute);
      expect((await alerts.evaluate()).notifications).toMatchObject([
        { status: 'fired', repeat: true, firedAt: '2026-12-07T10:00:00.000Z' },
      ]); // 10:05 reminder

      summary = calm;
      clock.advance(minute);
      expect((await alerts.evaluate()).notifications).toMatchObject([{ status: 'resolved' }]); // 10:06
      summary = { ...calm, errorRatePercent: 20 };
      clock.advance(minute);
      expect((await alerts.evaluate()).notifications).toEqual([]); // 10:07, within the cooldown
      expect(alerts.states()[0]).toMatchObject({ status: 'firing', suppressed: 1 });
      summary = calm;
      clock.advance(minute);
      // Receivers were not told of the held-back firing, so no resolved either.
      expect((await alerts.evaluate()).notifications).toEqual([]);
      summary = { ...calm, errorRatePercent: 20 };
      clock.advance(2 * minute);
      expect((await alerts.evaluate()).notifications).toMatchObject([
        { status: 'fired', repeat: false },
      ]); // 10:10
      expect(
        bodies(webhook).map((body) => `${String(body.status)}${body.repeat ? '+' : ''}`),
      ).toEqual(['fired', 'fired+', 'resolved', 'fired']);
    });

    it('does not judge a rate on a window with fewer requests than minRequests', async () => {
      const alerts = install([errorAlert()]);
      summary = { ...calm, requests: 3, errors: 3, errorRatePercent: 100 };
      expect((await alerts.evaluate()).notifications).toEqual([]);
      expect(alerts.states()[0]).toMatchObject({ status: 'ok', value: undefined });
      summary = { ...calm, requests: 10, errors: 10, errorRatePercent: 100 };
      expect((await alerts.evaluate()).notifications).toHaveLength(1);
    });

    it('sends each performance threshold crossed to the channels of the performance alerts', async () => {
      const alerts = install(
        [
          {
            type: 'performance',
            threshold: 10_000,
            severity: 'medium',
            channels: [slackChannel()],
          },
          {
            type: 'performance',
            threshold: 20_000,
            severity: 'critical',
            channels: [slackChannel(), webhookChannel()],
          },
          errorAlert(),
        ],
        { maxResponseTime: 250, maxErrorRate: 50, minThroughput: 1, maxMemoryUsage: 80 },
      );
      summary = { ...calm, throughputPerSecond: 0.2, memoryPercent: 93 };
      const first = await alerts.evaluate();
      // Throughput waits for a whole window; the same Slack webhook configured twice gets one notice.
      expect(
        first.notifications.map((notice) => [notice.condition, notice.severity, notice.direction]),
      ).toEqual([
        ['performanceThresholds.maxResponseTime', 'critical', 'above'],
        ['performanceThresholds.maxMemoryUsage', 'critical', 'above'],
      ]);
      expect(slack.requests).toHaveLength(2);
      expect(webhook.requests).toHaveLength(2);
      clock.advance(minute);
      expect((await alerts.evaluate()).notifications).toMatchObject([
        {
          condition: 'performanceThresholds.minThroughput',
          direction: 'below',
          value: 0.2,
          threshold: 1,
          unit: 'requests-per-second',
        },
      ]);
    });

    it('fires a security alert on security events in the window, without any of their free text', async () => {
      const leaked = ['sk', 'test', randomUUID()].join('-');
      const smsGateway = await startLoopbackReceiver();
      try {
        smsGateway.fallback = { status: 201 };
        const alerts = install([
          {
            type: 'security',
            threshold: 2,
            severity: 'critical',
            channels: [
              webhookChannel(),
              slackChannel(),
              {
                type: 'sms',
                configuration: {
                  to: ['+14155550123'],
                  from: '+14155550100',
                  accountSid: 'AC1',
                  authToken: randomUUID(),
                  baseUrl: smsGateway.url,
                },
              },
            ],
          },
        ]);
        const event = (at: number) => ({
          source: { kind: 'plugin', plugin: '@agentry/security' },
          event: {
            type: 'security',
            category: 'access-denied',
            severity: 'high',
            at,
            subject: leaked,
            reason: `bad key ${leaked}`,
            apiKey: leaked,
          },
        });
        emit(event(clock.now() - 2 * minute)); // outside the window
        emit({ source: { kind: 'agent' }, event: { type: 'security' } }); // not a plug-in event
        emit({ source: { kind: 'plugin' }, event: { type: 'security', severity: 'unknown' } }); // malformed
        emit(event(clock.now() - 1000));
        emit(event(clock.now()));
        expect((await alerts.evaluate()).notifications).toEqual([]);
        emit({
          ...event(clock.now()),
          event: { ...event(clock.now()).event, category: 'rate-limited', severity: 'low' },
        });
        const { notifications } = await alerts.evaluate();
        expect(notifications).toMatchObject([
          {
            condition: 'alerts[0]',
            kind: 'security-events',
            value: 3,
            securityEvents: {
              byCategory: { 'access-denied': 2, 'rate-limited': 1 },
              bySeverity: { high: 2, low: 1 },
            },
          },
        ]);
        clock.advance(minute + 1);
        expect((await alerts.evaluate()).notifications).toMatchObject([
          { status: 'resolved', value: 0 },
        ]);
        const everything = [
          ...[webhook, slack, smsGateway].flatMap((receiver) =>
            receiver.requests.map((request) => request.body),
          ),
          JSON.stringify(audit),
          JSON.stringify(logs),
        ];
        expect(webhook.requests).toHaveLength(2);
        expect(slack.requests).toHaveLength(2);
        expect(smsGateway.requests).toHaveLength(2);
        for (const text of everything) {
          expect(text).not.toContain(leaked);
          expect(text).not.toContain(secret);
        }
      } finally {
        await smsGateway.close();
      }
    });

    it('raises a configured security alert when the rate limiter’s store becomes unavailable', async () => {
      const alerts = install([
        { type: 'security', threshold: 0, severity: 'critical', channels: [webhookChannel()] },
      ]);
      expect((await alerts.evaluate()).notifications).toEqual([]);
      emit({
        source: { kind: 'plugin', plugin: '@agentry/security' },
        event: {
          type: 'security',
          category: 'rate-limit-store-unavailable',
          severity: 'high',
          at: clock.now(),
          reason: 'the Redis store did not answer; the insurance limiter took over',
        },
      });
      const { notifications } = await alerts.evaluate();
      expect(notifications).toMatchObject([
        {
          status: 'fired',
          kind: 'security-events',
          severity: 'critical',
          value: 1,
          securityEvents: {
            byCategory: { 'rate-limit-store-unavailable': 1 },
            bySeverity: { high: 1 },
          },
        },
      ]);
      expect(bodies(webhook)).toMatchObject([{ status: 'fired', kind: 'security-events' }]);
    });

    it('counts denied access decisions, and not allowed ones, which are records rather than incidents', async () => {
      const alerts = install([
        { type: 'security', threshold: 1, severity: 'high', channels: [webhookChannel()] },
      ]);
      const decision = (outcome: 'allow' | 'deny' | undefined) => ({
        source: { kind: 'plugin', plugin: '@agentry/security' },
        event: {
          type: 'security',
          category: 'access-decision',
          severity: outcome === 'deny' ? 'medium' : 'low',
          at: clock.now(),
          ...(outcome === undefined ? {} : { outcome }),
          action: 'delete',
          resource: 'tools:delete_order',
        },
      });
      for (let index = 0; index < 20; index += 1) emit(decision('allow'));
      expect((await alerts.evaluate()).notifications).toEqual([]);
      emit(decision('deny'));
      // A decision without an outcome is not taken for an allow: it counts.
      emit(decision(undefined));
      expect((await alerts.evaluate()).notifications).toMatchObject([
        {
          status: 'fired',
          value: 2,
          securityEvents: {
            byCategory: { 'access-decision': 2 },
            bySeverity: { medium: 1, low: 1 },
          },
        },
      ]);
    });

    it('delivers to a live channel while another is dead, and logs, counts and audits the failure', async () => {
      const dead = await startLoopbackReceiver();
      const deadUrl = dead.url;
      await dead.close();
      const alerts = install([
        errorAlert([
          { type: 'webhook', configuration: { url: `${deadUrl}/alerts`, secret } },
          slackChannel(),
        ]),
      ]);
      summary = { ...calm, errorRatePercent: 30 };
      const { notifications, failures } = await alerts.evaluate();
      expect(failures).toEqual([
        expect.objectContaining({
          channel: 'alerts[0].channels[0]',
          type: 'webhook',
          notification: notifications[0]?.id,
          code: 'network',
        }),
      ]);
      expect(slack.requests).toHaveLength(1);
      expect(alerts.deliveries()).toEqual([
        expect.objectContaining({
          channel: 'alerts[0].channels[0]',
          delivered: 0,
          failed: 1,
          retries: 2,
          lastError: expect.objectContaining({ code: 'network' }),
        }),
        { channel: 'alerts[0].channels[1]', type: 'slack', delivered: 1, failed: 0, retries: 0 },
      ]);
      expect(logs).toContainEqual(
        expect.objectContaining({
          level: 'error',
          message: 'alert delivery failed',
          fields: expect.objectContaining({ channel: 'alerts[0].channels[0]', attempts: 3 }),
        }),
      );
      expect(audit.map((entry) => entry.action)).toEqual(['alert.fired', 'alert.delivery-failed']);
      expect(JSON.stringify([logs, audit])).not.toContain(deadUrl);
    });

    it('recovers a delivery through retries when the receiver fails first with a 5xx', async () => {
      webhook.script({ status: 503 }, { status: 500 });
      const alerts = install([errorAlert()]);
      summary = { ...calm, errorRatePercent: 30 };
      expect((await alerts.evaluate()).failures).toEqual([]);
      expect(webhook.requests).toHaveLength(3);
      expect(alerts.deliveries()[0]).toMatchObject({ delivered: 1, failed: 0, retries: 2 });
    });

    it('refuses to evaluate once closed, and counts no event after close', async () => {
      const alerts = install([errorAlert()]);
      await alerts.close();
      expect(listeners.size).toBe(0);
      await expect(alerts.evaluate()).rejects.toMatchObject({ code: 'invalid_transition' });
    });
  });

  it('evaluates on its interval, on a timer that does not keep the process alive', async () => {
    const timers: { timer: ReturnType<typeof globalThis.setTimeout>; ms: number }[] = [];
    const realClock = {
      now: () => Date.now(),
      setTimeout: (callback: () => void, ms: number) => {
        const timer = globalThis.setTimeout(callback, ms);
        timers.push({ timer, ms });
        return timer;
      },
      clearTimeout: (handle: unknown) =>
        globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
    };
    summary = { ...calm, errorRatePercent: 30 };
    install([errorAlert()], lenient, { clock: realClock, intervalMs: 20 });
    await vi.waitFor(() => expect(webhook.requests).toHaveLength(1));
    // The interval's timers (delivery waits and deadlines are the others).
    const interval = timers.filter(({ ms }) => ms === 20);
    expect(interval.length).toBeGreaterThan(0);
    expect(interval.every(({ timer }) => !timer.hasRef())).toBe(true);
  });

  it('goes on evaluating on its interval while a delivery hangs', async () => {
    webhook.script({ hang: true });
    summary = { ...calm, errorRatePercent: 30 };
    install([errorAlert()], lenient, {
      clock: systemClock,
      intervalMs: 20,
      cooldownMs: 1,
      delivery: { timeoutMs: 1_500, maxAttempts: 1 },
    });
    // Every round sends a reminder (cooldown 1 ms); the first delivery hangs for 1.5 s.
    await vi.waitFor(() => expect(webhook.requests.length).toBeGreaterThanOrEqual(3), {
      timeout: 1_000,
    });
  });

  it('refuses a webhook channel without a secret, as config_invalid at its path', () => {
    const unsigned = { type: 'webhook', configuration: { url: webhook.url } } as never;
    expect(() => install([errorAlert([unsigned])])).toThrow(
      expect.objectContaining({
        code: 'config_invalid',
        details: {
          issues: [
            expect.objectContaining({
              path: 'alerts[0].channels[0].configuration.secret',
              message: expect.stringMatching(/^secret is required/),
            }),
          ],
        },
      }),
    );
    expect(webhook.requests).toEqual([]);
  });
});
