import type { AgentryError } from '../errors/index.js';
import type { FinishReason, ToolResultPart, Usage } from '../model/index.js';
import type { Message } from '../schemas/message.js';
import type { PerformanceMetrics } from '../schemas/performance-metrics.js';
import type { AgentLifecycleEvent, AgentLifecycleState } from './agent-state-machine.js';

/** The parts of one run, in order: what iterating a run yields and what its `events$` emits. */
export type AgentRunPart =
  | { type: 'run-start'; runId: string; message: Message | undefined }
  | { type: 'step-start'; runId: string; step: number }
  | { type: 'model-request'; runId: string; step: number; model: string; attempt: number }
  | { type: 'model-error'; runId: string; step: number; model: string; attempt: number; error: AgentryError; willRetry: boolean; partialText: string }
  | { type: 'text-delta'; runId: string; step: number; delta: string }
  | { type: 'reasoning-delta'; runId: string; step: number; delta: string }
  | { type: 'tool-call-start'; runId: string; step: number; toolCallId: string; toolName: string }
  | { type: 'tool-call-delta'; runId: string; step: number; toolCallId: string; delta: string }
  | { type: 'tool-call-end'; runId: string; step: number; toolCallId: string; toolName: string; input: string }
  | { type: 'tool-response'; runId: string; step: number; result: ToolResultPart; durationMs: number }
  | { type: 'step-end'; runId: string; step: number; model: string; finishReason: FinishReason; usage: Usage }
  | { type: 'run-end'; runId: string; text: string; usage: Usage; steps: number }
  | { type: 'run-error'; runId: string; error: AgentryError };

/** Everything an agent does, on `agent.events$`: its runs' parts plus changes of state and metrics. */
export type AgentEvent =
  | AgentRunPart
  | { type: 'status-delta'; from: AgentLifecycleState; event: AgentLifecycleEvent; to: AgentLifecycleState }
  | { type: 'metrics-delta'; metrics: PerformanceMetrics }
  | { type: 'realtime-error'; responseTime: number; threshold: number }
  | { type: 'persist-error'; error: AgentryError };
