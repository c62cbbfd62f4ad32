import type {
  LanguageModel,
  ModelCallOptions,
  ModelRequest,
  ModelStreamPart,
} from '../model/index.js';
import type { AuthorizationPrincipal } from '../plugins/plugin-services.js';
import type { AccessAction } from './define-tool.js';

/**
 * What model-call middleware sees and may change.
 *
 * @example
 * ```ts
 * import { createAgent, type LanguageModel, type ModelCallContext } from '@agentry/core';
 *
 * declare const model: LanguageModel;
 * // Adds a header to every model call of one user's agent, and logs which model answered.
 * const tagUser = async (context: ModelCallContext, next: () => Promise<void>) => {
 *   context.options = { ...context.options, headers: { ...context.options.headers, 'x-user': context.userId ?? 'anonymous' } };
 *   await next();
 *   console.log(`run ${context.runId} step ${context.step}: ${context.model?.modelId}`);
 * };
 * const agent = createAgent({ model, context: { userId: 'user-42' }, middleware: { model: [tagUser] } });
 * ```
 */
export interface ModelCallContext {
  /** The agent making the call. */
  readonly agentId: string;
  /** The run the call belongs to. */
  readonly runId: string;
  /** The step of the run, from 1. */
  readonly step: number;
  /** The permissions of the agent's execution context, for security plug-ins. */
  readonly permissions: readonly string[];
  /** The user the agent serves, when known. */
  readonly userId: string | undefined;
  /** The session of the agent's execution context. */
  readonly sessionId: string;
  /**
   * Who the agent acts for in this run: the `principal` of `send`, else a user principal for the
   * context's `userId`, else the agent itself (`kind: 'agent'`).
   */
  readonly principal: AuthorizationPrincipal;
  /** The request; middleware may replace it before calling `next`. */
  request: ModelRequest;
  /** The call options; middleware may replace them before calling `next`. */
  options: ModelCallOptions;
  /**
   * The response stream, set by the innermost handler once `next` resolves; middleware may wrap
   * it to observe or rewrite parts.
   */
  stream?: AsyncIterable<ModelStreamPart>;
  /** The model that served the call (after routing and fallback), set with `stream`. */
  model?: LanguageModel;
}

/**
 * Middleware around model calls, Koa-style: do work, `await next()`, do more. Throw to refuse the
 * call (the error becomes the step's error).
 *
 * @example
 * ```ts
 * import { type ModelMiddleware } from '@agentry/core';
 *
 * const logCalls: ModelMiddleware = async (context, next) => {
 *   const started = performance.now();
 *   await next();
 *   console.log(`${context.model?.modelId} answered after ${performance.now() - started} ms`);
 * };
 * ```
 */
export type ModelMiddleware = (
  context: ModelCallContext,
  next: () => Promise<void>,
) => Promise<void>;

/**
 * What tool-call middleware sees and may change.
 *
 * @example
 * ```ts
 * import { createAgent, type LanguageModel, type ToolCallContext, type Tool } from '@agentry/core';
 *
 * declare const model: LanguageModel;
 * declare const tools: Tool[];
 * // Redacts e-mail addresses from every tool's output before the model sees it.
 * const redact = async (context: ToolCallContext, next: () => Promise<void>) => {
 *   await next();
 *   if (!context.isError) {
 *     context.output = JSON.parse(JSON.stringify(context.output).replace(/[\w.+-]+@[\w.-]+/g, '[email]'));
 *   }
 * };
 * const agent = createAgent({ model, tools, middleware: { tool: [redact] } });
 * ```
 */
