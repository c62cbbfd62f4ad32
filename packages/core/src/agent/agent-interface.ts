import type { Observable } from 'rxjs';
import type { AgentInstance } from '../schemas/agent-instance.js';
import type { AgentState } from '../schemas/agent-state.js';
import type { ExecutionContext } from '../schemas/execution-context.js';
import type { PerformanceMetrics } from '../schemas/performance-metrics.js';
import type { AgentEvent } from './agent-events.js';
import type { RealtimeCompliance, SendInput, SendOptions } from './agent-options.js';
import type { AgentRun } from './agent-run.js';
import type { AgentLifecycleState } from './agent-state-machine.js';

/**
 * A running agent: the specification's AgentInstance with its state machine and loop.
 *
 * @example
 * ```ts
 * import { createAgent, type Agent, type LanguageModel } from '@agentry/core';
 *
 * declare const model: LanguageModel;
 * const agent: Agent = createAgent({ model, instructions: 'Be brief.' });
 * const { text } = await agent.send('Hello');
 * console.log(text, agent.lifecycle, agent.state.messages.length);
 * await agent.shutdown();
 * ```
 */
export interface Agent {
  /** The agent's id (a UUID). */
  readonly id: string;
  /** Where the agent is in its life. */
  readonly lifecycle: AgentLifecycleState;
  /** The conversation, memory and status; read-only outside the agent. */
  readonly state: Readonly<AgentState>;
  /** The execution context. */
  readonly context: Readonly<ExecutionContext>;
  /** Live metrics. */
  readonly performance: PerformanceMetrics;
  /** Real-time compliance, when the agent is marked real-time. */
  readonly realtime: RealtimeCompliance | undefined;
  /** When the agent was created. */
  readonly createdAt: Date;
  /** When the agent last did anything. */
  readonly lastActivity: Date;
  /** Everything the agent does. */
  readonly events$: Observable<AgentEvent>;
  /** How many turns wait behind the current one. */
  readonly queued: number;
  /** Whether the agent was restored from a record written in the middle of a turn. */
  readonly interrupted: boolean;
  /** Created -> Idle. @throws AgentryError `invalid_transition` */
  start(): void;
  /**
   * Queues a turn: the message is answered after every turn sent before it, never interleaved.
   *
   * @throws AgentryError `invalid_transition` after shutdown began (the run fails with it)
   */
  send<TOutput = undefined>(input: SendInput, options?: SendOptions<TOutput>): AgentRun<TOutput>;
  /**
   * Pauses at the next step boundary of the current turn (Processing -> Paused): the stream in
   * flight finishes and that step's tools run first. If the turn ends before a boundary, nothing
   * pauses. @throws AgentryError `invalid_transition` when not processing
   */
  pause(): void;
  /**
   * Paused -> Processing; in Processing with a pause pending, cancels the pause. It may be called
   * from any listener, including one of the pause itself. @throws AgentryError
   * `invalid_transition` when not paused or pausing
   */
  resume(): void;
  /**
   * Error -> Processing: runs the failed turn again from where it stopped. @throws AgentryError
   * `invalid_transition` outside Error, or when the failed turn was aborted (it is given up)
   */
  retry(): AgentRun<unknown>;
  /**
   * Processing or Paused: aborts the current turn (it fails with `aborted`) and goes on with the
   * queue. Error: drops the failed turn (Error -> Idle). @throws AgentryError `invalid_transition` when idle
   */
  abort(reason?: string): void;
  /**
   * Refuses later sends, waits for the current turn and every queued one, then Idle -> shut
   * down. A turn that fails meanwhile, or that had failed before (Error), is given up (Error ->
   * Idle) unless a listener retries it at once, so shutdown settles whatever the turns do; a
   * paused turn holds it until resumed or aborted. Resolves at once on a shut-down agent.
   */
  shutdown(): Promise<void>;
  /** The agent as the specification's AgentInstance (a copy). */
  toInstance(): AgentInstance;
}
