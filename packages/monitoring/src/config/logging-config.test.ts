import { describe, expect, it } from 'vitest';
import { loggingConfigSchema, type LoggingConfig } from './logging-config.js';

const valid: LoggingConfig = {
  level: 'info',
  format: 'json',
  structured: true,
  compliance: { soc2: false, gdpr: false, auditTrail: false, dataRetention: 30 },
};

describe('loggingConfigSchema', () => {
  describe('safeParse', () => {
    it.each<[string, Partial<LoggingConfig>]>([
      ['json logs', {}],
      ['text logs at debug level', { level: 'debug', format: 'text', structured: false }],
      ['warn level', { level: 'warn' }],
      ['error level', { level: 'error' }],
    ])('accepts %s', (_name, patch) => {
      const input = { ...valid, ...patch };
      expect(loggingConfigSchema.safeParse(input)).toEqual({ success: true, data: input });
    });

    it.each<[string, Record<string, unknown>, (string | number)[]]>([
      ['an unknown level', { level: 'verbose' }, ['level']],
      ['an unknown format', { format: 'xml' }, ['format']],
      ['a string for structured', { structured: 'true' }, ['structured']],
      [
        'a bad retention, inside compliance',
        { compliance: { ...valid.compliance, dataRetention: 0 } },
        ['compliance', 'dataRetention'],
      ],
      ['a missing compliance', { compliance: undefined }, ['compliance']],
      ['an unknown key', { destination: 'stdout' }, []],
    ])('rejects %s at its path', (_name, patch, path) => {
      const issues = loggingConfigSchema.safeParse({ ...valid, ...patch }).error?.issues;
      expect(issues?.map((issue) => issue.path)).toEqual([path]);
    });
  });
});
