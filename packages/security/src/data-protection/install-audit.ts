import {
  AgentryError,
  services,
  type AuditEntry,
  type AuditSink,
  type InstanceEvent,
  type PluginHost,
  type SecurityEvent,
  type StateStore,
} from '@agentry/core';
import { isApprovalResolved } from '../approvals/index.js';
import { createAuditLog, type AuditLog, type CheckpointSigner } from '../audit/index.js';

/**
 * Where `security()` keeps its tamper-evident audit log when `security.auditLogging` is on.
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from 'node:crypto';
 * import { createSqliteStore } from '@agentry/store-sqlite';
 * import { createCheckpointSigner, type SecurityAuditOptions } from '@agentry/security';
 *
 * const { privateKey } = generateKeyPairSync('ed25519');
 * const audit: SecurityAuditOptions = {
 *   store: createSqliteStore({ path: 'audit.db' }),
 *   signer: createCheckpointSigner({ name: 'audit.example.com', privateKey }),
 *   personalData: { keys: createSqliteStore({ path: 'audit-subject-keys.db' }) },
 * };
 * console.log(audit.signer.verifierKey);
 * ```
 */
export interface SecurityAuditOptions {
  /**
   * Where the entries and checkpoints are kept (SQLite or any shared store). They are not
   * encrypted as a whole, so that anyone with the verifier key can check the log without the
   * data keys (`agentry audit verify`); what is personal in them is sealed per data subject
   * instead (see `personalData`), and every entry is masked.
   */
  readonly store: StateStore;
  /** Signs the checkpoints (Ed25519); publish its `verifierKey` where verifiers can read it. */
  readonly signer: CheckpointSigner;
  /** The log's name (default `audit`): several logs can share one store. */
  readonly name?: string;
  /** How often a signed checkpoint is made (default every 1,000 entries or 5 s). */
  readonly checkpoint?: {
    /** Entries between two checkpoints at most (default 1,000). */
    readonly everyEntries?: number;
    /** Milliseconds between two checkpoints at most, when entries were appended (default 5,000). */
    readonly everyMs?: number;
  };
  /**
   * Crypto-shredding: each data subject's personal data in entries (the actor, the details) is
   * sealed under a key of its own kept in `keys`; `agentry.erase({ userId })` deletes that key, so
   * the entries become unreadable while the chain still verifies. With encryption at rest on it
   * is always on (the subject keys kept in `store` by default, encrypted with the data keys);
   * without it, only when given.
   */
  readonly personalData?: {
    /** Where the per-subject keys live (default: `store`, under `audit-key:` and `audit-subject:`). */
    readonly keys?: StateStore;
    /**
     * The data subject an entry is about; by default its `actor` when that is a principal (not a
     * package such as `@agentry/core`, nor `application`).
     */
    readonly subjectOf?: (entry: AuditEntry) => string | undefined;
  };
}

/** @internal */
export interface InstalledAudit {
  readonly log: AuditLog;
  /** Appends to the log, or rejects with `audit_unavailable` (for actions that fail closed). */
  appendOrFail(entry: Omit<AuditEntry, 'at'>): Promise<void>;
  close(): Promise<void>;
}

const defaultSubjectOf = (entry: AuditEntry): string | undefined =>
  entry.actor === undefined || entry.actor.startsWith('@') || entry.actor === 'application'
    ? undefined
    : entry.actor;

/**
 * Provides the log as the instance's audit sink (monitoring's simple trail yields to it), masks
 * each entry with the instance's masker, records every plug-in's security event as one entry, and
 * records tool executions: a destructive tool's call is recorded before it runs and refused when
 * it cannot be (fail closed); other calls are recorded when they end, with their outcome.
 *
 * @internal
 */
