import { readFileSync } from 'node:fs';
import { complianceBaselines } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { compliantMonitoringConfig } from './__fixtures__/compliant-monitoring-config.js';
import { monitoring, monitoringConfigSchema, monitoringControls, VERSION } from './index.js';

const packageJson = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as {
  name: string;
  version: string;
  peerDependencies: Record<string, string>;
};

describe('monitoring', () => {
  describe('definition', () => {
    it('does describe the package by its npm name, version and core range', () => {
      const plugin = monitoring();
      expect(plugin.name).toBe(packageJson.name);
      expect(plugin.version).toBe(packageJson.version);
      expect(VERSION).toBe(packageJson.version);
      // Released in one version group with core: it needs core's same minor at run time, while the
      // peer range stays open across 0.x so that a release does not force a major bump.
      expect(plugin.requires).toEqual({ '@agentry/core': `^${packageJson.version}` });
      expect(packageJson.peerDependencies['@agentry/core']).toBe('>=0.1.0 <1.0.0');
    });

    it('does return a new definition on each call', () => {
      expect(monitoring()).not.toBe(monitoring());
    });
  });

  describe('config', () => {
    it('does own the monitoring section with its strict schema', () => {
      const plugin = monitoring();
      expect(plugin.config?.key).toBe('monitoring');
      expect(plugin.config?.schema).toBe(monitoringConfigSchema);
      expect(plugin.config?.schema.safeParse(compliantMonitoringConfig()).success).toBe(true);
    });
  });

  describe('compliance', () => {
    it('does implement exactly the baseline controls provided by @agentry/monitoring', () => {
      const provided = Object.values(complianceBaselines)
        .flat()
        .filter((control) => control.providedBy === '@agentry/monitoring')
        .map((control) => control.id);
      const implemented = Object.keys(monitoring().compliance?.controls ?? {});
      expect(provided.length).toBeGreaterThan(0);
      expect(implemented.sort()).toEqual([...new Set(provided)].sort());
    });

    it('does register the exported checks and pass a compliant configuration', () => {
      const controls = monitoring().compliance?.controls ?? {};
      expect(controls).toBe(monitoringControls);
      for (const check of Object.values(controls)) {
        expect(check({ monitoring: compliantMonitoringConfig() })).toEqual([]);
      }
    });

    it('does switch on the frameworks the validated section asks for', () => {
      const section = monitoringConfigSchema.parse(compliantMonitoringConfig());
      const compliance = monitoring().compliance;
      expect(compliance?.enabledFrameworks?.(section)).toEqual(['soc2', 'gdpr']);
      section.logging.compliance.soc2 = false;
      expect(compliance?.enabledFrameworks?.(section)).toEqual(['gdpr']);
      section.logging.compliance.gdpr = false;
      expect(compliance?.enabledFrameworks?.(section)).toEqual([]);
    });
  });
});
