import { describe, expect, it } from 'vitest';
import { compliantMonitoringConfig } from '../__fixtures__/compliant-monitoring-config.js';
import { deletePath, setPath } from '@agentry/testing';
import { monitoringConfigSchema } from './monitoring-config.js';

describe('monitoringConfigSchema', () => {
  describe('safeParse', () => {
    it('accepts a complete section and returns it unchanged', () => {
      const input = compliantMonitoringConfig();
      expect(monitoringConfigSchema.safeParse(input)).toEqual({ success: true, data: input });
    });

    it('accepts a section with no alerts and compliance off', () => {
      const input = compliantMonitoringConfig();
      input.alerts = [];
      input.logging.compliance = { soc2: false, gdpr: false, auditTrail: false, dataRetention: 7 };
      expect(monitoringConfigSchema.safeParse(input).success).toBe(true);
    });

    it.each<[string, (section: object) => void, (string | number)[][]]>([
      [
        'a repeated export format',
        (section) => setPath(section, ['metrics', 'exportFormats'], ['json', 'json']),
        [['metrics', 'exportFormats', 1]],
      ],
      [
        'a fractional retention',
        (section) => setPath(section, ['logging', 'compliance', 'dataRetention'], 365.25),
        [['logging', 'compliance', 'dataRetention']],
      ],
      [
        'a bad slack URL deep in the second channel of the first alert',
        (section) =>
          setPath(
            section,
            ['alerts', 0, 'channels', 1, 'configuration', 'webhookUrl'],
            'http://x.y',
          ),
        [['alerts', 0, 'channels', 1, 'configuration', 'webhookUrl']],
      ],
      [
        'an error rate over 100',
        (section) => setPath(section, ['performanceThresholds', 'maxErrorRate'], 150),
        [['performanceThresholds', 'maxErrorRate']],
      ],
      ['a missing logging', (section) => deletePath(section, ['logging']), [['logging']]],
      ['an unknown top-level key', (section) => setPath(section, ['tracing'], {}), [[]]],
    ])('rejects %s at its path', (_name, change, paths) => {
      const input = compliantMonitoringConfig();
      change(input);
      const issues = monitoringConfigSchema.safeParse(input).error?.issues;
      expect(issues?.map((issue) => issue.path)).toEqual(paths);
    });
  });
});
