import { readConfigValue, type ComplianceFramework } from '@agentry/core';

/**
 * The compliance frameworks a `monitoring` section switches on: `soc2` when
 * `logging.compliance.soc2` is `true`, `gdpr` when `logging.compliance.gdpr` is `true`. Anything
 * else, including a missing or malformed section, switches nothing on.
 *
 * @internal
 */
export function enabledFrameworks(section: unknown): ComplianceFramework[] {
  const frameworks: ComplianceFramework[] = [];
  if (readConfigValue(section, ['logging', 'compliance', 'soc2']) === true) frameworks.push('soc2');
  if (readConfigValue(section, ['logging', 'compliance', 'gdpr']) === true) frameworks.push('gdpr');
  return frameworks;
}
