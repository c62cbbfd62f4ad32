import { AgentryError, toAgentryError } from '../errors/index.js';
import type { ToolCallPart, ToolResultPart } from '../model/index.js';
import { withTimeout } from '../resilience/index.js';
import { findSerializationProblem } from '../schemas/serializable.js';
import { chargeToolCpu, type CpuBudget } from './charge-tool-cpu.js';
import type {
  AuthorizationPrincipal,
  AuthorizationRequest,
  Authorizer,
} from '../plugins/plugin-services.js';
import { requireAuthorization, toolCallRequest } from './authorize-agent.js';
import { toolAccess, type AccessAction, type Tool } from './define-tool.js';
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
  /** Who the agent acts for in the run. */
  principal: AuthorizationPrincipal;
  /** The user the agent serves, when known. */
  userId: string | undefined;
  /** The execution context's session. */
  sessionId: string;
  /** Asked before each call's arguments are read; none refuses nothing. */
  authorizer: Authorizer | undefined;
  /** Aborts every tool of the step. */
  signal: AbortSignal;
  /** The timeout of a tool that sets none, in milliseconds. */
  defaultTimeout: number;
  /** Tool-call middleware. */
  middleware: readonly ToolMiddleware[];
  /** The CPU time tools may still use in this turn, in milliseconds (`maxCpu` less what was used). */
  cpuBudget: CpuBudget;
  /** The largest arguments, in UTF-8 bytes, that are read (`maxToolInputBytes`). */
  maxInputBytes: number;
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
 * never executed when its arguments are over `maxInputBytes`, its tool is unknown, a permission is
 * missing, the CPU budget is spent, or its arguments are malformed, truncated or fail the input
 * schema; a tool that throws, times out or returns something unserializable yields an error
 * result. Only an abort of the whole step throws.
 *
 * A call whose arguments are over `maxInputBytes` has its `input` replaced, in place, by the first
 * {@link auditedInputLength} characters: the step's message then keeps (and sends back to the
 * model) only that much of them.
 *
 * @internal
 */
export function runToolCalls(
  calls: readonly ToolCallPart[],
  options: ToolRunOptions,
): Promise<ToolResultPart[]> {
  return Promise.all(calls.map((call) => runOne(call, options)));
}

/** @internal How many characters of refused oversize arguments are kept, for audit. */
export const auditedInputLength = 1024;

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

  // Measured before anything reads the text: a UTF-16 unit is 1 to 3 UTF-8 bytes, so arguments
  // of up to a third of the limit in characters are not counted at all.
  const maxBytes = options.maxInputBytes;
  if (call.input.length * 3 > maxBytes) {
    const size = Buffer.byteLength(call.input, 'utf8');
    if (size > maxBytes) {
      call.input = call.input.slice(0, auditedInputLength);
      return refuse(
        'limit_exceeded',
        `The arguments for ${call.toolName} are ${size} bytes, over the limit of ${maxBytes} bytes; they were not read. Call the tool again with smaller arguments, or split the work into several calls.`,
      );
    }
  }

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
  const access = toolAccess(tool);
  const destructive = tool.destructive === true;
  const agent = { id: options.agentId, permissions: options.permissions };
  const authorizer = options.authorizer;
  // Asked before the arguments are read: a refused call's arguments are never parsed.
  if (authorizer !== undefined) {
    try {
      await requireAuthorization(
        authorizer,
        toolCallRequest(
          options.principal,
          agent,
          { name: tool.name, action: access, destructive },
          { runId: options.runId, toolCallId: call.toolCallId, sessionId: options.sessionId },
        ),
      );
    } catch (error) {
      return finish(errorOutput(toAgentryError(error)), true);
    }
  }
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

  // The signal is the timeout's, set once withTimeout starts; until then the step's.
  const context: ToolCallContext = {
    agentId: options.agentId,
    runId: options.runId,
    permissions: options.permissions,
    toolCallId: call.toolCallId,
    toolName: tool.name,
    access,
    destructive,
    principal: options.principal,
    userId: options.userId,
    sessionId: options.sessionId,
    signal: options.signal,
    input: validated.data,
  };
  const authorize = (action: AccessAction, resource: AuthorizationRequest['resource']) =>
    authorizer === undefined
      ? Promise.resolve()
      : requireAuthorization(authorizer, {
          principal: options.principal,
          action,
          resource,
          agent,
          context: {
            operation: 'tool.resource',
            tool: tool.name,
            runId: options.runId,
            toolCallId: call.toolCallId,
            sessionId: options.sessionId,
          },
        });
  const timeout = tool.timeout ?? options.defaultTimeout;
  // The call's connection slot, given back when the call settles or its time is up, whichever
  // comes first: a tool that ignores its signal keeps running, but not in a slot.
  let release: (() => void) | undefined;
  try {
    // The timeout covers the middleware too, so a hanging middleware cannot hold the turn.
    await withTimeout(
      (signal) => {
        (context as { signal: AbortSignal }).signal = signal;
        return composeMiddleware(options.middleware, async (ctx) => {
          const held = await options.acquireConnection(signal);
          if (signal.aborted) {
            held();
            throw toAgentryError(signal.reason, 'aborted');
          }
          release = held;
          try {
            ctx.output = await chargeToolCpu(
              () =>
                tool.execute(ctx.input, {
                  signal,
                  agentId: options.agentId,
                  toolCallId: call.toolCallId,
                  permissions: options.permissions,
                  principal: options.principal,
                  authorize,
                }),
              options.cpuBudget,
            );
            ctx.isError = false;
          } finally {
            held();
          }
        })(context);
      },
      timeout,
      { signal: options.signal, message: `Tool ${tool.name} did not finish within ${timeout} ms.` },
    );
  } catch (error) {
    if (options.signal.aborted) throw toAgentryError(options.signal.reason ?? error, 'aborted');
    // A middleware that was holding the call when its deadline passed (waiting for an approval)
    // and set an error result as it stopped says why the call was refused: the model gets that.
    if (
      context.isError === true &&
      context.output !== undefined &&
      AgentryError.isInstance(error) &&
      error.code === 'timeout'
    )
      return finish(context.output, true);
    return finish(errorOutput(toAgentryError(error)), true);
  } finally {
    release?.();
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
