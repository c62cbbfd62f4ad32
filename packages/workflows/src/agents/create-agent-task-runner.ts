import {
  AgentryError,
  type Agent,
  type AgentryAgentOptions,
  type FinishReason,
  type Tool,
  type Usage,
} from '@agentry/core';
import type { RunAgent, RunAgentRequest } from '../runner/runner-types.js';

/**
 * What {@link createAgentTaskRunner} needs of an Agentry instance: `createAgent` (an `Agentry` from
 * `createAgentry` has it) and, optionally, its agent directory, from which each finished agent is
 * removed.
 *
 * @example
 * ```ts
 * import { createMemoryStore, createAgent, type LanguageModel } from '@agentry/core';
 * import { createAgentTaskRunner, createWorkflowRunner, type AgentTaskHost } from '@agentry/workflows';
 *
 * // An Agentry instance is one; without configuration, any object that creates agents will do.
 * declare const model: LanguageModel;
 * const host: AgentTaskHost = {
 *   createAgent: (options) => createAgent({ ...options, model }),
 * };
 * const runner = createWorkflowRunner({
 *   store: createMemoryStore(),
 *   registry: {},
 *   runAgent: createAgentTaskRunner({ agentry: host }),
 * });
 * ```
 */
export interface AgentTaskHost {
  /** Creates an agent on a model named by id, with the instance's fallback chain behind it. */
  createAgent(options?: AgentryAgentOptions): Agent;
  /** The instance's agent directory; an agent task's agent leaves it when the task ends. */
  readonly agents?: {
    /** Removes an agent by id. */
    remove(id: string): boolean;
  };
}

/**
 * Options of {@link createAgentTaskRunner}.
 *
 * @example
 * ```ts
 * import { defineTool, type Agentry } from '@agentry/core';
 * import { createAgentTaskRunner, type AgentTaskRunnerOptions } from '@agentry/workflows';
 * import { z } from 'zod';
 *
 * declare const agentry: Agentry;
 * const lookupOrder = defineTool({
 *   name: 'lookup_order',
 *   description: 'Finds an order by id.',
 *   input: z.object({ orderId: z.string() }),
 *   execute: async ({ orderId }) => ({ orderId, status: 'paid' }),
 * });
 * // Agent steps name the tools they may use (`tools: ['lookup_order']`); these are the candidates.
 * const options: AgentTaskRunnerOptions = { agentry, tools: [lookupOrder], agentOptions: { toolTimeout: 10_000 } };
 * const runAgent = createAgentTaskRunner(options);
 * ```
 */
export interface AgentTaskRunnerOptions {
  /** Where agents come from: usually the `Agentry` instance made by `createAgentry`. */
  agentry: AgentTaskHost;
  /**
   * The tools agent tasks may use; a step lists the ones it gives its agent by name
   * (`configuration.agent.tools`). Names must be unique.
   */
  tools?: readonly Tool[];
  /**
   * Options every agent task's agent gets (parameters, limits, middleware, a clock); the step's
   * own `model`, `instructions`, `tools` and `maxSteps` come on top.
   */
  agentOptions?: Omit<AgentryAgentOptions, 'model' | 'instructions' | 'tools' | 'maxSteps' | 'id'>;
}

/**
 * The output of an agent task: what its step passes on to later steps.
 *
 * @example
 * ```ts
 * import { input, output, workflow, type AgentTaskOutput } from '@agentry/workflows';
 *
 * // A later step reads the agent step's output by path: `text`, `finishReason`, `usage`, `steps`, `model`.
 * const field: keyof AgentTaskOutput = 'text';
 * const definition = workflow('support')
 *   .trigger({ type: 'manual' })
 *   .errorHandling({ retryAttempts: 2, backoffStrategy: 'exponential', fallbackAction: 'abort' })
 *   .agent('draft', { prompt: 'Draft a reply to: {{ticket}}', inputs: { ticket: input('ticket') } })
 *   .task('send', { handler: 'mail.send', inputs: { body: output('draft', field) } })
 *   .build();
 * ```
 */