export interface ToolCallContext {
  /** The agent running the tool. */
  readonly agentId: string;
  /** The run the call belongs to. */
  readonly runId: string;
  /** The permissions of the agent's execution context. */
  readonly permissions: readonly string[];
  /** The call's id. */
  readonly toolCallId: string;
  /** The tool's name. */
  readonly toolName: string;
  /** The action the call performs (the tool's `access`; see `Tool.access`). */
  readonly access: AccessAction;
  /** Whether the tool is marked destructive (its calls cannot be undone). */
  readonly destructive: boolean;
  /** Who the agent acts for in this run (see `ModelCallContext.principal`). */
  readonly principal: AuthorizationPrincipal;
  /** The user the agent serves, when known. */
  readonly userId: string | undefined;
  /** The session of the agent's execution context. */
  readonly sessionId: string;
  /**
   * Aborted when the turn is aborted or the tool's timeout passes (the timeout covers the
   * middleware too); a middleware that waits (for an approval) stops waiting then. To tell the
   * model why, such a middleware sets `output` to an error result and `isError` to `true` as it
   * stops (in the abort listener): when the timeout ended the call, that result replaces the
   * timeout error.
   */
  readonly signal: AbortSignal;
  /** The validated input; middleware may replace it before calling `next`. */
  input: unknown;
  /** The tool's output, set once `next` resolves; middleware may replace it. */
  output?: unknown;
  /** Whether the output is an error result. */
  isError?: boolean;
}

/**
 * Middleware around tool calls, Koa-style. Throw to refuse the call: the model receives an error
 * result with the error's code and message.
 *
 * @example
 * ```ts
 * import { AgentryError, type ToolMiddleware } from '@agentry/core';
 *
 * const denyDeletes: ToolMiddleware = async (context, next) => {
 *   if (context.toolName.startsWith('delete_') && !context.permissions.includes('admin')) {
 *     throw new AgentryError({ code: 'permission_denied', message: 'Deleting needs admin.' });
 *   }
 *   await next();
 * };
 * ```
 */
export type ToolMiddleware = (context: ToolCallContext, next: () => Promise<void>) => Promise<void>;

/**
 * What a send admission check sees: one turn, before it joins the agent's queue.
 *
 * @example
 * ```ts
 * import type { SendAdmissionContext } from '@agentry/core';
 *
 * const describe = (context: SendAdmissionContext) =>
 *   `${context.principal.id} → ${context.agentId} (${context.model}), run ${context.runId}`;
 * console.log(describe);
 * ```
 */
export interface SendAdmissionContext {
  /** The agent the turn is sent to. */
  readonly agentId: string;
  /** The run the turn will be. */
  readonly runId: string;
  /** Who the turn is sent for (see `SendOptions.principal`). */
  readonly principal: AuthorizationPrincipal;
  /** The user the agent serves, when known. */
  readonly userId: string | undefined;
  /** The session of the agent's execution context. */
  readonly sessionId: string;
  /** The agent's primary model, as `provider:model`. */
  readonly model: string;
  /** Aborted when the caller aborts the run (its `signal`, or `run.abort()`); stop waiting then. */
  readonly signal: AbortSignal;
}

/**
 * A check a turn passes before it joins the agent's queue: resolve to admit it, wait to hold it
 * (a rate limit's queue), throw to refuse it. A refused turn fails its run with the thrown error
 * and leaves the agent as it was: no state change, no `error` status, no retry needed. Checks run
 * in order after the authorizer's check of the send, and a turn is admitted only when all pass;
 * turns of one agent are admitted in the order they were sent.
 *
 * @example
 * ```ts
 * import { AgentryError, createAgent, type LanguageModel, type SendAdmission } from '@agentry/core';
 *
 * declare const model: LanguageModel;
 * const openHours: SendAdmission = () => {
 *   const hour = new Date().getUTCHours();
 *   if (hour < 6) throw new AgentryError({ code: 'permission_denied', message: 'The assistant is closed until 06:00 UTC.' });
 * };
 * const agent = createAgent({ model, admission: [openHours] });
 * ```
 */
export type SendAdmission = (context: SendAdmissionContext) => void | Promise<void>;

/**
 * Runs middleware around a handler, outermost first. Calling `next` twice is an error.
 *
 * @internal
 */
export function composeMiddleware<TContext>(
  middleware: readonly ((context: TContext, next: () => Promise<void>) => Promise<void>)[],
  handler: (context: TContext) => Promise<void>,
): (context: TContext) => Promise<void> {
  if (middleware.length === 0) return handler;
  return (context) => {
    const dispatch = (index: number): Promise<void> => {
      const layer = middleware[index];
      if (!layer) return handler(context);
      let called = false;
      return layer(context, () => {
        if (called)
          return Promise.reject(new Error('next() called more than once by one middleware'));
        called = true;
        return dispatch(index + 1);
      });
    };
    return dispatch(0);
  };
}
