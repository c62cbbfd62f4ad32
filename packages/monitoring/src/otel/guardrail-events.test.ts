import { z } from 'zod';
import {
  defineTool,
  definePlugin,
  services,
  type InstanceEvent,
  type PluginEvent,
  type PluginHost,
  type SecurityEvent,
} from '@agentry/core';
import { mockText, mockToolCall } from '@agentry/testing';
import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import {
  accessDecisionResultType,
  attributes as a,
  guardrailEventNames,
} from '../semconv/gen-ai.js';
import { createTracedAgentry } from './__fixtures__/traced-agentry.js';
import { createGuardrailEvents } from './guardrail-events.js';
import { createRunSpans } from './run-spans.js';

const plugin = 'test-security';

const decision = (patch: Partial<SecurityEvent> = {}): SecurityEvent => ({
  type: 'security',
  category: 'access-decision',
  severity: 'medium',
  at: 1_700_000_000_000,
  outcome: 'deny',
  policyIds: ['orders-owner'],
  subject: 'alice',
  action: 'delete',
  resource: 'tools:delete_order',
  reason: 'alice holds no role allowing delete on tools:delete_order',
  ...patch,
});

const tagged = (event: PluginEvent): InstanceEvent => ({
  source: { kind: 'plugin', plugin },
  event,
});

/** Guardrail events over run spans, without an instance; `mask` stands in for security's masker. */
function setup(captureContent = false, mask?: (value: unknown) => unknown) {
  const exporter = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  }).getTracer('t');
  const runs = createRunSpans(tracer, captureContent);
  const host = {
    lookup: (key: { id: string }) =>
      key.id === services.masker.id && mask !== undefined
        ? { mask: (value: unknown) => mask(value) }
        : undefined,
  } as unknown as PluginHost;
  const guardrails = createGuardrailEvents({ host, runs, captureContent });
  const observe = (event: InstanceEvent) => {
    runs.observe(event);
    guardrails.observe(event);
  };
  const startRun = (runId: string) =>
    observe({
      source: { kind: 'agent', agentId: 'orders' },
      event: { type: 'run-start', runId, message: undefined },
    });
  const endRun = (runId: string) =>
    observe({
      source: { kind: 'agent', agentId: 'orders' },
      event: {
        type: 'run-end',
        runId,
        text: '',
        stepCount: 1,
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
        finishReason: 'stop',
      } as never,
    });
  return { exporter, tracer, observe, startRun, endRun };
}

const guardrailEventsOf = (span: ReadableSpan | undefined) =>
  (span?.events ?? []).filter((event) => event.name === guardrailEventNames.result);