export function installAudit(
  host: PluginHost,
  options: SecurityAuditOptions,
  /** Encrypts a store with the data keys; undefined when encryption at rest is off. */
  encrypt: ((store: StateStore) => StateStore) | undefined,
): InstalledAudit {
  // Subject keys are kept encrypted when encryption at rest is on; the entries themselves stay
  // verifiable with the verifier key alone.
  const sealing =
    options.personalData !== undefined || encrypt !== undefined
      ? {
          keys: ((store: StateStore) => encrypt?.(store) ?? store)(
            options.personalData?.keys ?? options.store,
          ),
          subjectOf: options.personalData?.subjectOf ?? defaultSubjectOf,
        }
      : undefined;
  const log = createAuditLog({
    store: options.store,
    signer: options.signer,
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.checkpoint === undefined ? {} : { checkpoint: options.checkpoint }),
    ...(sealing === undefined ? {} : { personalData: sealing }),
  });
  const masked = (entry: AuditEntry): AuditEntry =>
    host.lookup(services.masker)?.mask(entry, { purpose: 'log', field: 'audit' }) ?? entry;
  const sink: AuditSink = {
    async append(entry) {
      await log.append(masked(entry));
      // Core records an erasure of a user's data; their personal data in this log goes with it.
      if (
        entry.category === 'data' &&
        entry.action === 'data.erase' &&
        typeof entry.subject === 'string' &&
        sealing !== undefined
      ) {
        await log.eraseSubject(entry.subject);
      }
    },
  };
  host.provide(services.auditSink, sink);

  const appendOrFail = (entry: Omit<AuditEntry, 'at'>) =>
    sink.append({ at: new Date().toISOString(), ...entry });
  const pending = new Set<Promise<unknown>>();
  const track = (write: Promise<unknown>) => {
    const settled = write.catch((error: unknown) =>
      host.logger.error(
        { code: AgentryError.isInstance(error) ? error.code : 'internal' },
        'An audit entry could not be recorded.',
      ),
    );
    pending.add(settled);
    void settled.then(() => pending.delete(settled));
  };

  const subscription = host.events$.subscribe((tagged: InstanceEvent) => {
    if (tagged.source.kind !== 'plugin') return;
    if (tagged.event.type === 'security') {
      track(sink.append(securityEntry(tagged.event as SecurityEvent, tagged.source.plugin)));
    } else if (isApprovalResolved(tagged.event)) {
      // A person's approval or denial (or its expiry): who decided, on what call, and how.
      const event = tagged.event;
      track(
        sink.append({
          at: new Date(event.at).toISOString(),
          category: 'security',
          action: 'approval.resolve',
          actor: event.approver?.id ?? '@agentry/security',
          subject: event.resource,
          outcome: event.outcome === 'approved' ? 'allowed' : 'denied',
          runId: event.runId,
          details: {
            approval: event.id,
            decision: event.outcome,
            requester: event.principal.id,
            toolCallId: event.toolCallId,
            ...(event.reason === undefined ? {} : { reason: event.reason }),
          },
        }),
      );
    }
  });

  host.useToolMiddleware(async (context, next) => {
    const entry = {
      category: 'security' as const,
      action: 'tool.execute',
      actor: context.principal.id,
      subject: `tools:${context.toolName}`,
      runId: context.runId,
      details: {
        agentId: context.agentId,
        toolCallId: context.toolCallId,
        access: context.access,
        destructive: context.destructive,
      },
    };
    if (context.destructive) {
      // Fail closed: a destructive call that cannot be recorded does not run.
      try {
        await appendOrFail({ ...entry, outcome: 'allowed' });
      } catch (error) {
        throw new AgentryError({
          code: 'audit_unavailable',
          message: `The call of ${context.toolName} was refused: the audit log could not record it.`,
          details: { tool: context.toolName, toolCallId: context.toolCallId },
          suggestions: ['Check the audit store, then retry the call.'],
          cause: error,
        });
      }
      return next();
    }
    let failed = true;
    try {
      await next();
      failed = context.isError === true;
    } finally {
      track(appendOrFail({ ...entry, outcome: failed ? 'failed' : 'succeeded' }));
    }
  });

  const settled = async () => {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  };
  // Reads through the API see every entry appended before the call, those still being written
  // from events included.
  const view: AuditLog = {
    ...log,
    append: (entry) => sink.append(entry),
    verify: () => settled().then(() => log.verify()),
    assertIntact: () => settled().then(() => log.assertIntact()),
    checkpoint: () => settled().then(() => log.checkpoint()),
    head: () => settled().then(() => log.head()),
    entries: (range) => settled().then(() => log.entries(range)),
    proveInclusion: (index) => settled().then(() => log.proveInclusion(index)),
  };
  return {
    log: view,
    appendOrFail,
    async close() {
      subscription.unsubscribe();
      await settled();
      await log.close();
    },
  };
}

/** One security event as one audit entry: who, what, on what, how it ended, where. */
function securityEntry(event: SecurityEvent, plugin: string): AuditEntry {
  const outcome =
    event.outcome === 'allow' ? 'allowed' : event.outcome === 'deny' ? 'denied' : undefined;
  return {
    at: new Date(event.at).toISOString(),
    category: 'security',
    action: `security.${event.category}`,
    ...(event.subject === undefined ? {} : { actor: event.subject }),
    ...(event.resource === undefined ? {} : { subject: event.resource }),
    ...(outcome === undefined ? {} : { outcome }),
    ...(event.traceId === undefined ? {} : { traceId: event.traceId }),
    ...(event.runId === undefined ? {} : { runId: event.runId }),
    details: {
      plugin,
      severity: event.severity,
      ...(event.action === undefined ? {} : { action: event.action }),
      ...(event.reason === undefined ? {} : { reason: event.reason }),
      ...(event.policyIds === undefined ? {} : { policyIds: [...event.policyIds] }),
      ...(event.toolCallId === undefined ? {} : { toolCallId: event.toolCallId }),
    },
  };
}
