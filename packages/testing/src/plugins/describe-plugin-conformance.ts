import { complianceBaselines, createPluginRegistry, type AgentryPlugin } from '@agentry/core';
import { describe, expect, it } from 'vitest';

/** What {@link describePluginConformance} checks a plug-in against. */
export interface PluginConformanceOptions {
  /** Creates the plug-in (its factory, such as `security`). */
  create: () => AgentryPlugin;
  /** The plug-in package's `name` and `version`, as in its package.json. */
  packageJson: {
    /** The npm package name. */
    name: string;
    /** The package version. */
    version: string;
  };
  /** The exact `requires` the plug-in must declare. */
  requires: Readonly<Record<string, string>>;
  /** A section that passes every compliance control of the plug-in; needed when it owns a section. */
  compliantSection?: () => unknown;
}

/**
 * Registers vitest tests every plug-in must pass: it describes its package by name and version,
 * declares the expected `requires` and installs beside the running core, makes a new definition on
 * each call, accepts a compliant section, implements exactly the baseline controls its package
 * provides, and each control passes the compliant section and reports (never throws) on a
 * missing or malformed one.
 *
 * @example
 * ```ts
 * describePluginConformance({
 *   create: security,
 *   packageJson,
 *   requires: { '@agentry/core': `^${packageJson.version}` },
 *   compliantSection: compliantSecurityConfig,
 * });
 * ```
 */
export function describePluginConformance(options: PluginConformanceOptions): void {
  const { create, packageJson } = options;

  describe(`${packageJson.name} plug-in conformance`, () => {
    it('describes its package by name and version, with the expected requires', () => {
      const plugin = create();
      expect(plugin.name).toBe(packageJson.name);
      expect(plugin.version).toBe(packageJson.version);
      expect(plugin.requires ?? {}).toEqual(options.requires);
    });

    it('installs beside the running core', () => {
      const plugin = create();
      expect(createPluginRegistry([plugin]).get(plugin.name)).toBe(plugin);
    });

    it('makes a new definition on each call', () => {
      expect(create()).not.toBe(create());
    });

    it('accepts a compliant section', () => {
      const section = create().config;
      if (!section) return;
      expect(
        options.compliantSection,
        'compliantSection is needed for a plug-in with a section',
      ).toBeDefined();
      expect(section.schema.safeParse(options.compliantSection?.()).success).toBe(true);
    });

    it('implements exactly the baseline controls its package provides', () => {
      const provided = new Set(
        Object.values(complianceBaselines)
          .flat()
          .filter((control) => control.providedBy === packageJson.name)
          .map((control) => control.id),
      );
      const implemented = Object.keys(create().compliance?.controls ?? {});
      expect(implemented.sort()).toEqual([...provided].sort());
    });

    it('has every control pass the compliant section and report on a missing or malformed one', () => {
      const plugin = create();
      const key = plugin.config?.key;
      for (const [id, check] of Object.entries(plugin.compliance?.controls ?? {})) {
        if (key !== undefined)
          expect(check({ [key]: options.compliantSection?.() }), id).toEqual([]);
        const broken =
          key === undefined ? [{}] : [{}, { [key]: null }, { [key]: 'on' }, { [key]: [] }];
        for (const config of broken)
          expect(check(config).length, `${id} on ${JSON.stringify(config)}`).toBeGreaterThan(0);
      }
    });
  });
}
