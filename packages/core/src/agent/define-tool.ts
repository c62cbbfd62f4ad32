import { z } from 'zod';
import { AgentryError } from '../errors/index.js';
import type { ToolSpec } from '../model/index.js';
import type { AuthorizationPrincipal, AuthorizationRequest } from '../plugins/plugin-services.js';

/**
 * The specification's access actions: what a permission grants and what an authorization asks.
 *
 * @example
 * ```ts
 * import type { AccessAction } from '@agentry/core';
 *
 * const action: AccessAction = 'read';
 * console.log(action);
 * ```
 */
export type AccessAction = 'create' | 'read' | 'update' | 'delete';

/**
 * What a tool's `execute` receives besides its input.
 *
 * @example
 * ```ts
 * import { defineTool, type ToolExecutionContext } from '@agentry/core';
 * import { z } from 'zod';
 *
 * const deleteFile = defineTool({
 *   name: 'delete_file',
 *   description: 'Deletes a file in the workspace.',
 *   input: z.object({ path: z.string() }),
 *   access: 'delete',
 *   destructive: true,
 *   execute: async ({ path }, context: ToolExecutionContext) => {
 *     // The stored owner decides, not anything the model wrote.
 *     const owner = await fetch(`https://files.example.com/${path}/owner`).then((r) => r.text());
 *     await context.authorize('delete', { type: 'files', id: path, attributes: { owner } });
 *     await fetch(`https://files.example.com/${path}`, { method: 'DELETE', signal: context.signal });
 *     return { deleted: true, by: context.agentId, call: context.toolCallId };
 *   },
 * });
 * ```
 */
export interface ToolExecutionContext {
  /** Aborted when the turn is aborted or the tool's timeout passes; pass it on to I/O. */
  signal: AbortSignal;
  /** The agent running the tool. */
  agentId: string;
  /** The id of this call, stable across retries of the turn. */
  toolCallId: string;
  /** The permissions of the agent's execution context. */
  permissions: readonly string[];
  /**
   * Who the agent acts for in this run: the `principal` of `send`, else a user principal for the
   * context's `userId`, else the agent itself (`kind: 'agent'`).
   */
  principal: AuthorizationPrincipal;
  /**
   * Asks the instance's authorizer whether the principal, through this agent, may do `action` to
   * `resource`, whose `attributes` must be the ones stored with it (its owner, tenant, labels),
   * read by the tool, never taken from the model's arguments. Resolves when allowed, and also when
   * no authorizer is installed (without `@agentry/security` nothing is refused).
   *
   * @throws AgentryError `permission_denied` naming the action and the resource when denied
   */
  authorize(action: AccessAction, resource: AuthorizationRequest['resource']): Promise<void>;
}

/**
 * A tool an agent may call, as written by {@link defineTool}.
 *
 * @example
 * ```ts
 * import { createAgent, defineTool, type LanguageModel, type Tool } from '@agentry/core';
 * import { z } from 'zod';
 *
 * declare const model: LanguageModel;
 * const clock: Tool<{ zone: string }, { time: string }> = defineTool({
 *   name: 'get_time',
 *   description: 'The current time in a time zone.',
 *   input: z.object({ zone: z.string() }),
 *   execute: ({ zone }) => ({ time: new Date().toLocaleTimeString('en-GB', { timeZone: zone }) }),
 * });
 * const agent = createAgent({ model, tools: [clock] });
 * ```
 */
export interface Tool<TInput = unknown, TOutput = unknown> {
  /** The tool's name: letters, digits, `_` and `-`, at most 64 characters. */
  readonly name: string;
  /** What the tool does and when to use it; the model reads this. */
  readonly description: string;
  /** The schema of the input; the model sees it as JSON Schema. */
  readonly input: z.ZodType<TInput>;
  /** The longest one call may take, in milliseconds (the agent's default when absent). */
  readonly timeout?: number;
  /** Permissions the agent's context must hold for the tool to run. */
  readonly permissions?: readonly string[];
  /**
   * The action a call of the tool performs, which an authorizer checks on `tools:<name>` before
   * the arguments are read: `read` unless set, or `delete` when the tool is `destructive`.
   */
  readonly access?: AccessAction;
  /**
   * Whether a call cannot be undone (deleting, paying, sending). With `@agentry/security`
   * installed, a call of a destructive tool waits for a person to approve it.
   */
  readonly destructive?: boolean;
  /** Runs the tool. Its result must be JSON-serializable; a thrown error goes back to the model. */
  execute(input: TInput, context: ToolExecutionContext): TOutput | Promise<TOutput>;
}

