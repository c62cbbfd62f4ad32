import { AgentryError } from '@agentry/core';
import type { SecurityConfig } from '../config/index.js';

/**
 * What the security section asks for but the options do not give, per control: start-up fails
 * with the whole list rather than running without a piece the configuration claims.
 */
/** @internal */
export function requireRuntimePieces(
  section: SecurityConfig | undefined,
  options: { readonly keys?: unknown; readonly audit?: unknown },
): void {
  const missing: { control: string; path: string; problem: string; suggestion: string }[] = [];
  if (section?.encryption.atRest === true && options.keys === undefined) {
    missing.push({
      control: 'soc2.encryption-at-rest',
      path: 'security.encryption.atRest',
      problem: 'encryption at rest is on, but security() was given no keys',
      suggestion:
        'Pass security({ keys: { provider: fileKeyProvider({ directory }), store } }), or a KMS provider of your own.',
    });
  }
  if (section?.auditLogging === true && options.audit === undefined) {
    missing.push({
      control: 'soc2.audit-logging',
      path: 'security.auditLogging',
      problem: 'audit logging is on, but security() was given no audit log store and signer',
      suggestion:
        'Pass security({ audit: { store, signer: createCheckpointSigner({ name, privateKey }) } }).',
    });
  }
  if (missing.length === 0) return;
  throw new AgentryError({
    code: 'compliance_failed',
    message: `The security section cannot run as configured: ${missing
      .map((piece) => `${piece.control} (${piece.path}): ${piece.problem}`)
      .join('; ')}.`,
    details: {
      controls: missing.map((piece) => piece.control),
      paths: missing.map((piece) => piece.path),
    },
    suggestions: missing.map((piece) => piece.suggestion),
  });
}
