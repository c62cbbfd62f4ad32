import { readFileSync } from 'node:fs';
import { describePluginConformance } from '@agentry/testing/vitest';
import { describe, expect, it } from 'vitest';
import { compliantSecurityConfig } from './__fixtures__/compliant-security-config.js';
import { security, securityConfigSchema, securityControls, VERSION } from './index.js';

const packageJson = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as {
  name: string;
  version: string;
  peerDependencies: Record<string, string>;
};

// Released in one version group with core: it needs core's same minor at run time.
describePluginConformance({
  create: security,
  packageJson,
  requires: { '@agentry/core': `^${packageJson.version}` },
  compliantSection: compliantSecurityConfig,
});

describe('security', () => {
  it('exports its version and keeps the peer range open across 0.x, so a release forces no major bump', () => {
    expect(VERSION).toBe(packageJson.version);
    expect(packageJson.peerDependencies['@agentry/core']).toBe('>=0.1.0 <1.0.0');
  });

  it('owns the security section and registers the exported checks', () => {
    const plugin = security();
    expect(plugin.config?.key).toBe('security');
    // Optional: a configuration without the section still validates with the plug-in installed.
    expect(plugin.config?.required).toBe(false);
    expect(plugin.config?.schema).toBe(securityConfigSchema);
    expect(plugin.compliance?.controls).toBe(securityControls);
  });

  it('does not switch compliance frameworks on by itself', () => {
    expect(security().compliance).not.toHaveProperty('enabledFrameworks');
  });
});