export interface AgentTaskOutput {
  /** The agent's answer. */
  text: string;
  /** Why the model stopped. */
  finishReason: FinishReason;
  /** Tokens used over the whole turn. */
  usage: Usage;
  /** How many model calls the turn made. */
  steps: number;
  /** The model that answered, as `provider:model`, when the agent recorded it. */
  model?: string;
}

/**
 * Makes the `runAgent` of a workflow runner from an Agentry instance: each attempt of an agent
 * task gets a new agent on the step's model (or the configured default, with the configured
 * fallback chain), with the step's instructions, the named tools and `maxSteps`; it is sent the
 * step's filled-in prompt (on behalf of the run's principal, when the run has one, so that the
 * instance's authorizer checks each tool call for that principal at that moment), aborted with
 * the attempt (timeout, cancel, close), and shut down when the attempt ends. The step's output is an {@link AgentTaskOutput}, so later steps read
 * `steps.<id>.output.text`.
 *
 * An agent's error keeps its code, so the workflow's retry policy treats a `rate_limited` answer as
 * worth retrying and an `auth_failed` one as final.
 *
 * @throws AgentryError `duplicate_id` when two tools share a name. A step that names a tool that
 *   is not given fails its attempt with `not_found` (not retried), naming the tools there are.
 * @example
 * ```ts
 * const agentry = await createAgentry({ config, plugins: [openaiPlugin()] });
 * const runner = createWorkflowRunner({
 *   store,
 *   registry,
 *   handlers,
 *   runAgent: createAgentTaskRunner({ agentry, tools: [lookupOrder] }),
 * });
 * ```
 */
export function createAgentTaskRunner(options: AgentTaskRunnerOptions): RunAgent {
  const tools = new Map<string, Tool>();
  for (const tool of options.tools ?? []) {
    if (tools.has(tool.name)) {
      throw new AgentryError({
        code: 'duplicate_id',
        message: `Two agent task tools are named "${tool.name}".`,
        details: { name: tool.name },
        suggestions: ['Give each tool a unique name.'],
      });
    }
    tools.set(tool.name, tool);
  }
  const { agentry, agentOptions = {} } = options;

  const toolsOf = (request: RunAgentRequest): Tool[] =>
    (request.agent.tools ?? []).map((name) => {
      const tool = tools.get(name);
      if (tool) return tool;
      throw new AgentryError({
        code: 'not_found',
        recoverable: false,
        message: `The agent task asks for the tool "${name}", which is not among the tools given to createAgentTaskRunner (${[...tools.keys()].join(', ') || 'none'}).`,
        details: { tool: name, available: [...tools.keys()] },
        suggestions: [`Pass the "${name}" tool in createAgentTaskRunner({ tools }).`],
      });
    });

  return async (request) => {
    const { model, instructions, maxSteps } = request.agent;
    const agent = agentry.createAgent({
      ...agentOptions,
      ...(model === undefined ? {} : { model }),
      ...(instructions === undefined ? {} : { instructions }),
      ...(maxSteps === undefined ? {} : { maxSteps }),
      tools: toolsOf(request),
    });
    try {
      // On the run's principal's behalf: each tool call is authorized for it when it is made.
      const result = await agent.send(request.prompt, {
        signal: request.signal,
        ...(request.principal === undefined ? {} : { principal: request.principal }),
      });
      const answered = result.messages.at(-1);
      const output: AgentTaskOutput = {
        text: result.text,
        finishReason: result.finishReason,
        usage: result.usage,
        steps: result.steps,
      };
      if (answered && 'model' in answered && typeof answered.model === 'string')
        output.model = answered.model;
      return output;
    } finally {
      await release(agent);
      agentry.agents?.remove(agent.id);
    }
  };
}

/** Shuts an agent down whatever state its turn left it in, so it holds nothing afterwards. */
async function release(agent: Agent): Promise<void> {
  if (agent.lifecycle === 'shut-down') return;
  if (agent.lifecycle === 'error') agent.abort('The agent task ended.');
  await agent.shutdown();
}
