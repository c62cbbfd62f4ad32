import { readFileSync } from 'node:fs';
import { describePluginConformance } from '@agentry/testing/vitest';
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

// Released in one version group with core: it needs core's same minor at run time.
describePluginConformance({
  create: monitoring,
  packageJson,
  requires: { '@agentry/core': `^${packageJson.version}` },
  compliantSection: compliantMonitoringConfig,
});

describe('monitoring', () => {
  it('exports its version and keeps the peer range open across 0.x, so a release forces no major bump', () => {
    expect(VERSION).toBe(packageJson.version);
    expect(packageJson.peerDependencies['@agentry/core']).toBe('>=0.1.0 <1.0.0');
  });

  it('owns the monitoring section and registers the exported checks', () => {
    const plugin = monitoring();
    expect(plugin.config?.key).toBe('monitoring');
    // Optional: a configuration without the section still validates with the plug-in installed.
    expect(plugin.config?.required).toBe(false);
    expect(plugin.config?.schema).toBe(monitoringConfigSchema);
    // The same controls as monitoringControls, each also requiring the runtime behind it.
    expect(Object.keys(plugin.compliance?.controls ?? {}).sort()).toEqual(
      Object.keys(monitoringControls).sort(),
    );
  });

  it('switches on the frameworks the validated section asks for', () => {
    const section = monitoringConfigSchema.parse(compliantMonitoringConfig());
    const compliance = monitoring().compliance;
    expect(compliance?.enabledFrameworks?.(section)).toEqual(['soc2', 'gdpr']);
    section.logging.compliance.soc2 = false;
    expect(compliance?.enabledFrameworks?.(section)).toEqual(['gdpr']);
    section.logging.compliance.gdpr = false;
    expect(compliance?.enabledFrameworks?.(section)).toEqual([]);
  });
});
