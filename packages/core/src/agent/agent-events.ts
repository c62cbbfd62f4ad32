import type { AgentryError } from '../errors/index.js';
import type { FinishReason, ToolResultPart, Usage } from '../model/index.js';
import type { Message } from '../schemas/message.js';
import type { PerformanceMetrics } from '../schemas/performance-metrics.js';
import type { AgentLifecycleEvent, AgentLifecycleState } from './agent-state-machine.js';

/**
 * The parts of one run, in order: what iterating a run yields and what its `events$` emits.
 *
 * @example
 * ```ts
 * import { createAgent, type AgentRunPart, type LanguageModel } from '@agentry/core';
 *
 * declare const model: LanguageModel;
 * const agent = createAgent({ model });
 * const show = (part: AgentRunPart) => {
 *   if (part.type === 'text-delta') process.stdout.write(part.delta);
 *   else if (part.type === 'tool-call-end') console.log(`\n→ ${part.toolName}(${part.input})`);
 *   else if (part.type === 'model-error') console.warn(`\n${part.model} failed: ${part.error.code}`);
 *   else if (part.type === 'run-end') console.log(`\n${part.steps} steps, ${part.usage.totalTokens} tokens`);
 * };
 * for await (const part of agent.send('Plan my day.')) show(part);
 * ```
 */
export type AgentRunPart =
  /** The run has begun. */
  | {
      /** Discriminant. */
      type: 'run-start';
      /** The run's id. */
      runId: string;
      /** The user message the run adds; `undefined` when retrying a turn whose message was kept. */
      message: Message | undefined;
    }
  /** A step (one model call and the tool calls it asks for) has begun. */
  | {
      /** Discriminant. */
      type: 'step-start';
      /** The run's id. */
      runId: string;
      /** The step's number in the run, from 1. */
      step: number;
    }
  /** An attempt at the step's model call is being sent. */
  | {
      /** Discriminant. */
      type: 'model-request';
      /** The run's id. */
      runId: string;
      /** The step's number in the run, from 1. */
      step: number;
      /** The model tried, as `provider:modelId`. */
      model: string;
      /** The attempt number on this model, from 1. */
      attempt: number;
    }
  /** An attempt at the step's model call failed. */
  | {
      /** Discriminant. */
      type: 'model-error';
      /** The run's id. */
      runId: string;
      /** The step's number in the run, from 1. */
      step: number;
      /** The model that failed, as `provider:modelId`. */
      model: string;
      /** The attempt number on that model, from 1. */
      attempt: number;
      /** Why the attempt failed. */
      error: AgentryError;
      /** Whether another attempt follows, on the same model or the next in the fallback chain. */
      willRetry: boolean;
      /** The text streamed before the attempt failed; never stitched into the retry's text. */
      partialText: string;
    }
  /** A piece of the answer's text. */
  | {
      /** Discriminant. */
      type: 'text-delta';
      /** The run's id. */
      runId: string;
      /** The step's number in the run, from 1. */
      step: number;
      /** The text added. */
      delta: string;
    }
  /** A piece of the model's reasoning. */
  | {
      /** Discriminant. */
      type: 'reasoning-delta';
      /** The run's id. */
      runId: string;
      /** The step's number in the run, from 1. */
      step: number;
      /** The reasoning text added. */
      delta: string;
    }
  /** The model has begun a tool call. */
  | {
      /** Discriminant. */
      type: 'tool-call-start';
      /** The run's id. */
      runId: string;
      /** The step's number in the run, from 1. */
      step: number;
      /** The call's id, shared by its later parts and its result. */
      toolCallId: string;
      /** The name of the tool called. */
      toolName: string;
    }
  /** A piece of a tool call's JSON arguments. */
  | {
      /** Discriminant. */
      type: 'tool-call-delta';
      /** The run's id. */
      runId: string;
      /** The step's number in the run, from 1. */
      step: number;
      /** The call's id. */
      toolCallId: string;
      /** The piece of the arguments' JSON text added. */
      delta: string;
    }
  /** The model has finished a tool call. */
  | {
      /** Discriminant. */
      type: 'tool-call-end';
      /** The run's id. */
      runId: string;
      /** The step's number in the run, from 1. */
      step: number;
      /** The call's id. */
      toolCallId: string;
      /** The name of the tool called. */
      toolName: string;
      /** The whole arguments as JSON text, not yet parsed or checked. */
      input: string;
    }
  /** A tool call has a result. */
  | {
      /** Discriminant. */
      type: 'tool-response';
      /** The run's id. */
      runId: string;
      /** The step's number in the run, from 1. */
      step: number;
      /** The result sent to the model; `isError` is set when the tool failed or was refused. */
      result: ToolResultPart;
      /** How long the call took, in milliseconds. */
      durationMs: number;
    }
  /** A step is done and kept in the agent's state. */
  | {
      /** Discriminant. */
      type: 'step-end';
      /** The run's id. */
      runId: string;
      /** The step's number in the run, from 1. */
      step: number;
      /** The model that answered, as `provider:modelId`. */
      model: string;
      /** Why the model stopped. */
      finishReason: FinishReason;
      /** The tokens the step's model call used. */
      usage: Usage;
    }
  /** The run has finished. */
  | {
      /** Discriminant. */
      type: 'run-end';
      /** The run's id. */
      runId: string;
      /** The text of the last step's answer. */
      text: string;
      /** The tokens used by all the run's steps. */
      usage: Usage;
      /** How many steps the run took. */
      stepCount: number;
      /**
       * How many steps the run took.
       *
       * @deprecated Read `stepCount`, the same number under a name that says it is a count.
       */
      steps: number;
    }
  /** The run has failed. */
  | {
      /** Discriminant. */
      type: 'run-error';
      /** The run's id. */
      runId: string;
      /** Why the run failed. */
      error: AgentryError;
    };

