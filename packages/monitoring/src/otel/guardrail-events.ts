import type { InstanceEvent, PluginHost } from '@agentry/core';
import { trace, type Attributes, type Span } from '@opentelemetry/api';
import {
  ACCESS_DECISION,
  correlationOf,
  resourceTypeOf,
  securityEventOf,
} from '../security/security-event-fields.js';
import { accessDecisionResultType, attributes, guardrailEventNames } from '../semconv/gen-ai.js';
import type { RunSpans } from './run-spans.js';
import { toContentValue } from './telemetry-values.js';

/** @internal What the guardrail events need. */
export interface GuardrailEventsOptions {
  readonly host: PluginHost;
  readonly runs: RunSpans;
  readonly captureContent: boolean;
}

/**
 * @internal Turns each access decision a plug-in emits (a `SecurityEvent` of category
 * `access-decision`) into a `gen_ai.guardrail.result` event, as the GenAI conventions ask for a
 * decision of an in-process guardrail API (no span of its own). It is recorded, at the decision's
 * own time, on the `invoke_agent` span of the run the decision names (`runId`), else on the span
 * active when it was emitted (emission is synchronous), else nowhere (metrics, logs and the audit
 * trail still have it).
 *
 * The verdict is the event's `outcome`, copied as is: `gen_ai.guardrail.result.type` `decision`
 * and `gen_ai.guardrail.result.value` `allow` or `deny`; a decision without an outcome has
 * neither, and nothing is inferred from the severity or the reason. The subject (most often a
 * user id) and the reason (the engine's words, which may quote one) are recorded only when content
 * capture is on, and then masked.
 */
export function createGuardrailEvents(options: GuardrailEventsOptions): {
  observe(tagged: InstanceEvent): void;
} {
  const { host, runs, captureContent } = options;
  return {
    observe(tagged) {
      const event = securityEventOf(tagged);
      if (event?.category !== ACCESS_DECISION || tagged.source.kind !== 'plugin') return;
      const { runId, toolCallId } = correlationOf(event);
      const runContext = runId === undefined ? undefined : runs.parentOf(runId);
      const span: Span | undefined =
        runContext === undefined ? trace.getActiveSpan() : trace.getSpan(runContext);
      if (span === undefined || !span.isRecording()) return;
      const recorded: Attributes = {
        [attributes.guardrailComponentName]: tagged.source.plugin,
      };
      if (event.outcome !== undefined) {
        recorded[attributes.guardrailResultType] = accessDecisionResultType;
        recorded[attributes.guardrailResultValue] = event.outcome;
      }
      if (event.policyIds !== undefined && event.policyIds.length > 0) {
        if (event.policyIds.length === 1)
          recorded[attributes.guardrailPolicyRuleId] = event.policyIds[0];
        recorded[attributes.securityPolicyIds] = [...event.policyIds];
      }
      if (event.action !== undefined) recorded[attributes.securityAction] = event.action;
      if (event.resource !== undefined) {
        recorded[attributes.securityResource] = event.resource;
        recorded[attributes.securityResourceType] = resourceTypeOf(event.resource);
      }
      if (toolCallId !== undefined) recorded[attributes.toolCallId] = toolCallId;
      if (runId !== undefined) recorded[attributes.runId] = runId;
      if (captureContent) {
        const context = {
          purpose: 'telemetry' as const,
          ...(runId !== undefined ? { runId } : {}),
        };
        if (event.subject !== undefined) {
          recorded[attributes.securitySubject] = toContentValue(host, event.subject, {
            ...context,
            field: attributes.securitySubject,
          });
        }
        if (event.reason !== undefined) {
          recorded[attributes.guardrailResultReason] = toContentValue(host, event.reason, {
            ...context,
            field: attributes.guardrailResultReason,
          });
        }
      }
      span.addEvent(guardrailEventNames.result, recorded, event.at);
    },
  };
}
