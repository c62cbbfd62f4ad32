import { isSecretKey } from '../config/mask-secrets.js';
import { formatPath } from '../schemas/serializable.js';
import { SOC2_MAX_API_KEY_AGE_HOURS } from './baselines.js';
import type { ComplianceFinding } from './compliance-types.js';

/** What core's own controls need beyond the configuration. */
export interface CoreControlContext {
  /** Dotted paths whose values came from secret references. */
  referencePaths: ReadonlySet<string>;
  /** The configuration as written, before references were resolved. */
  rawConfig: unknown;
}

type CoreCheck = (
  config: Readonly<Record<string, unknown>>,
  context: CoreControlContext,
) => ComplianceFinding[];

/**
 * The controls of the baselines that `@agentry/core` implements itself.
 *
 * @internal
 */
export const coreControls: Readonly<Record<string, CoreCheck>> = {
  'soc2.api-key-rotation': (config) => {
    const rotation = (
      config.authentication as
        { apiKeyRotation?: { enabled?: boolean; maxAge?: number } } | undefined
    )?.apiKeyRotation;
    const findings: ComplianceFinding[] = [];
    if (rotation?.enabled !== true) {
      findings.push({
        path: ['authentication', 'apiKeyRotation', 'enabled'],
        message: 'API-key rotation is off.',
        suggestion: 'Set authentication.apiKeyRotation.enabled to true.',
        received: rotation?.enabled,
      });
    }
    if (typeof rotation?.maxAge !== 'number' || rotation.maxAge > SOC2_MAX_API_KEY_AGE_HOURS) {
      findings.push({
        path: ['authentication', 'apiKeyRotation', 'maxAge'],
        message: `API keys may live longer than ${SOC2_MAX_API_KEY_AGE_HOURS} hours.`,
        suggestion: `Set authentication.apiKeyRotation.maxAge to at most ${SOC2_MAX_API_KEY_AGE_HOURS}.`,
        received: rotation?.maxAge,
      });
    }
    return findings;
  },
  'soc2.no-inline-secrets': (_config, context) => {
    const findings: ComplianceFinding[] = [];
    const walk = (value: unknown, path: (string | number)[]) => {
      if (Array.isArray(value)) value.forEach((item, index) => walk(item, [...path, index]));
      else if (typeof value === 'object' && value !== null) {
        for (const [key, child] of Object.entries(value)) walk(child, [...path, key]);
      } else if (
        typeof value === 'string' &&
        typeof path[path.length - 1] === 'string' &&
        isSecretKey(String(path[path.length - 1])) &&
        !context.referencePaths.has(formatPath(path))
      ) {
        findings.push({
          path,
          message: 'A secret is written inline in the configuration.',
          suggestion: 'Replace it with an ${env:NAME} or ${secret:name} reference.',
          received: value,
        });
      }
    };
    walk(context.rawConfig, []);
    return findings;
  },
};
