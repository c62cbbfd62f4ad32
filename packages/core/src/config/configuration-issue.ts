import type { ErrorCode } from '../errors/index.js';

/**
 * One problem found in a configuration.
 *
 * @example
 * ```ts
 * import { AgentryError, createAgentry, loadConfiguration, type ConfigurationIssue } from '@agentry/core';
 *
 * try {
 *   await createAgentry({ config: await loadConfiguration('agentry.config.json') });
 * } catch (error) {
 *   if (!(error instanceof AgentryError) || error.code !== 'config_invalid') throw error;
 *   // Every problem at once, each with where it is, what was found and what to do.
 *   const issues = error.details.issues as ConfigurationIssue[];
 *   for (const issue of issues) console.error(`${issue.path} (${issue.code}): ${issue.message} ${issue.suggestion}`);
 * }
 * ```
 */
export interface ConfigurationIssue {
  /** Where it is, as people read it: `security.accessControl.rateLimiting.requestsPerMinute`. */
  path: string;
  /** The same path as keys and indexes. */
  segments: (string | number)[];
  /** The specific error code: `validation_failed`, `plugin_missing`, `compliance_failed`, … */
  code: ErrorCode;
  /** What is wrong. */
  message: string;
  /** The value found there, with secrets masked; absent when nothing was there. */
  received?: unknown;
  /** What to do about it. */
  suggestion: string;
  /** The compliance control that failed, for `compliance_failed`. */
  control?: string;
}
