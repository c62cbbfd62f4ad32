import { describe, expect, it } from 'vitest';
import { metricsConfigSchema, type MetricsConfig } from './metrics-config.js';

const valid: MetricsConfig = {
  enabled: true,
  collectionInterval: 10_000,
  retentionPeriod: 168,
  exportFormats: ['prometheus'],
};

describe('metricsConfigSchema', () => {
  describe('safeParse', () => {
    it.each<[string, Partial<MetricsConfig>]>([
      ['one export format', {}],
      ['every export format', { exportFormats: ['prometheus', 'otlp', 'json'] }],
      ['no export format', { exportFormats: [] }],
      ['the smallest interval and retention', { collectionInterval: 1, retentionPeriod: 1 }],
      ['settings while metrics are off', { enabled: false }],
    ])('accepts %s', (_name, patch) => {
      const input = { ...valid, ...patch };
      expect(metricsConfigSchema.safeParse(input)).toEqual({ success: true, data: input });
    });

    it('reads the opentelemetry alias as otlp, and reports listing both as a repetition', () => {
      expect(
        metricsConfigSchema.parse({ ...valid, exportFormats: ['opentelemetry', 'json'] })
          .exportFormats,
      ).toEqual(['otlp', 'json']);
      const issues = metricsConfigSchema.safeParse({
        ...valid,
        exportFormats: ['otlp', 'opentelemetry'],
      }).error?.issues;
      expect(issues).toEqual([
        expect.objectContaining({
          path: ['exportFormats', 1],
          message: expect.stringMatching(/"otlp" more than once/),
        }),
      ]);
    });

    it.each<[string, unknown, RegExp]>([
      ['collectionInterval', 0, /positive integer number of milliseconds/],
      ['collectionInterval', -1000, /positive integer number of milliseconds/],
      ['collectionInterval', 0.5, /positive integer number of milliseconds/],
      ['collectionInterval', Number.NaN, /positive integer number of milliseconds/],
      ['collectionInterval', '10s', /positive integer number of milliseconds/],
      ['retentionPeriod', 0, /positive integer number of hours/],
      ['retentionPeriod', 1.5, /positive integer number of hours/],
      ['retentionPeriod', Number.POSITIVE_INFINITY, /positive integer number of hours/],
      ['retentionPeriod', undefined, /positive integer number of hours/],
    ])('rejects %s = %s', (key, value, message) => {
      const issues = metricsConfigSchema.safeParse({ ...valid, [key]: value }).error?.issues;
      expect(issues).toEqual([
        expect.objectContaining({ path: [key], message: expect.stringMatching(message) }),
      ]);
    });

    it.each<[string, unknown, (string | number)[]]>([
      ['an unknown format', ['prometheus', 'statsd'], ['exportFormats', 1]],
      ['a format in the wrong case', ['Prometheus'], ['exportFormats', 0]],
      ['a repeated format', ['json', 'prometheus', 'json'], ['exportFormats', 2]],
      ['a single string', 'json', ['exportFormats']],
    ])('rejects exportFormats with %s at its path', (_name, exportFormats, path) => {
      const issues = metricsConfigSchema.safeParse({ ...valid, exportFormats }).error?.issues;
      expect(issues?.map((issue) => issue.path)).toEqual([path]);
    });

    it('rejects a misspelt key instead of ignoring it', () => {
      const issues = metricsConfigSchema.safeParse({ ...valid, exportFormat: ['json'] }).error
        ?.issues;
      expect(issues).toEqual([
        expect.objectContaining({ code: 'unrecognized_keys', keys: ['exportFormat'], path: [] }),
      ]);
    });
  });
});
