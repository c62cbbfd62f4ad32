import { AgentryError } from '../errors/index.js';
import type { AuditEntry, AuditSink } from '../plugins/audit-sink.js';

/** @internal Appends audit entries to the provided sink, if any, never throwing at the caller. */
export interface AuditTrail {
  /**
   * Appends one entry (`at` filled in with the current time) when a sink is provided; resolves
   * once it is recorded, or once its failure has been reported.
   */
  append(entry: Omit<AuditEntry, 'at'>): Promise<void>;
}

/**
 * The instance's audit trail. The sink is looked up at each append, so one provided by any plug-in
 * is used; an append that throws or rejects goes to `onError` as an `internal` error naming the
 * action, and the operation being audited goes on.
 *
 * @internal
 */
export function createAuditTrail(
  sink: () => AuditSink | undefined,
  onError: (error: AgentryError) => void,
): AuditTrail {
  return {
    async append(entry) {
      const target = sink();
      if (target === undefined) return;
      try {
        await target.append({ at: new Date().toISOString(), ...entry });
      } catch (error) {
        onError(
          new AgentryError({
            code: 'internal',
            message: `The audit sink failed to append a ${entry.action} entry: ${error instanceof Error ? error.message : String(error)}`,
            details: { action: entry.action, category: entry.category },
            suggestions: [
              'Check the plug-in that provides services.auditSink (its storage, its connection).',
            ],
            cause: error,
          }),
        );
      }
    },
  };
}
