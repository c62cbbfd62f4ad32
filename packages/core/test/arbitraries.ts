import fc from 'fast-check';
import type { AgentInstance, AgentState, Message } from '../src/index.js';

/** JSON values that survive a round trip: no -0, no non-finite numbers, no __proto__ keys. */
export const jsonValue: fc.Arbitrary<unknown> = fc.jsonValue().map(normalize);

function normalize(value: unknown): unknown {
  if (typeof value === 'number') return Object.is(value, -0) ? 0 : value;
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== '__proto__')
        .map(([key, child]) => [key, normalize(child)]),
    );
  }
  return value;
}

export const jsonRecord = fc.dictionary(
  fc.string().filter((key) => key !== '__proto__'),
  jsonValue,
  { maxKeys: 5 },
);

const date = fc.date({
  min: new Date('2000-01-01T00:00:00.000Z'),
  max: new Date('2100-01-01T00:00:00.000Z'),
  noInvalidDate: true,
});
const text = fc.string({ minLength: 1, maxLength: 20 });

const common = {
  id: text,
  content: fc.string(),
  timestamp: date,
  metadata: fc.option(jsonRecord, { nil: undefined }),
  streaming: fc.option(fc.boolean(), { nil: undefined }),
};

export const message: fc.Arbitrary<Message> = fc.oneof(
  fc.record(
    { ...common, type: fc.constant('user' as const), userId: text, sessionId: text },
    { requiredKeys: ['id', 'content', 'timestamp', 'type', 'userId', 'sessionId'] },
  ),
  fc.record(
    {
      ...common,
      type: fc.constant('agent' as const),
      agentId: text,
      model: text,
      confidence: fc.option(
        fc
          .double({ min: 0, max: 1, noNaN: true, noDefaultInfinity: true })
          .map((value) => (Object.is(value, -0) ? 0 : value)),
        { nil: undefined },
      ),
    },
    { requiredKeys: ['id', 'content', 'timestamp', 'type', 'agentId', 'model'] },
  ),
  fc.record(
    {
      ...common,
      type: fc.constant('system' as const),
      level: fc.constantFrom('info' as const, 'warn' as const, 'error' as const),
      code: fc.option(text, { nil: undefined }),
    },
    { requiredKeys: ['id', 'content', 'timestamp', 'type', 'level'] },
  ),
  fc.record(
    {
      ...common,
      type: fc.constant('error' as const),
      recoverable: fc.boolean(),
      error: fc.record({
        code: fc.constantFrom('rate_limited', 'timeout', 'internal'),
        message: text,
      }),
    },
    { requiredKeys: ['id', 'content', 'timestamp', 'type', 'recoverable', 'error'] },
  ),
);

export const agentState: fc.Arbitrary<AgentState> = fc.record(
  {
    messages: fc.array(message, { maxLength: 6 }),
    memory: jsonRecord,
    status: fc.constantFrom(
      'idle' as const,
      'processing' as const,
      'error' as const,
      'paused' as const,
    ),
    currentWorkflow: fc.option(
      fc.record({
        workflowId: text,
        runId: text,
        status: fc.constantFrom('running' as const, 'suspended' as const, 'completed' as const),
      }),
      { nil: undefined },
    ),
  },
  { requiredKeys: ['messages', 'memory', 'status'] },
);

export const agentInstance: fc.Arbitrary<AgentInstance> = fc
  .record({
    id: fc.uuid({ version: 4 }),
    state: agentState,
    createdAt: date,
    age: fc.integer({ min: 0, max: 1_000_000 }),
    temperature: fc
      .double({ min: 0, max: 2, noNaN: true })
      .map((value) => (Object.is(value, -0) ? 0 : value)),
  })
  .map(({ id, state, createdAt, age, temperature }) => ({
    id,
    model: {
      provider: 'openai' as const,
      model: 'gpt-4o',
      version: '2024-11-20',
      parameters: { temperature },
      capabilities: {
        maxTokens: 16384,
        supportsStreaming: true,
        supportsFunctions: true,
        supportsVision: true,
        maxConcurrency: 8,
      },
    },
    state,
    context: {
      sessionId: 's',
      permissions: [],
      resourceLimits: { maxMemory: 1, maxCpu: 1, maxConnections: 1, maxTokensPerMinute: 1 },
      timeout: 1000,
    },
    performance: { responseTime: 0, tokensUsed: 0, requestsCompleted: 0, errorRate: 0, uptime: 0 },
    createdAt,
    lastActivity: new Date(createdAt.getTime() + age),
  }));
