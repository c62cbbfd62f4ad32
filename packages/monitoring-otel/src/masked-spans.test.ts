import { randomUUID } from 'node:crypto';
import { createAgentry, defineTool, definePlugin } from '@agentry/core';
import { installTracing } from '@agentry/monitoring/otel';
import { security } from '@agentry/security';
import {
  createMockModel,
  createMockProvider,
  mockText,
  mockToolCall,
  providerConfiguration,
} from '@agentry/testing';
import { AggregationTemporality, InMemoryMetricExporter } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startOtel } from './index.js';

// Planted at run time: a key-shaped secret and an address that no span may carry.
const secret = ['sk', 'ant', 'api03', 'Hq2Wm8Zt5Xv1Bn7Kc4Lp9Rd3Fs6Gj0Ya'].join('-');
const email = ['lin.canary', 'example.com'].join('@');

describe('spans with content captured and the security masker installed', () => {
  it(
    'carry no canary from the input, the tool arguments or an error',
    { timeout: 30_000 },
    async () => {
      const exporter = new InMemorySpanExporter();
      const otel = startOtel({
        serviceName: 'canary',
        traceExporter: exporter,
        metricExporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
        registerGlobal: false,
      });
      const model = createMockModel({
        modelId: 'gpt-4o',
        script: [mockToolCall('notify', { to: email, token: secret }), mockText(`Told ${email}.`)],
      });
      const notify = defineTool({
        name: 'notify',
        description: 'Notifies.',
        input: z.object({ to: z.string(), token: z.string() }),
        execute: ({ to }) => {
          throw new Error(`gateway refused ${to} (token ${secret})`);
        },
      });
      const agentry = await createAgentry({
        config: {
          ...providerConfiguration({
            type: 'openai',
            model: 'gpt-4o',
            authentication: { type: 'api_key', configuration: { apiKey: '${env:MOCK_KEY}' } },
          }),
          security: {
            encryption: {
              algorithm: 'AES-256-GCM',
              keyRotation: false,
              atRest: false,
              inTransit: false,
            },
            accessControl: {
              rbac: false,
              permissions: [],
              rateLimiting: {
                enabled: false,
                requestsPerMinute: 60,
                burstLimit: 10,
                penaltyStrategy: 'reject',
              },
            },
            auditLogging: false,
            dataMasking: true,
          },
        },
        env: { MOCK_KEY: ['mock', randomUUID()].join('-') },
        plugins: [
          { name: 'mock-openai', version: '1.0.0', providers: [createMockProvider({ model })] },
          security(),
          definePlugin({
            name: 'test-tracing',
            version: '1.0.0',
            setup: (host) =>
              void installTracing(host, {
                tracerProvider: otel.tracerProvider,
                meterProvider: otel.meterProvider,
                captureContent: true,
              }),
          }),
        ],
      });
      try {
        const agent = agentry.createAgent({ tools: [notify] });
        await agent.send(`Tell ${email} that the token is ${secret}`).result;
      } finally {
        await agentry.shutdown();
      }
      await otel.forceFlush();
      const spans = exporter.getFinishedSpans();
      const text = JSON.stringify(
        spans.map((span) => ({
          name: span.name,
          attributes: span.attributes,
          events: span.events,
          status: span.status,
        })),
      );
      expect(spans.length).toBeGreaterThan(2);
      // Content was captured (so the check means something), masked.
      expect(text).toContain('[EMAIL]');
      expect(text.includes(secret)).toBe(false);
      expect(text.includes(email)).toBe(false);
      await otel.shutdown();
    },
  );
});
