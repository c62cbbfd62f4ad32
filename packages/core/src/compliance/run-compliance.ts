import type { ConfigurationIssue } from '../config/configuration-issue.js';
import { pluginSectionPackages } from '../config/sdk-configuration.js';
import { maskSecret } from '../config/mask-secrets.js';
import type { PluginRegistry } from '../plugins/index.js';
import { formatPath } from '../schemas/serializable.js';
import { readConfigValue } from './read-config-value.js';
import { complianceBaselines } from './baselines.js';
import type { ComplianceFinding, ComplianceFramework } from './compliance-types.js';
import { coreControls, type CoreControlContext } from './core-controls.js';

/**
 * The outcome of one control.
 *
 * @example
 * ```ts
 * import type { Agentry, ComplianceControlResult } from '@agentry/core';
 *
 * declare const agentry: Agentry;
 * const failed: ComplianceControlResult[] = agentry.compliance.controls.filter((c) => !c.passed);
 * console.log(failed.map((control) => `${control.framework}: ${control.id}`));
 * ```
 */
export interface ComplianceControlResult {
  /** The control's id, such as `soc2.audit-trail`. */
  id: string;
  /** The framework it belongs to. */
  framework: ComplianceFramework;
  /** Whether it passed. */
  passed: boolean;
}

/**
 * What the compliance check of a configuration found.
 *
 * @example
 * ```ts
 * import type { Agentry, ComplianceReport } from '@agentry/core';
 *
 * declare const agentry: Agentry;
 * // A configuration that fails a control is refused by createAgentry, so a running
 * // instance's report lists what was checked and passed.
 * const report: ComplianceReport = agentry.compliance;
 * console.log(report.frameworks, `${report.controls.length} controls checked`);
 * ```
 */
export interface ComplianceReport {
  /** The frameworks the configuration switches on. */
  frameworks: ComplianceFramework[];
  /** Every control checked, with its outcome. */
  controls: ComplianceControlResult[];
  /** One issue per failing finding. */
  issues: ConfigurationIssue[];
}

const frameworkNames: Record<ComplianceFramework, string> = { soc2: 'SOC 2', gdpr: 'GDPR' };

/**
 * Checks a validated configuration against the baseline of every framework its plug-ins switch on.
 * A control whose package is not installed fails, naming the package. A finding on a value the
 * file leaves out says that the value is a default. No framework is switched on by default, so a
 * configuration that switches none on gets an empty report, never a passed control.
 *
 * @internal
 */
export function runCompliance(
  config: Readonly<Record<string, unknown>>,
  registry: PluginRegistry,
  context: CoreControlContext,
): ComplianceReport {
  const frameworks = new Set<ComplianceFramework>();
  for (const plugin of registry.plugins) {
    const key = plugin.config?.key;
    if (key === undefined || config[key] === undefined) continue;
    for (const framework of plugin.compliance?.enabledFrameworks?.(config[key]) ?? [])
      frameworks.add(framework);
  }

  const report: ComplianceReport = { frameworks: [...frameworks], controls: [], issues: [] };
  for (const framework of report.frameworks) {
    for (const control of complianceBaselines[framework]) {
      let findings: readonly ComplianceFinding[];
      const coreCheck =
        control.providedBy === '@agentry/core' ? coreControls[control.id] : undefined;
      const pluginCheck = registry.get(control.providedBy)?.compliance?.controls?.[control.id];
      if (coreCheck) findings = coreCheck(config, context);
      else if (pluginCheck) findings = pluginCheck(config);
      else {
        const installed = registry.get(control.providedBy) !== undefined;
        const section = Object.keys(pluginSectionPackages).find(
          (key) => pluginSectionPackages[key] === control.providedBy,
        );
        findings = [
          {
            path: section === undefined ? [] : [section],
            message: installed
              ? `${control.providedBy} does not implement the ${frameworkNames[framework]} control ${control.id}.`
              : `The ${frameworkNames[framework]} control ${control.id} (${control.title}) is checked by ${control.providedBy}, which is not installed.`,
            suggestion: installed
              ? `Upgrade ${control.providedBy}.`
              : `Install ${control.providedBy} and add it to plugins, with its configuration section.`,
          },
        ];
      }
      report.controls.push({ id: control.id, framework, passed: findings.length === 0 });
      for (const finding of findings) {
        const path = formatPath(finding.path);
        // A value the file leaves out is a default: say so, so that nobody hunts for it.
        const defaulted =
          finding.received !== undefined &&
          finding.path.length > 0 &&
          readConfigValue(context.rawConfig, finding.path) === undefined;
        const issue: ConfigurationIssue = {
          path,
          segments: [...finding.path],
          code: 'compliance_failed',
          message: `${frameworkNames[framework]} ${control.id}: ${finding.message}${defaulted ? ` (${path} is not written in the configuration; that is its default.)` : ''}`,
          suggestion: finding.suggestion,
          control: control.id,
        };
        if (finding.received !== undefined)
          issue.received =
            context.referencePaths.has(path) || control.id.endsWith('no-inline-secrets')
              ? maskSecret(finding.received)
              : finding.received;
        report.issues.push(issue);
      }
    }
  }
  return report;
}
