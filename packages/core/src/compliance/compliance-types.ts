/** A compliance framework Agentry can hold a configuration to. */
export type ComplianceFramework = 'soc2' | 'gdpr';

/**
 * What a failing control reports: where in the configuration the problem is, what is wrong, and
 * what to change.
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
 */
export type ComplianceCheck = (
  config: Readonly<Record<string, unknown>>,
) => readonly ComplianceFinding[];
