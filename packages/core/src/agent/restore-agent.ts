import { AgentryError } from '../errors/index.js';
import { agentInstanceSchema } from '../schemas/agent-instance.js';
import { storeKey, type StateStore } from '../stores/index.js';
import type { Agent } from './agent-interface.js';
import type { AgentOptions } from './agent-options.js';
import { createAgent } from './agent.js';
import { AGENT_SCHEMA_VERSION } from './agent-turn.js';

/**
 * What {@link restoreAgent} needs: the store, and everything about the agent that is code, not data.
 *
 * @example
 * ```ts
 * import { restoreAgent, type LanguageModel, type RestoreAgentOptions, type StateStore } from '@agentry/core';
 *
 * declare const store: StateStore; // where the agent persisted after each step
 * declare const model: LanguageModel;
 * // Tools and the model are code, so they are given again; the conversation comes from the store.
 * const options: RestoreAgentOptions = { store, model, instructions: 'Answer in one sentence.' };
 * const agent = await restoreAgent('6f1c2d4e-8a7b-4c3d-9e0f-1a2b3c4d5e6f', options);
 * ```
 */
export interface RestoreAgentOptions extends Omit<
  AgentOptions,
  'id' | 'store' | 'restored' | 'context'
> {
  /** The store the agent persisted to. */
  store: StateStore;
}

/**
 * Brings an agent back from its store, in this process or a new one: its conversation, memory,
 * status, context, metrics and times. Tools, instructions and the model are code, so they are
 * passed again. An agent that was in the middle of a turn when its process died comes back Idle
 * with every completed step kept, and `agent.interrupted` set.
 *
 * @throws AgentryError `not_found` when the store has no such agent; `schema_version_unsupported`
 *   for an agent persisted by a newer version; `validation_failed` for a damaged record
 * @example
 * ```ts
 * const agent = await restoreAgent(id, { store, model, tools: [weather] });
 * await agent.send('Where were we?');
 * ```
 */
export async function restoreAgent(id: string, options: RestoreAgentOptions): Promise<Agent> {
  const envelope = await options.store.get(storeKey('agent', id));
  if (!envelope) {
    throw new AgentryError({
      code: 'not_found',
      message: `The store has no agent ${id}.`,
      details: { id },
      suggestions: ['Check the id, and that the agent was created with this store.'],
    });
  }
  if (envelope.kind !== 'agent') {
    throw new AgentryError({
      code: 'validation_failed',
      message: `Record ${envelope.key} is a ${envelope.kind}, not an agent.`,
      details: { key: envelope.key, kind: envelope.kind },
    });
  }
  if (envelope.schemaVersion !== AGENT_SCHEMA_VERSION) {
    throw new AgentryError({
      code: 'schema_version_unsupported',
      message: `Agent ${id} was persisted with schema ${envelope.schemaVersion}; this version reads ${AGENT_SCHEMA_VERSION}.`,
      details: { id, schemaVersion: envelope.schemaVersion, supported: AGENT_SCHEMA_VERSION },
      suggestions: ['Upgrade @agentry/core to the version that wrote the record.'],
    });
  }
  const parsed = agentInstanceSchema.safeParse(envelope.data);
  if (!parsed.success) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `The stored agent ${id} is damaged: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}.`,
      details: { id },
    });
  }
  const { store, ...rest } = options;
  return createAgent({
    ...rest,
    store,
    restored: { instance: parsed.data, revision: envelope.revision },
  });
}
