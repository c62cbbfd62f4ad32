/**
 * A compliance framework Agentry can hold a configuration to.
 *
 * @example
 * ```ts
 * import type { Agentry, ComplianceFramework } from '@agentry/core';
 *
 * declare const agentry: Agentry;
 * const wanted: ComplianceFramework = 'gdpr';
 * if (!agentry.compliance.frameworks.includes(wanted)) console.warn('GDPR baseline is not switched on.');
 * ```
 */
export type ComplianceFramework = 'soc2' | 'gdpr';

/**
 * What a failing control reports: where in the configuration the problem is, what is wrong, and
 * what to change.
 *
 * @example
 * ```ts
 * import type { ComplianceCheck, ComplianceFinding } from '@agentry/core';
 *
 * // A control written by hand: one finding per problem, an empty list when the control passes.
 * const retentionAtMostOneYear: ComplianceCheck = (config) => {
 *   const days = (config.archive as { retentionDays?: unknown } | undefined)?.retentionDays;
 *   if (typeof days === 'number' && days <= 365) return [];
 *   const finding: ComplianceFinding = {
 *     path: ['archive', 'retentionDays'],
 *     message: 'Archived conversations are kept for more than a year.',
 *     suggestion: 'Set archive.retentionDays to 365 or less.',
 *     received: days,
 *   };
 *   return [finding];
 * };
 * ```
 */
export interface ComplianceFinding {
  /** The configuration path that fails, as keys from the root (`['security', 'encryption', 'atRest']`). */
  path: readonly (string | number)[];
  /** What is wrong, in one sentence. */
  message: string;
  /** What to change, in one sentence. */
  suggestion: string;
  /** The value found there (masked when it is a secret). */
  received?: unknown;
}

/**
 * The check behind one control of a baseline. It receives the whole validated configuration (with
 * secrets resolved) and returns the findings that fail it: none means the control passes.
 *
 * @example
 * ```ts
 * import { requireEnabled, type ComplianceCheck } from '@agentry/core';
 *
 * // Most controls are one call to requireEnabled; a plug-in lists them in `compliance.controls`.
 * const auditLogging: ComplianceCheck = (config) =>
 *   requireEnabled(config, {
 *     path: ['audit', 'enabled'],
 *     problem: 'Administrative actions are not logged',
 *     suggestion: 'Set audit.enabled to true.',
 *   });
 * ```
 */
export type ComplianceCheck = (
  config: Readonly<Record<string, unknown>>,
) => readonly ComplianceFinding[];
