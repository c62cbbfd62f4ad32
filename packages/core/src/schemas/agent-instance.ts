import { z } from 'zod';
import { agentStateSchema } from './agent-state.js';
import { executionContextSchema } from './execution-context.js';
import { isoDateSchema } from './iso-date.js';
import { modelConfigurationSchema } from './model-configuration.js';
import { performanceMetricsSchema } from './performance-metrics.js';

/**
 * An agent as data: its id (a UUID), model, state, execution context, metrics and times. Parsing
 * decodes persisted JSON (ISO date strings become `Date`s); `z.encode(agentInstanceSchema, agent)`
 * produces the JSON form. Uniqueness of the id and registration of the model are checked by the
 * Agentry instance that holds the agent.
 *
 * @example
 * ```ts
 * const agent = agentInstanceSchema.parse(JSON.parse(persisted));
 * const json = JSON.stringify(z.encode(agentInstanceSchema, agent));
 * ```
 */
export const agentInstanceSchema = z
  .strictObject({
    /** The agent's id, a UUID unique in its Agentry instance. */
    id: z.uuid(),
    /** The model the agent runs on. */
    model: modelConfigurationSchema,
    /** What the agent holds. */
    state: agentStateSchema,
    /** Who the agent works for and within which bounds. */
    context: executionContextSchema,
    /** How the agent performs. */
    performance: performanceMetricsSchema,
    /** When the agent was created. */
    createdAt: isoDateSchema,
    /** When the agent last did anything. */
    lastActivity: isoDateSchema,
  })
  .refine(
    // Zod still runs this when a date failed its format check; only compare two real dates.
    (agent) =>
      !(agent.createdAt instanceof Date && agent.lastActivity instanceof Date) ||
      agent.lastActivity.getTime() >= agent.createdAt.getTime(),
    {
      path: ['lastActivity'],
      message: 'lastActivity must not be before createdAt.',
    },
  );

/**
 * An agent as data.
 *
 * @example
 * ```ts
 * import { agentInstanceSchema, type Agentry, type AgentInstance } from '@agentry/core';
 * import { z } from 'zod';
 *
 * declare const agentry: Agentry;
 * // The persisted form of an agent: encode it for storage, parse it back (dates revived).
 * const instance: AgentInstance | undefined = agentry.agents.list()[0];
 * if (instance) {
 *   const json = JSON.stringify(z.encode(agentInstanceSchema, instance));
 *   const restored: AgentInstance = agentInstanceSchema.parse(JSON.parse(json));
 *   console.log(restored.model.model, restored.state.status, restored.createdAt.toISOString());
 * }
 * ```
 */
export type AgentInstance = z.infer<typeof agentInstanceSchema>;
