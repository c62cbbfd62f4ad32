import type { InstanceEvent } from '@agentry/core';
import {
  ACCESS_DECISION,
  RATE_LIMITED,
  resourceTypeOf,
  securityEventOf,
} from '../security/security-event-fields.js';
import type { AgentryMetricFamilies } from './agentry-metric-families.js';

/**
 * @internal Records plug-ins' security events (`@agentry/security`'s, or any plug-in's
 * `SecurityEvent`) into Agentry's metrics: every event by category and severity; access decisions
 * by outcome (empty when the decision gave none: never a verdict the engine did not give), action
 * and resource type; rate-limit refusals by action and resource type. Labels are bounded: never a
 * subject, a resource id, a policy id or a reason, and each metric keeps at most
 * `maxSeriesPerMetric` series (the overflow series takes the rest). Holds no state of its own: the
 * families keep the series.
 */
export class SecurityEventRecorder {
  readonly #families: AgentryMetricFamilies;

  constructor(families: AgentryMetricFamilies) {
    this.#families = families;
  }

  record(tagged: InstanceEvent): void {
    const event = securityEventOf(tagged);
    if (event === undefined) return;
    const families = this.#families;
    families.securityEvents.series([event.category, event.severity]).add(1);
    if (event.category === ACCESS_DECISION) {
      families.accessDecisions
        .series([event.outcome ?? '', event.action ?? '', resourceTypeOf(event.resource)])
        .add(1);
    } else if (event.category === RATE_LIMITED) {
      families.rateLimited.series([event.action ?? '', resourceTypeOf(event.resource)]).add(1);
    }
  }
}
