import { z } from 'zod';
import { jsonRecordSchema } from './json-record.js';
import { messageSchema } from './message.js';
import { workflowStateSchema } from './workflow-state.js';

/**
 * The status an agent reports. It mirrors the agent state machine: `idle`, `processing`, `error`
 * and `paused`.
 */
export const agentStatusSchema = z.literal(['idle', 'processing', 'error', 'paused']);

/**
 * The status an agent reports.
 *
 * @example
 * ```ts
 * import type { Agentry, AgentStatus } from '@agentry/core';
 *
 * declare const agentry: Agentry;
 * // The agents that need attention.
 * const failing: AgentStatus = 'error';
 * const stuck = agentry.agents.list().filter((instance) => instance.state.status === failing);
 * ```
 */
export type AgentStatus = z.infer<typeof agentStatusSchema>;

/**
 * What an agent holds: its conversation, its place in a workflow, its memory and its status. It is
 * persisted as JSON, so every value must round-trip (see {@link findSerializationProblem}).
 *
 * @example
 * ```ts
 * agentStateSchema.parse({ messages: [], memory: { plan: 'ask for the invoice number' }, status: 'idle' });
 * ```
 */
export const agentStateSchema = z.strictObject({
  /** The conversation, oldest first. */
  messages: z.array(messageSchema),
  /** The workflow run the agent takes part in, if any. */
  currentWorkflow: workflowStateSchema.optional(),
  /** What the agent remembers between turns; JSON values only. */
  memory: jsonRecordSchema,
  /** The agent's status. */
  status: agentStatusSchema,
});

/**
 * What an agent holds.
 *
 * @example
 * ```ts
 * import type { Agent, AgentState } from '@agentry/core';
 *
 * declare const agent: Agent;
 * const state: Readonly<AgentState> = agent.state;
 * console.log(state.status, state.messages.length, state.memory, state.currentWorkflow?.workflowId);
 * ```
 */
export type AgentState = z.infer<typeof agentStateSchema>;
