import type { ErrorCode } from '../errors/index.js';

/** One problem found in a configuration. */
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