const toolNamePattern = /^[A-Za-z0-9_-]{1,64}$/;

const accessActions: ReadonlySet<unknown> = new Set(['create', 'read', 'update', 'delete']);

/**
 * The action a call of `tool` performs: its `access`, else `delete` for a destructive tool, else
 * `read`.
 *
 * @internal
 */
export function toolAccess(tool: Tool): AccessAction {
  return tool.access ?? (tool.destructive === true ? 'delete' : 'read');
}

/**
 * Declares a tool with a zod input schema. The model receives the schema as JSON Schema; a call
 * whose arguments are malformed, truncated or do not match the schema is never executed: the model
 * gets an error result saying why.
 *
 * @throws AgentryError `validation_failed` for an invalid name or an input schema that is not an object
 * @example
 * ```ts
 * const weather = defineTool({
 *   name: 'get_weather',
 *   description: 'Current weather for a city.',
 *   input: z.object({ city: z.string() }),
 *   execute: async ({ city }) => ({ city, celsius: 21 }),
 * });
 * ```
 */
export function defineTool<TInput, TOutput>(tool: Tool<TInput, TOutput>): Tool<TInput, TOutput> {
  if (!toolNamePattern.test(tool.name)) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `Tool name "${tool.name}" is not valid: use 1 to 64 letters, digits, "_" or "-".`,
      details: { name: tool.name },
      suggestions: ['Rename the tool, such as get_weather.'],
    });
  }
  if (tool.timeout !== undefined && !(Number.isInteger(tool.timeout) && tool.timeout > 0)) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `Tool ${tool.name}: timeout must be a positive integer of milliseconds, received ${tool.timeout}.`,
      details: { name: tool.name, timeout: tool.timeout },
      suggestions: ['Give the timeout in whole milliseconds, such as 10000.'],
    });
  }
  if (tool.access !== undefined && !accessActions.has(tool.access)) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `Tool ${tool.name}: access must be create, read, update or delete, received ${JSON.stringify(tool.access)}.`,
      details: { name: tool.name, path: ['access'] },
      suggestions: ["Say what a call does: access: 'read' for a lookup, 'delete' for a removal."],
    });
  }
  if (tool.destructive !== undefined && typeof tool.destructive !== 'boolean') {
    throw new AgentryError({
      code: 'validation_failed',
      message: `Tool ${tool.name}: destructive must be true or false, received ${typeof tool.destructive}.`,
      details: { name: tool.name, path: ['destructive'] },
      suggestions: ['Set destructive: true for a tool whose calls cannot be undone.'],
    });
  }
  toToolSpec(tool);
  return tool;
}

const specCache = new WeakMap<Tool, ToolSpec>();

/**
 * The model-facing description of a tool, its input schema as JSON Schema.
 *
 * @throws AgentryError `validation_failed` when the input schema does not describe an object
 * @example
 * ```ts
 * toToolSpec(weather).inputSchema; // { type: 'object', properties: { city: { type: 'string' } }, … }
 * ```
 */
export function toToolSpec(tool: Tool): ToolSpec {
  const cached = specCache.get(tool);
  if (cached) return cached;
  let inputSchema: Record<string, unknown>;
  try {
    inputSchema = z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'throw' });
  } catch (error) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `Tool ${tool.name}: its input schema cannot be expressed as JSON Schema: ${(error as Error).message}`,
      details: { name: tool.name },
      suggestions: [
        'Use JSON-compatible zod types (no functions, dates, maps, transforms) in tool inputs.',
      ],
      cause: error,
    });
  }
  if (inputSchema.type !== 'object') {
    throw new AgentryError({
      code: 'validation_failed',
      message: `Tool ${tool.name}: its input must be an object schema (z.object), not ${String(inputSchema.type)}.`,
      details: { name: tool.name },
      suggestions: ['Wrap the input in z.object({ … }).'],
    });
  }
  delete inputSchema.$schema;
  const spec: ToolSpec = { name: tool.name, description: tool.description, inputSchema };
  specCache.set(tool, spec);
  return spec;
}
