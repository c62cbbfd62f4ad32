import { AgentryError, toAgentryError } from '../errors/index.js';
import type { ToolCallPart, ToolResultPart } from '../model/index.js';
import { withTimeout } from '../resilience/index.js';
import { findSerializationProblem } from '../schemas/serializable.js';
import type { Tool } from './define-tool.js';
import { composeMiddleware, type ToolCallContext, type ToolMiddleware } from './middleware.js';

/** What running one step's tool calls needs. */
export interface ToolRunOptions {
  /** The agent's tools, by name. */
  tools: ReadonlyMap<string, Tool>;
  /** The agent's id. */
  agentId: string;
  /** The run's id. */
  runId: string;
  /** The execution context's permissions. */
  permissions: readonly string[];
  /** Aborts every tool of the step. */
  signal: AbortSignal;
  /** The timeout of a tool that sets none, in milliseconds. */
  defaultTimeout: number;
  /** Tool-call middleware. */
  middleware: readonly ToolMiddleware[];
  /** The CPU time tools may still use in this turn, in milliseconds (`maxCpu` less what was used). */
  cpuBudget: { remainingMs: number };
  /** Waits for a connection slot (maxConnections counts tool calls too); returns its release. */
  acquireConnection(signal: AbortSignal): Promise<() => void>;
  /** Told when a call starts. */
  onStart?(call: ToolCallPart): void;
  /** Told when a call has a result. */
  onEnd?(result: ToolResultPart, durationMs: number): void;
}

const errorOutput = (error: AgentryError) => ({
  error: { code: error.code, message: error.message },
});

/**
 * Runs a step's tool calls concurrently and returns one result per call, in call order. A call is
 * never executed when its tool is unknown, a permission is missing, the CPU budget is spent, or its
 * arguments are malformed, truncated or fail the input schema; a tool that throws, times out or
 * returns something unserializable yields an error result. Only an abort of the whole step throws.
 *
 * @internal
 */
export async function runToolCalls(
  calls: readonly ToolCallPart[],
  options: ToolRunOptions,
): Promise<ToolResultPart[]> {
  // CPU time is measured once over the whole batch: calls run concurrently, so timing each call
  // separately would count the same process time several times.
  const before = process.cpuUsage();
  try {
    return await Promise.all(calls.map((call) => runOne(call, options)));
  } finally {
    const used = process.cpuUsage(before);
    options.cpuBudget.remainingMs -= (used.user + used.system) / 1000;
  }
}

async function runOne(call: ToolCallPart, options: ToolRunOptions): Promise<ToolResultPart> {
  options.onStart?.(call);
  const started = performance.now();
  const finish = (output: unknown, isError: boolean): ToolResultPart => {
    const result: ToolResultPart = isError
      ? {
          type: 'tool-result',
          toolCallId: call.toolCallId,
          toolName: call.toolName,
          output,
          isError: true,
        }
      : { type: 'tool-result', toolCallId: call.toolCallId, toolName: call.toolName, output };
    options.onEnd?.(result, performance.now() - started);
    return result;
  };
  const refuse = (code: AgentryError['code'], message: string) =>
    finish(errorOutput(new AgentryError({ code, message })), true);

  const tool = options.tools.get(call.toolName);
  if (!tool)
    return refuse(
      'invalid_request',
      `There is no tool named "${call.toolName}". Available: ${[...options.tools.keys()].join(', ') || 'none'}.`,
    );
  const missing = (tool.permissions ?? []).filter(
    (permission) => !options.permissions.includes(permission),
  );
  if (missing.length > 0)
    return refuse(
      'permission_denied',
      `Tool ${tool.name} needs the permission(s) ${missing.join(', ')}, which this agent does not have.`,
    );
  if (options.cpuBudget.remainingMs <= 0)
    return refuse(
      'limit_exceeded',
      `The turn has used its tool CPU time (maxCpu); ${tool.name} was not run.`,
    );

  let parsed: unknown;
  try {
    parsed = call.input.trim() === '' ? {} : (JSON.parse(call.input) as unknown);
  } catch {
    return refuse(
      'invalid_request',
      `The arguments for ${tool.name} are not valid JSON (they may have been cut off): ${truncate(call.input)}. Call the tool again with complete JSON.`,
    );
  }
  const validated = tool.input.safeParse(parsed);
  if (!validated.success) {
    const problems = validated.error.issues
      .map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`)
      .join('; ');
    return refuse(
      'invalid_request',
      `The arguments for ${tool.name} do not match its input schema: ${problems}.`,
    );
  }

  const context: ToolCallContext = {
    agentId: options.agentId,
    runId: options.runId,
    permissions: options.permissions,
    toolCallId: call.toolCallId,
    toolName: tool.name,
    input: validated.data,
  };
  const timeout = tool.timeout ?? options.defaultTimeout;
  try {
    // The timeout covers the middleware too, so a hanging middleware cannot hold the turn.
    await withTimeout(
      (signal) =>
        composeMiddleware(options.middleware, async (ctx) => {
          const release = await options.acquireConnection(signal);
          try {
            ctx.output = await tool.execute(ctx.input, {
              signal,
              agentId: options.agentId,
              toolCallId: call.toolCallId,
              permissions: options.permissions,
            });
            ctx.isError = false;
          } finally {
            release();
          }
        })(context),
      timeout,
      { signal: options.signal, message: `Tool ${tool.name} did not finish within ${timeout} ms.` },
    );
  } catch (error) {
    if (options.signal.aborted) throw toAgentryError(options.signal.reason ?? error, 'aborted');
    return finish(errorOutput(toAgentryError(error)), true);
  }
  const problem = findSerializationProblem(context.output);
  if (problem)
    return refuse(
      'internal',
      `Tool ${tool.name} returned a value that cannot be sent to the model: ${problem.reason}.`,
    );
  return finish(context.output ?? null, context.isError === true);
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
