import { readFileSync } from 'node:fs';
import { complianceBaselines } from '@agentry/core';
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

describe('security', () => {
  describe('definition', () => {
    it('does describe the package by its npm name, version and core range', () => {
      const plugin = security();
      expect(plugin.name).toBe(packageJson.name);
      expect(plugin.version).toBe(packageJson.version);
      expect(VERSION).toBe(packageJson.version);
      // Released in one version group with core: it needs core's same minor at run time, while the
      // peer range stays open across 0.x so that a release does not force a major bump.
      expect(plugin.requires).toEqual({ '@agentry/core': `^${packageJson.version}` });
      expect(packageJson.peerDependencies['@agentry/core']).toBe('>=0.1.0 <1.0.0');
    });

    it('does return a new definition on each call', () => {
      expect(security()).not.toBe(security());
    });
  });

  describe('config', () => {
    it('does own the security section with its strict schema', () => {
      const plugin = security();
      expect(plugin.config?.key).toBe('security');
      expect(plugin.config?.schema).toBe(securityConfigSchema);
      expect(plugin.config?.schema.safeParse(compliantSecurityConfig()).success).toBe(true);
    });
  });

  describe('compliance', () => {
    it('does implement exactly the baseline controls provided by @agentry/security', () => {
      const provided = Object.values(complianceBaselines)
        .flat()
        .filter((control) => control.providedBy === '@agentry/security')
        .map((control) => control.id);
      const implemented = Object.keys(security().compliance?.controls ?? {});
      expect(provided.length).toBeGreaterThan(0);
      expect(implemented.sort()).toEqual([...new Set(provided)].sort());
    });

    it('does register the exported checks and pass a compliant configuration', () => {
      const controls = security().compliance?.controls ?? {};
      expect(controls).toBe(securityControls);
      for (const check of Object.values(controls)) {
        expect(check({ security: compliantSecurityConfig() })).toEqual([]);
      }
    });

    it('does not switch compliance frameworks on by itself', () => {
      expect(security().compliance).not.toHaveProperty('enabledFrameworks');
    });
  });
});
