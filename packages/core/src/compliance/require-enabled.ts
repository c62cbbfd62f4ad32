import type { ComplianceFinding } from './compliance-types.js';
import { describeConfigValue, readConfigValue } from './read-config-value.js';

/**
 * What a switch that must be on stands for, in the words of a finding.
 *
 * @example
 * ```ts
 * import { requireEnabled, type ComplianceCheck, type RequiredSwitch } from '@agentry/core';
 *
 * const encryptedBackups: RequiredSwitch = {
 *   path: ['backup', 'encrypted'],
 *   problem: 'Backups are not encrypted',
 *   suggestion: 'Set backup.encrypted to true.',
 * };
 * const check: ComplianceCheck = (config) => requireEnabled(config, encryptedBackups);
 * ```
 */
export interface RequiredSwitch {
  /** The path of the boolean from the configuration root. */
  path: readonly string[];
  /** What is wrong while the switch is off, as the start of a sentence (`Data is not encrypted at rest`). */
  problem: string;
  /** What to change, in one sentence. */
  suggestion: string;
}

/**
 * Checks that the boolean at `path` is `true`, returning one finding (with the value found,
 * `undefined` when missing) when it is anything else. Most compliance controls are one call.
 *
 * @example
 * ```ts
 * const auditLogging: ComplianceCheck = (config) =>
 *   requireEnabled(config, {
 *     path: ['security', 'auditLogging'],
 *     problem: 'Security-relevant actions are not logged',
 *     suggestion: 'Set security.auditLogging to true.',
 *   });
 * ```
 */
export function requireEnabled(
  config: Readonly<Record<string, unknown>>,
  { path, problem, suggestion }: RequiredSwitch,
): ComplianceFinding[] {
  const received = readConfigValue(config, path);
  if (received === true) return [];
  return [
    {
      path: [...path],
      message: `${problem}: ${path.join('.')} is ${describeConfigValue(received)}.`,
      suggestion,
      received,
    },
  ];
}