describe('gen_ai.guardrail.result events', () => {
  it('record a decision that carries its run on the run’s invoke_agent span, exactly as given', () => {
    const { exporter, observe, startRun, endRun } = setup();
    startRun('run-1');
    observe(
      tagged({
        ...decision(),
        runId: 'run-1',
        toolCallId: 'call-7',
      }),
    );
    endRun('run-1');
    const [run] = exporter.getFinishedSpans();
    const [event] = guardrailEventsOf(run);
    expect(run?.name).toBe('invoke_agent orders');
    expect(event?.attributes).toEqual({
      [a.guardrailComponentName]: plugin,
      [a.guardrailResultType]: accessDecisionResultType,
      [a.guardrailResultValue]: 'deny',
      [a.guardrailPolicyRuleId]: 'orders-owner',
      [a.securityPolicyIds]: ['orders-owner'],
      [a.securityAction]: 'delete',
      [a.securityResource]: 'tools:delete_order',
      [a.securityResourceType]: 'tools',
      [a.toolCallId]: 'call-7',
      [a.runId]: 'run-1',
    });
    // The event's own time, not the time it was observed.
    expect(event?.time).toEqual([1_700_000_000, 0]);
  });

  it('give no verdict when the decision has no outcome, and no rule id when several policies decided', () => {
    const { exporter, observe, startRun, endRun } = setup();
    startRun('run-1');
    const { outcome: _omitted, ...withoutOutcome } = decision({
      policyIds: ['orders-owner', 'tenant-match'],
    });
    observe(tagged({ ...withoutOutcome, runId: 'run-1' }));
    endRun('run-1');
    const [event] = guardrailEventsOf(exporter.getFinishedSpans()[0]);
    expect(event).toBeDefined();
    expect(event?.attributes).not.toHaveProperty(a.guardrailResultValue);
    expect(event?.attributes).not.toHaveProperty(a.guardrailResultType);
    expect(event?.attributes).not.toHaveProperty(a.guardrailPolicyRuleId);
    expect(event?.attributes?.[a.securityPolicyIds]).toEqual(['orders-owner', 'tenant-match']);
  });

  it('never record an allow as deny or the other way round, whatever the severity', () => {
    const { exporter, observe, startRun, endRun } = setup();
    startRun('run-1');
    observe(tagged({ ...decision({ outcome: 'allow', severity: 'critical' }), runId: 'run-1' }));
    observe(tagged({ ...decision({ outcome: 'deny', severity: 'low' }), runId: 'run-1' }));
    endRun('run-1');
    const values = guardrailEventsOf(exporter.getFinishedSpans()[0]).map(
      (event) => event.attributes?.[a.guardrailResultValue],
    );
    expect(values).toEqual(['allow', 'deny']);
  });

  it('leave the subject and the reason out unless content is captured, and mask them then', () => {
    const off = setup(false);
    off.startRun('run-1');
    off.observe(tagged({ ...decision(), runId: 'run-1' }));
    off.endRun('run-1');
    const [hidden] = guardrailEventsOf(off.exporter.getFinishedSpans()[0]);
    expect(hidden?.attributes).not.toHaveProperty(a.securitySubject);
    expect(hidden?.attributes).not.toHaveProperty(a.guardrailResultReason);

    const on = setup(true, (value) =>
      typeof value === 'string' ? value.replaceAll('alice', '[user]') : value,
    );
    on.startRun('run-1');
    on.observe(tagged({ ...decision(), runId: 'run-1' }));
    on.endRun('run-1');
    const [shown] = guardrailEventsOf(on.exporter.getFinishedSpans()[0]);
    expect(shown?.attributes?.[a.securitySubject]).toBe('[user]');
    expect(shown?.attributes?.[a.guardrailResultReason]).toBe(
      '[user] holds no role allowing delete on tools:delete_order',
    );
  });

  it('go on the active span when the run is not known here, and nowhere when there is none', () => {
    const { exporter, tracer, observe } = setup();
    tracer.startActiveSpan('http.request', (request) => {
      observe(tagged({ ...decision({ resource: 'workflows:refund' }), runId: 'elsewhere' }));
      request.end();
    });
    expect(() => observe(tagged(decision()))).not.toThrow();
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    const [event] = guardrailEventsOf(spans[0]);
    expect(event?.attributes?.[a.securityResourceType]).toBe('workflows');
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('ignore security events that are not access decisions, and other plug-in events', () => {
    const { exporter, observe, startRun, endRun } = setup();
    startRun('run-1');
    observe(
      tagged({
        type: 'security',
        category: 'rate-limited',
        severity: 'medium',
        at: 1,
        runId: 'run-1',
      }),
    );
    observe(tagged({ type: 'approval-requested', at: 1, runId: 'run-1' }));
    endRun('run-1');
    expect(guardrailEventsOf(exporter.getFinishedSpans()[0])).toEqual([]);
  });
});

describe('guardrail events in a traced instance', () => {
  it('put a tool call’s decision, emitted by a plug-in before the tool runs, on the run’s span', async () => {
    // A stand-in for security: it decides before the tool runs and emits what it decided.
    let host: PluginHost | undefined;
    const decider = definePlugin({
      name: plugin,
      version: '1.0.0',
      setup(pluginHost) {
        host = pluginHost;
        pluginHost.useToolMiddleware(async (call, next) => {
          pluginHost.emit({
            ...decision({ outcome: 'allow', severity: 'low', resource: `tools:${call.toolName}` }),
            at: Date.now(),
            runId: call.runId,
            toolCallId: call.toolCallId,
          });
          await next();
        });
      },
    });
    const traced = await createTracedAgentry({
      script: [mockToolCall('lookup', { query: 'order 7' }), mockText('Found it.')],
      plugins: [decider],
    });
    const lookup = defineTool({
      name: 'lookup',
      description: 'Looks an order up.',
      input: z.object({ query: z.string() }),
      execute: ({ query }) => ({ query, found: true }),
    });
    const agent = traced.agentry.createAgent({ tools: [lookup] });
    expect((await agent.send('Where is order 7?')).text).toBe('Found it.');
    expect(host).toBeDefined();

    const run = traced.span(`invoke_agent ${agent.id}`);
    const [event] = guardrailEventsOf(run);
    expect(event?.attributes).toMatchObject({
      [a.guardrailComponentName]: plugin,
      [a.guardrailResultValue]: 'allow',
      [a.securityResource]: 'tools:lookup',
      [a.securityResourceType]: 'tools',
      [a.runId]: run.attributes[a.runId],
    });
    // The tool's span is untouched: the decision belongs to the run that asked.
    expect(guardrailEventsOf(traced.span('execute_tool lookup'))).toEqual([]);
  });
});
