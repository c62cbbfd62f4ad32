import { randomUUID } from 'node:crypto';
import type { MonitoringConfig } from '../config/index.js';

/**
 * A `monitoring` section that is valid, switches SOC 2 and GDPR on and passes every control of
 * both; fresh on each call. Its alerts use every kind of channel.
 */
export function compliantMonitoringConfig(): MonitoringConfig {
  return {
    metrics: {
      enabled: true,
      collectionInterval: 10_000,
      retentionPeriod: 168,
      exportFormats: ['prometheus', 'otlp', 'json'],
    },
    logging: {
      level: 'info',
      format: 'json',
      structured: true,
      compliance: { soc2: true, gdpr: true, auditTrail: true, dataRetention: 365 },
    },
    alerts: [
      {
        type: 'error',
        threshold: 5,
        severity: 'high',
        channels: [
          {
            type: 'email',
            configuration: {
              to: ['oncall@example.com', 'team+ai@example.org'],
              from: 'agentry@example.com',
              host: 'smtp.example.com',
            },
          },
          {
            type: 'slack',
            configuration: { webhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXX' },
          },
        ],
      },
      {
        type: 'performance',
        threshold: 0,
        severity: 'critical',
        channels: [
          {
            type: 'webhook',
            configuration: { url: 'http://127.0.0.1:8080/alerts', secret: randomUUID() },
          },
          {
            type: 'sms',
            configuration: {
              to: ['+14155550123', '+447911123456'],
              from: '+14155550100',
              accountSid: 'AC0123456789abcdef',
              authToken: ['token', randomUUID()].join('-'),
            },
          },
        ],
      },
    ],
    performanceThresholds: {
      maxResponseTime: 2_000,
      maxErrorRate: 5,
      minThroughput: 0.5,
      maxMemoryUsage: 80,
    },
  };
}
