import type { AuditEntry, AuditSink, InstanceEvent } from '@agentry/core';
import { correlationOf, securityEventOf } from '../../security/security-event-fields.js';

/** @internal What {@link auditSecurityEvents} needs. */
export interface AuditSecurityEventsInput {
  /** The instance's events (`host.events$`). */
  readonly events$: {
    subscribe(next: (tagged: InstanceEvent) => void): { unsubscribe(): void };
  };
  /** Monitoring's audit trail. */
  readonly trail: AuditSink;
  /**
   * Whether the trail is still the instance's audit sink: when another plug-in's sink (security's
   * tamper-evident log) took over, that plug-in records its own events and nothing is appended here.
   */
  readonly isCurrentSink: () => boolean;
  /** Called with an append that failed (the trail has logged and counted it already). */
  readonly onError: (error: unknown) => void;
}

/**
 * @internal Appends every plug-in's `SecurityEvent` to monitoring's audit trail, as a `security`
 * entry: `action` `security.<category>`, `actor` who acted (the event's subject), `subject` what
 * they acted on (the resource), and in `details` the plug-in, severity, outcome and policy ids as
 * given, the attempted action, the reason, the trace id and the run and tool call it names. Each
 * access decision is audited, allowed or denied. The trail masks the details like a log line.
 * `close` stops the subscription and waits for the appends under way.
 */
export function auditSecurityEvents(input: AuditSecurityEventsInput): { close(): Promise<void> } {
  const { trail, isCurrentSink, onError } = input;
  const pending = new Set<Promise<void>>();
  const subscription = input.events$.subscribe((tagged) => {
    const event = securityEventOf(tagged);
    if (event === undefined || tagged.source.kind !== 'plugin' || !isCurrentSink()) return;
    const { runId, toolCallId } = correlationOf(event);
    const entry: AuditEntry = {
      at: new Date(event.at).toISOString(),
      category: 'security',
      action: `security.${event.category}`,
      ...(event.subject !== undefined ? { actor: event.subject } : {}),
      ...(event.resource !== undefined ? { subject: event.resource } : {}),
      details: {
        plugin: tagged.source.plugin,
        severity: event.severity,
        ...(event.outcome !== undefined ? { outcome: event.outcome } : {}),
        ...(event.policyIds !== undefined ? { policyIds: [...event.policyIds] } : {}),
        ...(event.action !== undefined ? { action: event.action } : {}),
        ...(event.reason !== undefined ? { reason: event.reason } : {}),
        ...(event.traceId !== undefined ? { traceId: event.traceId } : {}),
        ...(runId !== undefined ? { runId } : {}),
        ...(toolCallId !== undefined ? { toolCallId } : {}),
      },
    };
    const append = trail.append(entry).catch(onError);
    pending.add(append);
    void append.then(() => pending.delete(append));
  });
  let closed = false;
  return {
    async close() {
      if (!closed) {
        closed = true;
        subscription.unsubscribe();
      }
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
