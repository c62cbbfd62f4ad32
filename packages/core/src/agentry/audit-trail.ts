import type { SDKConfiguration } from '../config/sdk-configuration.js';
import { AgentryError } from '../errors/index.js';
import type { AuditEntry, AuditSink } from '../plugins/audit-sink.js';
import type { PluginRegistry } from '../plugins/plugin-registry.js';

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

/**
 * The audit entries of an instance's start: the configuration it applies and each plug-in.
 *
 * @internal
 */
export async function auditStart(
  audit: AuditTrail,
  validated: { config: Readonly<SDKConfiguration>; sourceVersion: string },
  registry: PluginRegistry,
): Promise<void> {
  const { schemaVersion } = validated.config;
  const actor = '@agentry/core';
  await audit.append({
    category: 'configuration',
    action: 'configuration.change',
    actor,
    details: { change: 'load', schemaVersion, sections: Object.keys(validated.config).sort() },
  });
  if (validated.sourceVersion !== schemaVersion) {
    await audit.append({
      category: 'configuration',
      action: 'configuration.change',
      actor,
      details: { change: 'migrate', from: validated.sourceVersion, to: schemaVersion },
    });
  }
  for (const plugin of registry.plugins) {
    await audit.append({
      category: 'plugin',
      action: 'plugin.setup',
      actor,
      subject: plugin.name,
      details: {
        version: plugin.version,
        ...(plugin.config ? { section: plugin.config.key } : {}),
        providers: (plugin.providers ?? []).map((provider) => provider.type),
      },
    });
  }
}
