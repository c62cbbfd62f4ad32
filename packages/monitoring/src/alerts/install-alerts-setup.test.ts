import { randomUUID } from 'node:crypto';
import { AgentryError } from '@agentry/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AlertConfig } from '../config/alert-config.js';
import { startLoopbackReceiver } from './__fixtures__/loopback-receiver.js';
import {
  calmSignals as calm,
  lenientThresholds as lenient,
  manualClock,
} from './__fixtures__/test-notification.js';
import { installAlerts, type AlertsHandle, type AlertsOptions } from './install-alerts.js';

const secret = ['whsec', randomUUID()].join('-');
const handles: AlertsHandle[] = [];
const clock = manualClock();
afterEach(() => Promise.all(handles.splice(0).map((handle) => handle.close())));

const webhookChannel = () => ({
  type: 'webhook' as const,
  configuration: { url: 'https://alerts.example.com/agentry', secret },
});
const errorAlert = (channels: AlertConfig['channels'] = [webhookChannel()]): AlertConfig => ({
  type: 'error',
  threshold: 5,
  severity: 'high',
  channels,
});

describe('installAlerts', () => {
  it('without a logger, reports warnings and failures as process warnings', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const dead = await startLoopbackReceiver();
      await dead.close();
      const alerts = installAlerts({
        alerts: [errorAlert([{ type: 'webhook', configuration: { url: dead.url, secret } }])],
        thresholds: lenient,
        signals: { summary: () => ({ ...calm, errorRatePercent: 50 }) },
        events$: { subscribe: () => ({ unsubscribe: () => {} }) },
        options: { clock, delivery: { maxAttempts: 1 } },
      });
      handles.push(alerts);
      await alerts.evaluate();
      await vi.waitFor(() =>
        expect(warnings.map((warning) => [warning.name, warning.message])).toEqual([
          ['AgentryAlertsWarning', expect.stringMatching(/^no performance alert/)],
          ['AgentryAlertsWarning', expect.stringMatching(/^alert fired: Error rate 50 %/)],
          [
            'AgentryAlertsWarning',
            expect.stringMatching(/^alert delivery failed: .*"code":"network"/),
          ],
        ]),
      );
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('close() waits for the audit entries of its notices and failed deliveries', async () => {
    const dead = await startLoopbackReceiver();
    await dead.close();
    // A slow audit sink (a file being synced, say): close() must not return before it has written.
    const written: string[] = [];
    const quiet = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
    const alerts = installAlerts({
      alerts: [errorAlert([{ type: 'webhook', configuration: { url: dead.url, secret } }])],
      thresholds: lenient,
      signals: { summary: () => ({ ...calm, errorRatePercent: 50 }) },
      events$: { subscribe: () => ({ unsubscribe: () => {} }) },
      logger: quiet,
      audit: {
        append: (entry) =>
          new Promise<void>((resolve) =>
            setTimeout(() => resolve(void written.push(entry.action)), 50),
          ),
      },
      options: { clock, delivery: { maxAttempts: 1 } },
    });
    await alerts.evaluate();
    await alerts.close();
    expect(written).toEqual(['alert.fired', 'alert.delivery-failed']);
  });

  it('reports every bad setting at once, each at its path', () => {
    const bad = (): unknown =>
      installAlerts({
        alerts: [
          { ...errorAlert(), threshold: -1 },
          errorAlert([{ type: 'webhook', configuration: { url: 'ftp://example.com/x', secret } }]),
          errorAlert([{ type: 'email', configuration: { to: ['a@example.com'] } } as never]),
        ],
        thresholds: { ...lenient, maxErrorRate: 120 },
        signals: { summary: () => calm },
        events$: { subscribe: () => ({ unsubscribe: () => {} }) },
        options: {
          windowMs: 0,
          intervalMs: -5,
          cooldownMs: Number.NaN,
          delivery: { maxAttempts: 0 },
          retries: 3,
        } as AlertsOptions,
      });
    const error = (() => {
      try {
        return bad();
      } catch (caught) {
        return caught;
      }
    })();
    expect(AgentryError.isInstance(error) && error.code).toBe('config_invalid');
    const paths = ((error as AgentryError).details.issues as { path: string }[]).map(
      (issue) => issue.path,
    );
    expect(paths).toEqual([
      'alerts[0].threshold',
      'alerts[1].channels[0].configuration.url',
      'alerts[2].channels[0].configuration.from',
      'alerts[2].channels[0].configuration.host',
      'thresholds.maxErrorRate',
      'options.windowMs',
      'options.intervalMs',
      'options.cooldownMs',
      'options.delivery.maxAttempts',
      'options',
    ]);
    expect((error as AgentryError).message).toContain(
      'options.windowMs: windowMs must be a finite number of milliseconds, greater than 0.',
    );
  });
});
