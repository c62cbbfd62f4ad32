import type { WorkflowRunEvent } from '@agentry/core';
import { SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { attributes as a } from '../semconv/gen-ai.js';
import { createRunSpans } from './run-spans.js';

function setup() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const runs = createRunSpans(provider.getTracer('test'), false);
  let at = 1_700_000_000_000;
  const emit = (type: string, stepId?: string) => {
    const event: WorkflowRunEvent = {
      type,
      runId: 'run-1',
      workflowId: 'order-review',
      ...(stepId !== undefined ? { stepId } : {}),
      at: (at += 10),
    };
    runs.observe({
      source: { kind: 'workflow-run', runId: 'run-1', workflowId: 'order-review' },
      event,
    });
  };
  return { exporter, runs, emit };
}

describe('createRunSpans', () => {
  it('makes a span per workflow run and per step, with attempts, retries and failures', () => {
    const { exporter, emit } = setup();
    emit('run-start');
    emit('step-start', 'fetch');
    emit('step-attempt', 'fetch');
    emit('step-retry', 'fetch');
    emit('step-attempt', 'fetch');
    emit('step-end', 'fetch');
    emit('step-start', 'charge');
    emit('step-attempt', 'charge');
    emit('step-error', 'charge');
    emit('run-error');
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name)).toEqual([
      'agentry.workflow.step fetch',
      'agentry.workflow.step charge',
      'agentry.workflow.run order-review',
    ]);
    const [fetch, charge, run] = spans;
    expect(fetch?.parentSpanContext?.spanId).toBe(run?.spanContext().spanId);
    expect(fetch?.attributes).toMatchObject({
      [a.workflowStepId]: 'fetch',
      [a.workflowRunId]: 'run-1',
      [a.workflowStepAttempts]: 2,
      [a.workflowStatus]: 'completed',
    });
    expect(fetch?.events.map((event) => event.name)).toEqual(['agentry.workflow.step.retry']);
    expect(charge?.status.code).toBe(SpanStatusCode.ERROR);
    expect(run?.attributes).toMatchObject({
      [a.workflowStatus]: 'failed',
      [a.errorType]: 'run_failed',
    });
    // Times come from the events: the step took 40 ms.
    const ms = (time: [number, number] | undefined) => (time ? time[0] * 1e3 + time[1] / 1e6 : 0);
    expect(Math.round(ms(fetch?.endTime) - ms(fetch?.startTime))).toBe(40);
  });

  it('ends a suspended run with its open steps, and starts a new span on resume', () => {
    const { exporter, runs, emit } = setup();
    emit('run-start');
    emit('step-start', 'approve');
    emit('run-suspend');
    emit('run-resume');
    emit('run-end');
    expect(
      exporter.getFinishedSpans().map((span) => [span.name, span.attributes[a.workflowStatus]]),
    ).toEqual([
      ['agentry.workflow.step approve', 'suspended'],
      ['agentry.workflow.run order-review', 'suspended'],
      ['agentry.workflow.run order-review', 'completed'],
    ]);
    runs.endAll();
    expect(exporter.getFinishedSpans()).toHaveLength(3);
  });

  it('ends what is still open at shutdown, marked as cut short', () => {
    const { exporter, runs, emit } = setup();
    emit('run-start');
    emit('step-start', 'wait');
    runs.endAll();
    expect(exporter.getFinishedSpans().map((span) => span.attributes[a.errorType])).toEqual([
      'shutdown',
      'shutdown',
    ]);
  });
});
