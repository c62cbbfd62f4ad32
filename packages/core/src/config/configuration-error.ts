import { AgentryError } from '../errors/index.js';
import type { ConfigurationIssue } from './configuration-issue.js';

/**
 * Builds the one error that reports every configuration problem: code `config_invalid`, each
 * issue in `details.issues` and on its own line of the message.
 *
 * @internal
 */
export function configurationError(
  issues: readonly ConfigurationIssue[],
  what = 'configuration',
): AgentryError {
  const lines = issues.map((issue) => `  - ${issue.path}: ${issue.message} ${issue.suggestion}`);
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  return new AgentryError({
    code: 'config_invalid',
    message: `The ${what} has ${count}:\n${lines.join('\n')}`,
    details: { issues },
    suggestions: [...new Set(issues.map((issue) => issue.suggestion))],
  });
}