/**
 * Everything an agent does, on `agent.events$`: its runs' parts plus changes of state and metrics.
 *
 * @example
 * ```ts
 * import type { Agent, AgentEvent } from '@agentry/core';
 *
 * declare const agent: Agent;
 * // Everything the agent does, across runs: run parts plus state changes, metrics and warnings.
 * const subscription = agent.events$.subscribe((event: AgentEvent) => {
 *   if (event.type === 'status-delta') console.log(`${event.from} → ${event.to}`);
 *   else if (event.type === 'metrics-delta') console.log(`${event.metrics.requestsCompleted} requests`);
 * });
 * subscription.unsubscribe();
 * ```
 */
export type AgentEvent =
  | AgentRunPart
  /** The agent moved from one lifecycle state to another. */
  | {
      /** Discriminant. */
      type: 'status-delta';
      /** The state left. */
      from: AgentLifecycleState;
      /** The event that moved it. */
      event: AgentLifecycleEvent;
      /** The state entered. */
      to: AgentLifecycleState;
    }
  /** The agent's performance metrics after a run has finished or failed. */
  | {
      /** Discriminant. */
      type: 'metrics-delta';
      /** A snapshot of the agent's metrics. */
      metrics: PerformanceMetrics;
    }
  /**
   * A model the agent called has a warning from its provider, emitted once per model and agent
   * (the first call a subscriber can hear of), never printed: for now, the vendor's deprecation
   * (`LanguageModel.deprecation`).
   */
  | {
      /** Discriminant. */
      type: 'model-warning';
      /** The model, as `provider:modelId`. */
      model: string;
      /** What the warning is about: `model_deprecated`. */
      code: 'model_deprecated';
      /** What is deprecated and what to do. */
      message: string;
      /** The day the vendor retires the model (`YYYY-MM-DD`), when announced. */
      retiresAt?: string;
    }
  /** A real-time agent's step took longer than its threshold to first output. */
  | {
      /** Discriminant. */
      type: 'realtime-error';
      /** The step's latency to first output, in milliseconds. */
      responseTime: number;
      /** The agent's real-time threshold, in milliseconds. */
      threshold: number;
    };
