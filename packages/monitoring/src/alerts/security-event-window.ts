import { type InstanceEvent, type SecurityEvent } from '@agentry/core';

const severities: ReadonlySet<string> = new Set(['low', 'medium', 'high', 'critical']);

/**
 * Whether a plug-in event is a well-formed `SecurityEvent`: `type` `security`, a category,
 * a known severity and a finite time.
 *
 * @internal
 */
export function isSecurityEvent(
  tagged: InstanceEvent,
): tagged is InstanceEvent & { readonly event: SecurityEvent } {
  if (tagged.source.kind !== 'plugin' || tagged.event.type !== 'security') return false;
  const event = tagged.event as Partial<SecurityEvent>;
  return (
    typeof event.category === 'string' &&
    typeof event.severity === 'string' &&
    severities.has(event.severity) &&
    typeof event.at === 'number' &&
    Number.isFinite(event.at)
  );
}

/**
 * The security events of the last `windowMs` milliseconds, by their own time (`at`), keeping only
 * their category and severity (never a subject or reason). At most `capacity` are kept, the most
 * recent: enough to tell whether any threshold is crossed, however many events a flood brings.
 *
 * @internal
 */
export function createSecurityEventWindow(windowMs: number, capacity: number) {
  // Kept in arrival order; `at` is nearly ordered, and pruning removes every expired entry anyway.
  let events: { at: number; category: string; severity: string }[] = [];

  const prune = (now: number) => {
    const from = now - windowMs;
    if (events.some((event) => event.at < from))
      events = events.filter((event) => event.at >= from);
  };

  return {
    add(event: SecurityEvent, now: number): void {
      events.push({ at: event.at, category: event.category, severity: event.severity });
      if (events.length > capacity * 2) {
        prune(now);
        if (events.length > capacity) events = events.slice(events.length - capacity);
      }
    },
    count(now: number): number {
      prune(now);
      if (events.length > capacity) events = events.slice(events.length - capacity);
      return events.length;
    },
    breakdown(): { byCategory: Record<string, number>; bySeverity: Record<string, number> } {
      // No prototype: a category named "__proto__" is counted, not assigned to the prototype.
      const byCategory = Object.create(null) as Record<string, number>;
      const bySeverity = Object.create(null) as Record<string, number>;
      for (const event of events) {
        byCategory[event.category] = (byCategory[event.category] ?? 0) + 1;
        bySeverity[event.severity] = (bySeverity[event.severity] ?? 0) + 1;
      }
      return { byCategory, bySeverity };
    },
  };
}
