import {
  AgentryError,
  systemClock,
  type AuthorizationDecision,
  type AuthorizationPrincipal,
  type ToolCallContext,
  type ToolMiddleware,
} from '@agentry/core';
import type {
  ApprovalOutcome,
  ApprovalRequest,
  ApprovalRequestedEvent,
  ApprovalResolvedEvent,
  Approvals,
  ApprovalsOptions,
} from './approval-types.js';

/** The longest denial reason kept, in characters; the rest is cut off. */
const maxReasonLength = 500;

/** A request waiting in this process, with the ways to end its wait. */
interface Waiting {
  readonly request: ApprovalRequest;
  /** The requester's id, NFC-normalised, for the self-approval check. */
  readonly requesterId: string;
  approve(approver: AuthorizationPrincipal): void;
  refuse(
    error: AgentryError,
    outcome: ApprovalOutcome,
    approver?: AuthorizationPrincipal,
    reason?: string,
  ): void;
}

/**
 * Creates the approval step of destructive tools: a tool middleware that holds every call of a
 * tool marked `destructive` until a person approves it, and `pending`, `approve`, `deny` and
 * `close` to act on the calls that wait. The security plug-in installs one with
 * `host.useToolMiddleware` and offers it as `agentry.security.approvals`; create your own to use
 * the step with another policy.
 *
 * How a call of a destructive tool goes:
 * 1. The middleware records an {@link ApprovalRequest} (the input masked for an event when a
 *    masker is installed), emits `{ type: 'approval-requested', at, ...request }` and waits.
 * 2. `approve(id, approver)` asks the authorizer whether `approver` may decide approvals of the
 *    tool: `update` on `approvals:<tool name>` (operation `tool.approve`, attributes `action`, the
 *    call's action, and `requestedBy`, the requester's id). Being allowed to call a tool is not
 *    being allowed to approve it. When it allows, and the approver is not the requester (unless `allowSelfApproval`), the call
 *    proceeds and the tool runs once.
 * 3. `deny(id, approver, reason?)`, checked the same way, refuses the call with
 *    `permission_denied`: the tool never runs and the model receives the refusal.
 * 4. When the call's signal aborts (the tool's timeout, which covers the wait, or the turn's
 *    abort) or `expiresAfterMs` passes, the wait ends with `approval_required` and the request
 *    leaves `pending()`. Each end emits `{ type: 'approval-resolved', outcome, ... }`.
 *
 * Requests live in this process's memory, not in a store: a restart loses them (their calls were
 * refused with the turn), and `approve` must be called in the process that holds the call. Without
 * an authorizer nobody can be checked, so every `approve` and `deny` is refused and destructive
 * calls wait until they expire.
 *
 * Calls of tools that are not destructive pass straight to `next()`.
 *
 * @example
 * ```ts
 * import { createAgentry, definePlugin, defineTool, services, type Authorizer } from '@agentry/core';
 * import { createApprovals, isApprovalRequested } from '@agentry/security';
 * import { z } from 'zod';
 *
 * // Reviewers may approve deletions; everyone else may do nothing of the kind.
 * const policy: Authorizer = {
 *   authorize: async ({ principal, context }) =>
 *     context?.operation !== 'tool.approve' || principal.roles?.includes('reviewer')
 *       ? { decision: 'allow', reasons: [], policyIds: ['reviewers'] }
 *       : { decision: 'deny', reasons: ['not a reviewer'], policyIds: ['reviewers'] },
 * };
 * let approvals: ReturnType<typeof createApprovals> | undefined;
 * const approvalStep = definePlugin({
 *   name: 'acme-approvals',
 *   version: '1.0.0',
 *   setup(host) {
 *     host.provide(services.authorizer, policy);
 *     approvals = createApprovals({
 *       authorizer: () => host.lookup(services.authorizer),
 *       masker: () => host.lookup(services.masker),
 *       emit: (event) => host.emit(event),
 *     });
 *     host.useToolMiddleware(approvals.middleware);
 *     host.onShutdown(() => approvals?.close());
 *   },
 * });
 *
 * declare const config: unknown;
 * const agentry = await createAgentry({ config, plugins: [approvalStep] });
 * agentry.events$.subscribe(({ event }) => {
 *   // A reviewer looks at the call and approves it.
 *   if (isApprovalRequested(event)) void approvals?.approve(event.id, { id: 'bob', roles: ['reviewer'] });
 * });
 * const deleteOrder = defineTool({
 *   name: 'delete_order',
 *   description: 'Deletes an order.',
 *   input: z.object({ orderId: z.string() }),
 *   destructive: true,
 *   timeout: 10 * 60_000, // the wait for a reviewer counts against the tool's timeout
 *   execute: ({ orderId }) => ({ deleted: orderId }),
 * });
 * const agent = agentry.createAgent({ tools: [deleteOrder] });
 * await agent.send('Delete order o-42', { principal: { id: 'alice' } });
 * ```
 */
