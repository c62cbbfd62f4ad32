import type { PluginHost, ToolMiddleware } from '@agentry/core';
import {
  context as otelContext,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import { attributes, operationNames } from '../semconv/gen-ai.js';
import type { RunSpans } from './run-spans.js';
import { toContentValue, toErrorType } from './telemetry-values.js';

/** @internal What the tool-span middleware needs. */
export interface ToolSpanOptions {
  readonly host: PluginHost;
  readonly tracer: Tracer;
  readonly runs: RunSpans;
  readonly captureContent: boolean;
}

/**
 * @internal One `execute_tool {name}` INTERNAL span per tool call, child of the run's
 * `invoke_agent` span; the tool (and every middleware inside this one) runs with the span active,
 * so spans the tool's own code starts are its children.
 */
export function createToolSpanMiddleware(options: ToolSpanOptions): ToolMiddleware {
  const { tracer, runs, host } = options;
  return async (call, next) => {
    const parent = runs.parentOf(call.runId) ?? otelContext.active();
    const span = tracer.startSpan(
      `${operationNames.executeTool} ${call.toolName}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          [attributes.operationName]: operationNames.executeTool,
          [attributes.toolName]: call.toolName,
          [attributes.toolCallId]: call.toolCallId,
          [attributes.toolType]: 'function',
          [attributes.runId]: call.runId,
        },
      },
      parent,
    );
    const maskContext = { purpose: 'telemetry', agentId: call.agentId } as const;
    if (options.captureContent) {
      span.setAttribute(
        attributes.toolCallArguments,
        toContentValue(host, call.input, { ...maskContext, field: attributes.toolCallArguments }),
      );
    }
    try {
      await otelContext.with(trace.setSpan(parent, span), next);
      if (call.isError === true) {
        span.setAttribute(attributes.errorType, 'tool_error');
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      if (options.captureContent && call.output !== undefined) {
        span.setAttribute(
          attributes.toolCallResult,
          toContentValue(host, call.output, { ...maskContext, field: attributes.toolCallResult }),
        );
      }
    } catch (error) {
      span.setAttribute(attributes.errorType, toErrorType(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  };
}
