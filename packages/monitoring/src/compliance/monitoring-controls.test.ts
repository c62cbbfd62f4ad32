import { GDPR_MAX_RETENTION_DAYS, SOC2_MIN_RETENTION_DAYS } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { compliantMonitoringConfig } from '../__fixtures__/compliant-monitoring-config.js';
import { setPath } from '@agentry/testing';
import {
  createMonitoringControls,
  monitoringControls,
  type MonitoringControlId,
  type MonitoringRuntime,
} from './monitoring-controls.js';

/** The whole configuration around a compliant `monitoring` section, changed by `change`. */
function configWith(change: (section: object) => void = () => {}) {
  const section = compliantMonitoringConfig();
  change(section);
  return { monitoring: section };
}

const retentionPath = ['monitoring', 'logging', 'compliance', 'dataRetention'];
const withRetention = (days: unknown) =>
  configWith((section) => setPath(section, retentionPath.slice(1), days));

/** Each control that checks one switch: its id and the path of that switch. */
const switchControls: [MonitoringControlId, string[]][] = [
  ['soc2.audit-trail', ['monitoring', 'logging', 'compliance', 'auditTrail']],
  ['soc2.structured-logging', ['monitoring', 'logging', 'structured']],
  ['gdpr.audit-trail', ['monitoring', 'logging', 'compliance', 'auditTrail']],
];

describe('monitoringControls', () => {
  // Every control passing a compliant section and reporting on a malformed one is checked by
  // describePluginConformance in the plug-in's own test.
  describe.each(switchControls)('%s', (id, path) => {
    it('does report the switch when it is off, with the value found', () => {
      const findings = monitoringControls[id](
        configWith((section) => setPath(section, path.slice(1), false)),
      );
      expect(findings).toEqual([
        {
          path,
          received: false,
          message: expect.stringMatching(new RegExp(`: ${path.join('\\.')} is false\\.$`)),
          suggestion: expect.stringContaining(`Set ${path.join('.')} to true`),
        },
      ]);
    });

    it('does report the switch as not set when the section is missing', () => {
      expect(monitoringControls[id]({})).toEqual([
        expect.objectContaining({
          path,
          received: undefined,
          message: expect.stringMatching(/ is not set\.$/),
        }),
      ]);
    });
  });

  describe('soc2.data-retention', () => {
    const check = monitoringControls['soc2.data-retention'];

    it.each([SOC2_MIN_RETENTION_DAYS, SOC2_MIN_RETENTION_DAYS + 1, 10 * 365])(
      'does pass %i days',
      (days) => {
        expect(check(withRetention(days))).toEqual([]);
      },
    );

    it.each<[unknown, RegExp]>([
      [SOC2_MIN_RETENTION_DAYS - 1, /is 364\.$/],
      [30, /is 30\.$/],
      [Number.NaN, /is NaN\.$/],
      ['365', /is "365"\.$/],
      [undefined, /is not set\.$/],
    ])('does report %s days at the exact path', (days, message) => {
      expect(check(withRetention(days))).toEqual([
        {
          path: retentionPath,
          received: days,
          message: expect.stringMatching(message),
          suggestion: `Set monitoring.logging.compliance.dataRetention to ${SOC2_MIN_RETENTION_DAYS} or more.`,
        },
      ]);
    });
  });

  describe('gdpr.storage-limitation', () => {
    const check = monitoringControls['gdpr.storage-limitation'];

    it.each([1, 30, SOC2_MIN_RETENTION_DAYS, GDPR_MAX_RETENTION_DAYS])(
      'does pass %i days',
      (days) => {
        expect(check(withRetention(days))).toEqual([]);
      },
    );

    it.each<[unknown, RegExp]>([
      [GDPR_MAX_RETENTION_DAYS + 1, /longer than the 1095 days/],
      [100 * 365, /longer than the 1095 days/],
      [Number.POSITIVE_INFINITY, /No data retention period is set/],
      [0, /No data retention period is set/],
      [-1, /No data retention period is set/],
      [30.5, /No data retention period is set/],
      [undefined, /No data retention period is set/],
    ])('does report %s days at the exact path', (days, message) => {
      expect(check(withRetention(days))).toEqual([
        {
          path: retentionPath,
          received: days,
          message: expect.stringMatching(message),
          suggestion: expect.stringContaining(`at most ${GDPR_MAX_RETENTION_DAYS}`),
        },
      ]);
    });
  });
});

describe('createMonitoringControls', () => {
  const installed: MonitoringRuntime = {
    logging: true,
    compliance: { auditTrail: { file: 'audit.jsonl' } },
  };
  const ids = Object.keys(monitoringControls) as MonitoringControlId[];

  it('passes a compliant section when the runtime behind every control is installed', () => {
    const controls = createMonitoringControls(installed);
    for (const id of ids) expect(controls[id](configWith())).toEqual([]);
  });

  it('reports a setting that fails on its own once, as the configuration check does', () => {
    const controls = createMonitoringControls({ logging: false, compliance: undefined });
    const config = withRetention(30);
    expect(controls['soc2.data-retention'](config)).toEqual(
      monitoringControls['soc2.data-retention'](config),
    );
  });

  it.each<[MonitoringControlId, MonitoringRuntime, string[], RegExp]>([
    [
      'soc2.audit-trail',
      { logging: true, compliance: undefined },
      ['monitoring', 'logging', 'compliance', 'auditTrail'],
      /compliance runtime is not installed/,
    ],
    [
      'gdpr.audit-trail',
      { logging: true, compliance: {} },
      ['monitoring', 'logging', 'compliance', 'auditTrail'],
      /has no audit trail destination/,
    ],
    [
      'soc2.data-retention',
      { logging: true, compliance: undefined },
      retentionPath,
      /is 365 days, but no retention schedule runs/,
    ],
    [
      'gdpr.storage-limitation',
      { ...installed, compliance: { ...installed.compliance, retention: false } },
      retentionPath,
      /no retention schedule runs/,
    ],
    [
      'soc2.structured-logging',
      { ...installed, logging: false },
      ['monitoring', 'logging', 'structured'],
      /logging is not installed/,
    ],
  ])(
    '%s fails when its runtime does not run, at the setting’s path',
    (id, runtime, path, message) => {
      const findings = createMonitoringControls(runtime)[id](configWith());
      expect(findings).toEqual([
        {
          path,
          received: expect.anything(),
          message: expect.stringMatching(message),
          suggestion: expect.any(String),
        },
      ]);
    },
  );
});