export function createApprovals(options: ApprovalsOptions): Approvals {
  const clock = options.clock ?? systemClock;
  const generateId = options.generateId ?? (() => globalThis.crypto.randomUUID());
  const allowSelfApproval = options.allowSelfApproval === true;
  const { expiresAfterMs } = options;
  if (
    expiresAfterMs !== undefined &&
    !(Number.isInteger(expiresAfterMs) && expiresAfterMs > 0 && expiresAfterMs <= 2 ** 31 - 1)
  ) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `expiresAfterMs must be a positive integer of milliseconds up to ${2 ** 31 - 1}, received ${String(expiresAfterMs)}.`,
      details: { path: ['expiresAfterMs'], received: expiresAfterMs },
      suggestions: ['Give the longest wait for an approval in whole milliseconds, such as 600000.'],
    });
  }
  const waiting = new Map<string, Waiting>();
  let closed = false;

  const mask = <T>(value: T, field: string, context: { agentId: string; runId: string }): T => {
    const masker = options.masker?.();
    if (masker === undefined) return value;
    return masker.mask(value, {
      purpose: 'event',
      agentId: context.agentId,
      runId: context.runId,
      field,
    });
  };

  const emitResolved = (
    request: ApprovalRequest,
    outcome: ApprovalOutcome,
    approver?: AuthorizationPrincipal,
    reason?: string,
  ): void => {
    const event: ApprovalResolvedEvent = {
      type: 'approval-resolved',
      at: clock.now(),
      id: request.id,
      agentId: request.agentId,
      runId: request.runId,
      toolCallId: request.toolCallId,
      toolName: request.toolName,
      action: request.action,
      resource: request.resource,
      principal: request.principal,
      outcome,
      ...(approver === undefined ? {} : { approver: describeApprover(approver) }),
      ...(reason === undefined ? {} : { reason }),
    };
    try {
      options.emit({ ...event });
    } catch {
      // The decision stands whether or not it could be told (this runs in abort listeners and
      // timers too, where a throw would be nobody's to catch).
    }
  };

  const waitForApproval = (context: ToolCallContext): Promise<void> => {
    const { toolName, signal } = context;
    if (closed) return Promise.reject(closedError(toolName, undefined));
    if (signal.aborted) return Promise.reject(endedError(toolName, undefined, signal.reason));
    const id = generateId();
    if (typeof id !== 'string' || id === '' || waiting.has(id)) {
      return Promise.reject(
        new AgentryError({
          code: 'internal',
          message: `generateId returned ${typeof id === 'string' && id !== '' ? `the id "${id}" of a request that still waits` : 'no usable id'}; the call of ${toolName} was not run.`,
          details: { tool: toolName },
          suggestions: ['Make generateId return a new non-empty string on every call.'],
        }),
      );
    }
    const requestedAt = clock.now();
    const request: ApprovalRequest = deepFreeze({
      id,
      agentId: context.agentId,
      runId: context.runId,
      toolCallId: context.toolCallId,
      toolName,
      action: context.access,
      resource: `tools:${toolName}`,
      principal: copyJson(context.principal),
      input: maskedInput(context, mask),
      requestedAt,
      ...(expiresAfterMs === undefined ? {} : { expiresAt: requestedAt + expiresAfterMs }),
    });

    return new Promise<void>((resolve, reject) => {
      let timer: unknown;
      const stopWaiting = () => {
        waiting.delete(id);
        signal.removeEventListener('abort', onAbort);
        if (timer !== undefined) clock.clearTimeout(timer);
      };
      const entry: Waiting = {
        request,
        requesterId: context.principal.id.normalize('NFC'),
        approve(approver) {
          stopWaiting();
          resolve();
          emitResolved(request, 'approved', approver);
        },
        refuse(error, outcome, approver, reason) {
          stopWaiting();
          // Core reads this when the tool's deadline has passed: the model then learns why the
          // call was refused rather than only that it took too long.
          context.output = { error: { code: error.code, message: error.message } };
          context.isError = true;
          reject(error);
          emitResolved(request, outcome, approver, reason ?? error.message);
        },
      };
      const onAbort = () => {
        const expired = isTimeout(signal.reason);
        entry.refuse(endedError(toolName, id, signal.reason), expired ? 'expired' : 'cancelled');
      };
      waiting.set(id, entry);
      signal.addEventListener('abort', onAbort, { once: true });
      if (expiresAfterMs !== undefined) {
        timer = clock.setTimeout(
          () => entry.refuse(windowError(toolName, id, expiresAfterMs), 'expired'),
          expiresAfterMs,
        );
      }
      try {
        const event: ApprovalRequestedEvent = {
          type: 'approval-requested',
          at: requestedAt,
          ...request,
        };
        options.emit({ ...event });
      } catch (error) {
        // Nobody was told, so nobody can approve: the call is refused at once.
        stopWaiting();
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  };

  const decide = async (
    id: unknown,
    approver: AuthorizationPrincipal,
    decision: 'approve' | 'deny',
    reason?: unknown,
  ): Promise<void> => {
    const verb = decision === 'approve' ? 'approve' : 'deny';
    if (typeof id !== 'string') {
      throw new AgentryError({
        code: 'validation_failed',
        message: `The id of the approval request to ${verb} must be a string, received ${describeValue(id)}.`,
        details: { path: ['id'] },
        suggestions: ['Pass the id of a request from pending() or an approval-requested event.'],
      });
    }
    checkApprover(approver, verb);
    if (reason !== undefined && typeof reason !== 'string') {
      throw new AgentryError({
        code: 'validation_failed',
        message: `The reason for denying approval request "${id}" must be a string, received ${describeValue(reason)}.`,
        details: { path: ['reason'], id },
        suggestions: ['Say in a sentence why the call is denied, or leave the reason out.'],
      });
    }
    const entry = waiting.get(id);
    if (entry === undefined) throw notFoundError(id, waiting.size);
    const { request } = entry;
    const approverId = approver.id.normalize('NFC');
    if (decision === 'approve' && !allowSelfApproval && approverId === entry.requesterId) {
      throw new AgentryError({
        code: 'permission_denied',
        message: `${approver.id} asked for the call of ${request.toolName} (approval request ${id}) and may not approve it themself; it still waits for another approver.`,
        details: { id, tool: request.toolName, approver: approver.id },
        suggestions: [
          'Have another person the policy allows approve it.',
          'To let requesters approve their own calls, create the approvals with allowSelfApproval: true.',
        ],
      });
    }
    const authorizer = options.authorizer();
    if (authorizer === undefined) {
      throw new AgentryError({
        code: 'permission_denied',
        message: `No authorizer is installed, so ${approver.id} cannot be checked and nobody may ${verb} approval request ${id}; the call still waits until it expires.`,
        details: { id, tool: request.toolName, approver: approver.id },
        suggestions: [
          'Install security() with security.accessControl.rbac set to true, or provide services.authorizer from a plug-in.',
        ],
      });
    }
    let verdict: AuthorizationDecision | undefined;
    try {
      verdict = await authorizer.authorize({
        principal: approver,
        // Deciding is its own grant: being allowed to call a tool is not being allowed to
        // approve other people's calls of it.
        action: 'update',
        resource: {
          type: 'approvals',
          id: request.toolName,
          attributes: { action: request.action, requestedBy: request.principal.id },
        },
        context: {
          operation: 'tool.approve',
          decision,
          approvalId: id,
          agentId: request.agentId,
          runId: request.runId,
          toolCallId: request.toolCallId,
          requestedBy: request.principal.id,
        },
      });
    } catch (error) {
      throw approverRefused(approver, request, verb, error);
    }
    if (verdict?.decision !== 'allow') throw approverRefused(approver, request, verb);
    // The request may have ended while the policy was asked.
    if (waiting.get(id) !== entry) throw notFoundError(id, waiting.size);
    if (decision === 'approve') {
      entry.approve(approver);
      return;
    }
    const given =
      reason === undefined || reason.trim() === '' ? undefined : maskedReason(reason, request);
    entry.refuse(
      new AgentryError({
        code: 'permission_denied',
        message: `${approver.id} denied the call of ${request.toolName} (${request.action} on ${request.resource})${given === undefined ? '.' : `: ${endSentence(given)}`} The tool was not run.`,
        details: {
          approvalId: id,
          tool: request.toolName,
          action: request.action,
          resource: request.resource,
          approver: approver.id,
        },
        suggestions: [
          'Do not call the tool again with the same arguments; tell the user it was denied and why.',
        ],
      }),
      'denied',
      approver,
      given,
    );
  };

  const maskedReason = (reason: string, request: ApprovalRequest): string => {
    try {
      return mask(reason.trim().slice(0, maxReasonLength), 'approval.reason', request);
    } catch {
      return '[withheld: the masker failed on this reason]';
    }
  };

  return {
    middleware: (context, next) =>
      context.destructive ? waitForApproval(context).then(() => next()) : next(),
    pending: () => [...waiting.values()].map((entry) => entry.request),
    approve: (id, approver) => decide(id, approver, 'approve'),
    deny: (id, approver, reason) => decide(id, approver, 'deny', reason),
    close() {
      if (closed) return;
      closed = true;
      for (const entry of [...waiting.values()]) {
        entry.refuse(closedError(entry.request.toolName, entry.request.id), 'cancelled');
      }
    },
  } satisfies { middleware: ToolMiddleware } & Approvals;
}

function maskedInput(
  context: ToolCallContext,
  mask: <T>(value: T, field: string, context: { agentId: string; runId: string }) => T,
): unknown {
  let shown: unknown;
  try {
    shown = mask(context.input, 'tool.input', context);
  } catch {
    // Never show what a failing masker could not clean.
    return '[withheld: the masker failed on this input]';
  }
  // A copy: whoever reads the request cannot change the input the tool will run with.
  return copyJson(shown);
}

/** A deep copy of a JSON-like value (validated tool input, a principal). */
function copyJson<T>(value: T): T {
  try {
    return structuredClone(value);
  } catch {
    return JSON.parse(JSON.stringify(value) ?? 'null') as T;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function describeApprover(approver: AuthorizationPrincipal): AuthorizationPrincipal {
  return {
    id: approver.id,
    ...(approver.kind === undefined ? {} : { kind: approver.kind }),
    ...(approver.roles === undefined ? {} : { roles: [...approver.roles] }),
  };
}

function checkApprover(
  approver: unknown,
  verb: string,
): asserts approver is AuthorizationPrincipal {
  const id = (approver as { id?: unknown } | null | undefined)?.id;
  if (typeof approver === 'object' && approver !== null && typeof id === 'string' && id.trim()) {
    return;
  }
  throw new AgentryError({
    code: 'validation_failed',
    message: `The approver must be a principal with a non-empty string id, such as { id: 'bob' }; received ${typeof approver === 'object' && approver !== null ? `an id of ${describeValue(id)}` : describeValue(approver)}.`,
    details: { path: ['approver', 'id'] },
    suggestions: [
      `Pass the identity of the person who decides to ${verb}, as your sign-in knows it.`,
    ],
  });
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return value.trim() === '' ? 'a blank string' : 'a string';
  return Array.isArray(value) ? 'an array' : typeof value;
}

/** The text as a sentence: a full stop added unless it already ends with one, `!` or `?`. */
function endSentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function isTimeout(reason: unknown): boolean {
  return AgentryError.isInstance(reason) && reason.code === 'timeout';
}

function approverRefused(
  approver: AuthorizationPrincipal,
  request: ApprovalRequest,
  verb: string,
  cause?: unknown,
): AgentryError {
  return new AgentryError({
    code: 'permission_denied',
    message: `${approver.id} may not ${verb} ${request.action} on ${request.resource} (approval request ${request.id}: ${approver.id} is not allowed update on approvals:${request.toolName}); the call still waits.`,
    details: {
      id: request.id,
      action: request.action,
      resource: request.resource,
      approver: approver.id,
    },
    suggestions: [
      `Have someone the policy allows update on approvals:${request.toolName} decide it.`,
      `Or grant the approver a role allowed update on approvals:${request.toolName}.`,
    ],
    ...(cause === undefined ? {} : { cause }),
  });
}

function notFoundError(id: string, waitingCount: number): AgentryError {
  return new AgentryError({
    code: 'not_found',
    message: `No approval request "${id}" is waiting: it was already approved, denied or expired, or it never existed (${waitingCount} waiting now).`,
    details: { id },
    suggestions: ['List the requests that wait with pending(); each has its id.'],
  });
}

function endedError(tool: string, id: string | undefined, reason: unknown): AgentryError {
  const request = id === undefined ? '' : ` (approval request ${id})`;
  if (isTimeout(reason)) {
    const timeoutMs = (reason as AgentryError).details['timeoutMs'];
    const within = typeof timeoutMs === 'number' ? ` of ${timeoutMs} ms` : '';
    return new AgentryError({
      code: 'approval_required',
      message: `No approval arrived for the call of ${tool}${request} within the tool's timeout${within}; the tool was not run. The wait for an approval counts against the tool's timeout: raise it (defineTool({ timeout }) or the agent's toolTimeout) to give approvers more time.`,
      details: { tool, ...(id === undefined ? {} : { id }), timeoutMs },
      suggestions: [
        "Raise the tool's timeout (or the agent's toolTimeout) to cover the time an approver needs.",
        'Tell the user the call needs an approval, and try again once someone is there to give it.',
      ],
      cause: reason,
    });
  }
  return new AgentryError({
    code: 'approval_required',
    message: `The turn was aborted while the call of ${tool}${request} waited for an approval; the tool was not run.`,
    details: { tool, ...(id === undefined ? {} : { id }) },
    suggestions: ['Send the turn again when an approver is available.'],
    cause: reason,
  });
}

function windowError(tool: string, id: string, expiresAfterMs: number): AgentryError {
  return new AgentryError({
    code: 'approval_required',
    message: `No approval arrived for the call of ${tool} (approval request ${id}) within ${expiresAfterMs} ms; the tool was not run. Raise expiresAfterMs (and the tool's timeout) to give approvers more time.`,
    details: { tool, id, expiresAfterMs },
    suggestions: [
      'Raise expiresAfterMs, and the tool’s timeout with it, to cover the time an approver needs.',
      'Tell the user the call needs an approval, and try again once someone is there to give it.',
    ],
  });
}

function closedError(tool: string, id: string | undefined): AgentryError {
  return new AgentryError({
    code: 'approval_required',
    message: `Approvals are closed (the instance is shutting down), so the call of ${tool}${id === undefined ? '' : ` (approval request ${id})`} cannot be approved; the tool was not run.`,
    details: { tool, ...(id === undefined ? {} : { id }) },
    suggestions: ['Send the turn again to a running instance.'],
  });
}
