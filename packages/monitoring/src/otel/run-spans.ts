/**
 * The spans of agent runs and workflow runs, started and ended from `host.events$`.
 *
 * This module owns the maps below; the model and tool middleware only read them through
 * {@link RunSpans.parentOf} and {@link RunSpans.attemptOf}.
 * - `agentRuns`: run id -> its `invoke_agent` span, the context that holds it, and the model and
 *   attempt of the call about to start (set on `model-request`, which core emits synchronously just
 *   before it calls the model middleware). Created on `run-start`, removed on `run-end`/`run-error`.
 * - `workflowRuns`: workflow run id -> its run span and context. Created on `run-start` and
 *   `run-resume`, removed on `run-suspend`, `run-end` and `run-error`.
 * - `workflowSteps`: `{runId}\u0000{stepId}` -> the step's span and its attempt count. Created on
 *   `step-start`, removed on `step-end`/`step-error`, and with its run when the run leaves.
 * Invariant: a step entry's run is in `workflowRuns` or was never seen in this process.
 */
import type { AgentEvent, InstanceEvent, WorkflowRunEvent } from '@agentry/core';
import {
  context as otelContext,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { agentrySpanNames, attributes, operationNames } from '../semconv/gen-ai.js';
import { toErrorType } from './telemetry-values.js';

interface AgentRun {
  readonly span: Span;
  readonly context: Context;
  call: { readonly model: string; readonly attempt: number } | undefined;
}

interface WorkflowStep {
  readonly span: Span;
  attempts: number;
}

/** @internal */
export interface RunSpans {
  /** The context of the run's `invoke_agent` span, when the run is traced in this process. */
  parentOf(runId: string): Context | undefined;
  /** The `provider:model` and attempt of the model call about to start in the run. */
  attemptOf(runId: string): { readonly model: string; readonly attempt: number } | undefined;
  /** Handles one event of the instance. */
  observe(tagged: InstanceEvent): void;
  /** Ends every open span (at shutdown), marked as cut short. */
  endAll(): void;
}

/** @internal */
export function createRunSpans(tracer: Tracer, captureConversation: boolean): RunSpans {
  const agentRuns = new Map<string, AgentRun>();
  const workflowRuns = new Map<string, { span: Span; context: Context }>();
  const workflowSteps = new Map<string, WorkflowStep>();

  const onAgent = (agentId: string, sessionId: string | undefined, event: AgentEvent) => {
    if (event.type === 'run-start') {
      const parent = otelContext.active();
      const span = tracer.startSpan(
        `${operationNames.invokeAgent} ${agentId}`,
        {
          kind: SpanKind.INTERNAL,
          attributes: {
            [attributes.operationName]: operationNames.invokeAgent,
            [attributes.agentId]: agentId,
            [attributes.agentName]: agentId,
            [attributes.runId]: event.runId,
            ...(captureConversation && sessionId !== undefined
              ? { [attributes.conversationId]: sessionId }
              : {}),
          },
        },
        parent,
      );
      agentRuns.set(event.runId, { span, context: trace.setSpan(parent, span), call: undefined });
    } else if (event.type === 'model-request') {
      const run = agentRuns.get(event.runId);
      if (run) run.call = { model: event.model, attempt: event.attempt };
    } else if (event.type === 'run-end' || event.type === 'run-error') {
      const run = agentRuns.get(event.runId);
      if (!run) return;
      agentRuns.delete(event.runId);
      if (event.type === 'run-end') {
        run.span.setAttributes({
          [attributes.usageInputTokens]: event.usage.inputTokens,
          [attributes.usageOutputTokens]: event.usage.outputTokens,
        });
      } else fail(run.span, event.error);
      run.span.end();
    }
  };

  const stepKey = (runId: string, stepId: string) => `${runId}\u0000${stepId}`;
  const endSteps = (runId: string, status: string) => {
    const prefix = `${runId}\u0000`;
    for (const [key, step] of workflowSteps) {
      if (!key.startsWith(prefix)) continue;
      workflowSteps.delete(key);
      step.span.setAttribute(attributes.workflowStatus, status);
      step.span.end();
    }
  };

  const onWorkflow = (event: WorkflowRunEvent) => {
    const { runId, workflowId, stepId } = event;
    switch (event.type) {
      case 'run-start':
      case 'run-resume': {
        const parent = otelContext.active();
        const span = tracer.startSpan(
          `${agentrySpanNames.workflowRun} ${workflowId}`,
          {
            kind: SpanKind.INTERNAL,
            startTime: event.at,
            attributes: {
              [attributes.workflowId]: workflowId,
              [attributes.workflowRunId]: runId,
              [attributes.workflowStatus]: event.type === 'run-start' ? 'started' : 'resumed',
            },
          },
          parent,
        );
        workflowRuns.set(runId, { span, context: trace.setSpan(parent, span) });
        return;
      }
      case 'step-start': {
        if (stepId === undefined) return;
        const parent = workflowRuns.get(runId)?.context ?? otelContext.active();
        const span = tracer.startSpan(
          `${agentrySpanNames.workflowStep} ${stepId}`,
          {
            kind: SpanKind.INTERNAL,
            startTime: event.at,
            attributes: {
              [attributes.workflowId]: workflowId,
              [attributes.workflowRunId]: runId,
              [attributes.workflowStepId]: stepId,
            },
          },
          parent,
        );
        workflowSteps.set(stepKey(runId, stepId), { span, attempts: 0 });
        return;
      }
      case 'step-attempt':
      case 'step-retry': {
        const step = stepId === undefined ? undefined : workflowSteps.get(stepKey(runId, stepId));
        if (!step) return;
        if (event.type === 'step-attempt') {
          step.attempts += 1;
          step.span.setAttribute(attributes.workflowStepAttempts, step.attempts);
        } else step.span.addEvent('agentry.workflow.step.retry', event.at);
        return;
      }
      case 'step-end':
      case 'step-error': {
        const key = stepId === undefined ? undefined : stepKey(runId, stepId);
        const step = key === undefined ? undefined : workflowSteps.get(key);
        if (!step || key === undefined) return;
        workflowSteps.delete(key);
        const failed = event.type === 'step-error';
        step.span.setAttribute(attributes.workflowStatus, failed ? 'failed' : 'completed');
        if (failed) {
          step.span.setAttribute(attributes.errorType, 'step_failed');
          step.span.setStatus({ code: SpanStatusCode.ERROR });
        }
        step.span.end(event.at);
        return;
      }
      case 'run-suspend':
      case 'run-end':
      case 'run-error': {
        const status =
          event.type === 'run-suspend'
            ? 'suspended'
            : event.type === 'run-end'
              ? 'completed'
              : 'failed';
        endSteps(runId, status);
        const run = workflowRuns.get(runId);
        if (!run) return;
        workflowRuns.delete(runId);
        run.span.setAttribute(attributes.workflowStatus, status);
        if (event.type === 'run-error') {
          run.span.setAttribute(attributes.errorType, 'run_failed');
          run.span.setStatus({ code: SpanStatusCode.ERROR });
        }
        run.span.end(event.at);
        return;
      }
      default:
        return;
    }
  };

  return {
    parentOf: (runId) => agentRuns.get(runId)?.context,
    attemptOf: (runId) => agentRuns.get(runId)?.call,
    observe(tagged) {
      if (tagged.source.kind === 'agent') {
        onAgent(tagged.source.agentId, tagged.source.sessionId, tagged.event as AgentEvent);
      } else if (tagged.source.kind === 'workflow-run') {
        onWorkflow(tagged.event as WorkflowRunEvent);
      }
    },
    endAll() {
      for (const run of agentRuns.values()) endCut(run.span);
      agentRuns.clear();
      for (const step of workflowSteps.values()) endCut(step.span);
      workflowSteps.clear();
      for (const run of workflowRuns.values()) endCut(run.span);
      workflowRuns.clear();
    },
  };
}

function fail(span: Span, error: unknown): void {
  span.setAttribute(attributes.errorType, toErrorType(error));
  // The message stays out: it may quote content; error.type says what failed.
  span.setStatus({ code: SpanStatusCode.ERROR });
}

function endCut(span: Span): void {
  span.setAttribute(attributes.errorType, 'shutdown');
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'The instance shut down first.' });
  span.end();
}
