/**
 * Every telemetry name Agentry emits, in one place.
 *
 * GenAI names follow the OpenTelemetry GenAI semantic conventions as published by
 * `open-telemetry/semantic-conventions-genai` under schema URL
 * `https://opentelemetry.io/schemas/gen-ai/1.42.0` (the registry has no tagged release yet; every
 * GenAI signal is still at stability "Development"), with the pending breaking changes of its
 * `changelog.d` applied: #440 (`gen_ai.usage.cache_write.input_tokens` replaces
 * `…cache_creation…`) and #374 (the `gen_ai.client.inference.*` metrics, emitted only under
 * `OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental`). Deprecated names (`gen_ai.system`,
 * `gen_ai.prompt`, `gen_ai.completion`, `gen_ai.usage.prompt_tokens` …) are never used. Names of
 * Agentry's own data sit under `agentry.*`.
 *
 * The guardrail names ({@link guardrailEventNames}, the `gen_ai.guardrail.*` attributes) are not in
 * 1.42.0: they come from the pending pull request #427 of `semantic-conventions-genai` ("Add a GenAI
 * guardrail client span, duration metric, and result event", revision of `model/gen-ai` and
 * `docs/gen-ai/gen-ai-guardrails.md`), which defines the `apply_guardrail` CLIENT span for remote
 * guardrail services and the `gen_ai.guardrail.result` event for dedicated in-process guardrail APIs.
 * Agentry's policy engine runs in-process, so its decisions are `gen_ai.guardrail.result` events.
 *
 * When the conventions move, this module is the one file to change; {@link telemetryAttributeClasses}
 * must classify every attribute key emitted (a test fails on an unclassified one).
 */

/**
 * The version of the OpenTelemetry GenAI semantic conventions whose names Agentry's spans and
 * metrics follow (schema `https://opentelemetry.io/schemas/gen-ai/{version}`), with the pending
 * changes #440 and #374 of the conventions applied.
 *
 * @example
 * ```ts
 * import { genAiSemconvVersion } from '@agentry/monitoring';
 *
 * console.log(`GenAI semantic conventions ${genAiSemconvVersion}`);
 * ```
 */
export const genAiSemconvVersion = '1.42.0';

/** @internal The schema URL of that version, set on Agentry's tracer and meter. */
export const genAiSchemaUrl = `https://opentelemetry.io/schemas/gen-ai/${genAiSemconvVersion}`;

/** @internal Span, metric and event attribute keys. */
export const attributes = Object.freeze({
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  usageCacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  usageCacheWriteInputTokens: 'gen_ai.usage.cache_write.input_tokens',
  usageReasoningOutputTokens: 'gen_ai.usage.reasoning.output_tokens',
  tokenType: 'gen_ai.token.type',
  agentId: 'gen_ai.agent.id',
  agentName: 'gen_ai.agent.name',
  conversationId: 'gen_ai.conversation.id',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolType: 'gen_ai.tool.type',
  toolCallArguments: 'gen_ai.tool.call.arguments',
  toolCallResult: 'gen_ai.tool.call.result',
  systemInstructions: 'gen_ai.system_instructions',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  errorType: 'error.type',
  runId: 'agentry.run.id',
  step: 'agentry.step',
  attempt: 'agentry.model.attempt',
  timeToFirstChunk: 'agentry.response.time_to_first_chunk',
  workflowId: 'agentry.workflow.id',
  workflowRunId: 'agentry.workflow.run.id',
  workflowStepId: 'agentry.workflow.step.id',
  workflowStepAttempts: 'agentry.workflow.step.attempts',
  workflowStatus: 'agentry.workflow.status',
  // From semantic-conventions-genai PR #427 (not in 1.42.0), see the module's comment.
  guardrailComponentName: 'gen_ai.guardrail.component.name',
  guardrailResultType: 'gen_ai.guardrail.result.type',
  guardrailResultValue: 'gen_ai.guardrail.result.value',
  guardrailResultReason: 'gen_ai.guardrail.result.reason',
  guardrailPolicyRuleId: 'gen_ai.guardrail.policy.rule.id',
  // Agentry's own: what an access decision was about (the conventions name no such attributes).
  securityPolicyIds: 'agentry.security.policy_ids',
  securityAction: 'agentry.security.action',
  securityResource: 'agentry.security.resource',
  securityResourceType: 'agentry.security.resource.type',
  securitySubject: 'agentry.security.subject',
});

/**
 * @internal Event names from semantic-conventions-genai PR #427 (not in 1.42.0): one
 * `gen_ai.guardrail.result` per decision of an in-process guardrail API, recorded on the span it
 * belongs to.
 */
export const guardrailEventNames = Object.freeze({
  result: 'gen_ai.guardrail.result',
});

/**
 * @internal The `gen_ai.guardrail.result.type` of Agentry's access decisions: the name of the field
 * the authorizer answers with (`AuthorizationDecision.decision`); its value is the event's
 * `outcome`, never derived from anything else.
 */
export const accessDecisionResultType = 'decision';

