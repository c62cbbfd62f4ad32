import { AgentryError, services } from '@agentry/core';
import { mockText } from '@agentry/testing';
import { context, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createTracedAgentry, parentOf } from './__fixtures__/traced-agentry.js';
import { createOtelContextPropagator } from './otel-context-propagator.js';

describe('createOtelContextPropagator', () => {
  it('carries the active span across a captured carrier, as a workflow resumed elsewhere does', async () => {
    const traced = await createTracedAgentry({ script: [mockText('Hi.')] });
    const propagator = traced.agentry.services.require(services.contextPropagator);
    const tracer = traced.tracerProvider.getTracer('app');
    const carrier = tracer.startActiveSpan('workflow.start', (span) => {
      span.end();
      return propagator.capture();
    });
    expect(carrier?.['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    // Later, with nothing active (another process): the step runs under the captured span.
    expect(propagator.capture()).toBeUndefined();
    const agent = traced.agentry.createAgent();
    await propagator.run(carrier, () => agent.send('Hello'));
    const start = traced.span('workflow.start');
    const invoke = traced.span(`invoke_agent ${agent.id}`);
    expect(invoke.spanContext().traceId).toBe(start.spanContext().traceId);
    expect(parentOf(invoke)).toBe(start.spanContext().spanId);
  });

  it('keeps tracestate and runs in the active context without a carrier', () => {
    const propagator = createOtelContextPropagator();
    const carrier = {
      traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
      tracestate: 'vendor=value',
    };
    const inside = propagator.run(carrier, () => propagator.capture());
    expect(inside).toEqual(carrier);
    expect(propagator.run(undefined, () => trace.getSpanContext(context.active()))).toBeUndefined();
  });

  it('refuses a carrier that is not a W3C trace context, naming the value', () => {
    const propagator = createOtelContextPropagator();
    for (const traceparent of ['garbage', `00-${'0'.repeat(32)}-${'b'.repeat(16)}-01`]) {
      let caught: unknown;
      try {
        propagator.run({ traceparent }, () => 'ran');
      } catch (error) {
        caught = error;
      }
      expect(AgentryError.isInstance(caught) && caught.code).toBe('validation_failed');
      expect((caught as AgentryError).message).toContain(JSON.stringify(traceparent));
    }
  });
});