/** @internal Values of `gen_ai.operation.name`. */
export const operationNames = Object.freeze({
  chat: 'chat',
  invokeAgent: 'invoke_agent',
  executeTool: 'execute_tool',
});

/** @internal Span names Agentry uses besides the GenAI ones (`{operation} {target}`). */
export const agentrySpanNames = Object.freeze({
  workflowRun: 'agentry.workflow.run',
  workflowStep: 'agentry.workflow.step',
});

/** @internal Metric names of the default set (the conventions' current ones). */
export const defaultMetricNames = Object.freeze({
  tokenUsage: 'gen_ai.client.token.usage',
  operationDuration: 'gen_ai.client.operation.duration',
});

/** @internal Metric names under `OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental` (#374). */
export const latestMetricNames = Object.freeze({
  inputTokens: 'gen_ai.client.inference.usage.input_tokens',
  outputTokens: 'gen_ai.client.inference.usage.output_tokens',
  inferenceDuration: 'gen_ai.client.inference.duration',
});

/** @internal The opt-in token that switches the metric set to {@link latestMetricNames}. */
export const latestExperimentalOptIn = 'gen_ai_latest_experimental';

/**
 * Whether an attribute may carry message content or personal data (`content`: recorded only when
 * content capture is on, and then masked) or only describes the operation (`metadata`).
 *
 * @example
 * ```ts
 * import { telemetryAttributeClasses, type TelemetryAttributeClass } from '@agentry/monitoring';
 *
 * const kind: TelemetryAttributeClass | undefined = telemetryAttributeClasses['gen_ai.tool.call.arguments'];
 * console.log(kind); // 'content'
 * ```
 */
export type TelemetryAttributeClass = 'content' | 'metadata';

/**
 * Every attribute key Agentry's spans and metrics carry, classified as `content` or `metadata`. An
 * exporter or span processor can drop or redact the `content` keys; a test fails when Agentry
 * emits a key missing here.
 *
 * @example
 * ```ts
 * import { telemetryAttributeClasses } from '@agentry/monitoring';
 *
 * // Keys to strip before spans leave for a backend that must never hold content.
 * const contentKeys = Object.entries(telemetryAttributeClasses)
 *   .filter(([, kind]) => kind === 'content')
 *   .map(([key]) => key);
 * console.log(contentKeys);
 * ```
 */
export const telemetryAttributeClasses: Readonly<Record<string, TelemetryAttributeClass>> =
  Object.freeze({
    [attributes.operationName]: 'metadata',
    [attributes.providerName]: 'metadata',
    [attributes.requestModel]: 'metadata',
    [attributes.responseModel]: 'metadata',
    [attributes.responseId]: 'metadata',
    [attributes.responseFinishReasons]: 'metadata',
    [attributes.usageInputTokens]: 'metadata',
    [attributes.usageOutputTokens]: 'metadata',
    [attributes.usageCacheReadInputTokens]: 'metadata',
    [attributes.usageCacheWriteInputTokens]: 'metadata',
    [attributes.usageReasoningOutputTokens]: 'metadata',
    [attributes.tokenType]: 'metadata',
    [attributes.agentId]: 'metadata',
    [attributes.agentName]: 'metadata',
    // A session id can single out a person's conversation; it stays out unless content is on.
    [attributes.conversationId]: 'content',
    [attributes.toolName]: 'metadata',
    [attributes.toolCallId]: 'metadata',
    [attributes.toolType]: 'metadata',
    [attributes.toolCallArguments]: 'content',
    [attributes.toolCallResult]: 'content',
    [attributes.systemInstructions]: 'content',
    [attributes.inputMessages]: 'content',
    [attributes.outputMessages]: 'content',
    [attributes.errorType]: 'metadata',
    [attributes.runId]: 'metadata',
    [attributes.step]: 'metadata',
    [attributes.attempt]: 'metadata',
    [attributes.timeToFirstChunk]: 'metadata',
    [attributes.workflowId]: 'metadata',
    [attributes.workflowRunId]: 'metadata',
    [attributes.workflowStepId]: 'metadata',
    [attributes.workflowStepAttempts]: 'metadata',
    [attributes.workflowStatus]: 'metadata',
    [attributes.guardrailComponentName]: 'metadata',
    [attributes.guardrailResultType]: 'metadata',
    [attributes.guardrailResultValue]: 'metadata',
    // The engine's own words, which may quote a subject or a record: content, masked when on.
    [attributes.guardrailResultReason]: 'content',
    [attributes.guardrailPolicyRuleId]: 'metadata',
    [attributes.securityPolicyIds]: 'metadata',
    [attributes.securityAction]: 'metadata',
    [attributes.securityResource]: 'metadata',
    [attributes.securityResourceType]: 'metadata',
    // Who acted is a user id most of the time: like a session id, only when content is on.
    [attributes.securitySubject]: 'content',
  });

/**
 * @internal The `gen_ai.provider.name` of a provider type: the conventions' well-known values for the
 * built-ins, and a third-party provider's own type otherwise.
 */
export function toGenAiProviderName(providerType: string): string {
  switch (providerType) {
    case 'google':
      return 'gcp.gemini';
    default:
      return providerType;
  }
}
