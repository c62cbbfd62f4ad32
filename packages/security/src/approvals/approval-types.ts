import type {
  AccessAction,
  AuthorizationPrincipal,
  Authorizer,
  Clock,
  Masker,
  PluginEvent,
  ToolMiddleware,
} from '@agentry/core';

/**
 * One call of a destructive tool waiting for a person to approve or deny it, as
 * `Approvals.pending()` lists it and the `approval-requested` event carries it.
 *
 * The request holds no secret: `input` is the call's validated input as the masker returned it
 * for an event (or the input itself when no masker is installed), so show it to approvers as is.
 *
 * @example
 * ```ts
 * import type { ApprovalRequest } from '@agentry/security';
 *
 * const describe = (request: ApprovalRequest) =>
 *   `${request.principal.id} wants to ${request.action} ${request.resource} (${JSON.stringify(request.input)})`;
 * const request: ApprovalRequest = {
 *   id: 'apr-1',
 *   agentId: 'support-bot',
 *   runId: 'run-1',
 *   toolCallId: 'call-1',
 *   toolName: 'delete_order',
 *   action: 'delete',
 *   resource: 'tools:delete_order',
 *   principal: { id: 'alice', kind: 'user' },
 *   input: { orderId: 'o-42' },
 *   requestedAt: Date.now(),
 * };
 * console.log(describe(request));
 * ```
 */
export interface ApprovalRequest {
  /** The request's id, given to `approve` and `deny`. */
  readonly id: string;
  /** The agent whose tool call waits. */
  readonly agentId: string;
  /** The agent run the call belongs to. */
  readonly runId: string;
  /** The tool call's id. */
  readonly toolCallId: string;
  /** The tool's name. */
  readonly toolName: string;
  /** What the call does: the tool's `access` (`delete` unless the tool says otherwise). */
  readonly action: AccessAction;
  /** The typed path of the tool, `tools:<name>`. */
  readonly resource: string;
  /** Who the agent acts for: the requester, who may not approve the call themself. */
  readonly principal: AuthorizationPrincipal;
  /** The call's input, masked for an event when a masker is installed. */
  readonly input: unknown;
  /** When the call started waiting, in epoch milliseconds. */
  readonly requestedAt: number;
  /**
   * When the wait ends without an approval, in epoch milliseconds, when `expiresAfterMs` is set.
   * Otherwise the tool's own timeout (`defineTool({ timeout })`, else the agent's `toolTimeout`)
   * ends it, and the request does not know when.
   */
  readonly expiresAt?: number;
}

/**
 * How a request ended, as the `approval-resolved` event says: `approved` and `denied` by an
 * approver, `expired` when its wait ran out (the tool's timeout or `expiresAfterMs`), `cancelled`
 * when the turn was aborted or the approvals were closed.
 *
 * @example
 * ```ts
 * import type { ApprovalOutcome } from '@agentry/security';
 *
 * const ran = (outcome: ApprovalOutcome) => outcome === 'approved';
 * console.log(ran('denied'));
 * ```
 */
export type ApprovalOutcome = 'approved' | 'denied' | 'expired' | 'cancelled';

/**
 * The plug-in event emitted when a destructive tool call starts waiting: the request itself,
 * with `type` and `at`.
 *
 * @example
 * ```ts
 * import type { Agentry } from '@agentry/core';
 * import { isApprovalRequested, type ApprovalRequestedEvent } from '@agentry/security';
 *
 * declare const agentry: Agentry;
 * const announce = (request: ApprovalRequestedEvent) =>
 *   console.log(`${request.principal.id} asks to run ${request.toolName}: approve ${request.id}?`);
 * // Tells the on-call channel about every call that waits for approval.
 * agentry.events$.subscribe(({ event }) => {
 *   if (isApprovalRequested(event)) announce(event);
 * });
 * ```
 */
export interface ApprovalRequestedEvent extends ApprovalRequest {
  /** Discriminant. */
  readonly type: 'approval-requested';
  /** When, in epoch milliseconds (the same as `requestedAt`). */
  readonly at: number;
}

/**
 * The plug-in event emitted when a request ends, however it ends.
 *
 * @example
 * ```ts
 * import type { Agentry } from '@agentry/core';
 * import { isApprovalResolved, type ApprovalResolvedEvent } from '@agentry/security';
 *
 * declare const agentry: Agentry;
 * const record = (resolved: ApprovalResolvedEvent) =>
 *   console.log(`${resolved.toolName}: ${resolved.outcome} by ${resolved.approver?.id ?? 'nobody'}`);
 * agentry.events$.subscribe(({ event }) => {
 *   if (isApprovalResolved(event)) record(event);
 * });
 * ```
 */
export interface ApprovalResolvedEvent {
  /** Discriminant. */
  readonly type: 'approval-resolved';
  /** When, in epoch milliseconds. */
  readonly at: number;
  /** The request's id. */
  readonly id: string;
  /** The agent whose tool call waited. */
  readonly agentId: string;
  /** The agent run the call belongs to. */
  readonly runId: string;
  /** The tool call's id. */
  readonly toolCallId: string;
  /** The tool's name. */
  readonly toolName: string;
  /** What the call does. */
  readonly action: AccessAction;
  /** The typed path of the tool, `tools:<name>`. */
  readonly resource: string;
  /** Who the agent acted for. */
  readonly principal: AuthorizationPrincipal;
  /** How the request ended. */
  readonly outcome: ApprovalOutcome;
  /** Who approved or denied it (for `approved` and `denied`). */
  readonly approver?: AuthorizationPrincipal;
  /** Why: the denier's reason, or why the wait ended (masked for an event when a masker is installed). */
  readonly reason?: string;
}

/**
 * Options of {@link createApprovals}.
 *
 * @example
 * ```ts
 * import { services, type PluginHost } from '@agentry/core';
 * import type { ApprovalsOptions } from '@agentry/security';
 *
 * declare const host: PluginHost;
 * const options: ApprovalsOptions = {
 *   authorizer: () => host.lookup(services.authorizer),
 *   masker: () => host.lookup(services.masker),
 *   emit: (event) => host.emit(event),
 *   expiresAfterMs: 10 * 60_000,
 * };
 * ```
 */
export interface ApprovalsOptions {
  /**
   * The policy that checks each approver, looked up at each `approve` and `deny` (so a provider
   * installed later is seen). When it returns `undefined`, every `approve` and `deny` is refused
   * with `permission_denied`: nobody can be checked, so nobody may decide, and calls of
   * destructive tools wait until they expire.
   */
  authorizer: () => Authorizer | undefined;
  /** Publishes the `approval-requested` and `approval-resolved` events (`host.emit`). */
  emit: (event: PluginEvent) => void;
  /**
   * The masker a request's input and a denial's reason go through (purpose `event`) before they
   * are stored or emitted; looked up at each request. Without one, they are kept as given.
   */
  masker?: () => Masker | undefined;
  /** Reads the time (`now()` is epoch milliseconds) and runs `expiresAfterMs`. Default: the system clock. */
  clock?: Clock;
  /**
   * Whether the principal a call is made for may approve it themself. Default `false`: an
   * approval needs a second person. (Denying one's own call is always allowed to whoever the
   * policy allows.)
   */
  allowSelfApproval?: boolean;
  /**
   * How long a request waits at most, in milliseconds, before it is refused with
   * `approval_required`, when that is shorter than the tool's timeout; sets `expiresAt`. Default:
   * only the tool's timeout bounds the wait.
   */
  expiresAfterMs?: number;
  /** Makes request ids. Default: a random UUID. */
  generateId?: () => string;
}

/**
 * The approval step of destructive tools, made by {@link createApprovals}: a tool middleware that
 * holds every call of a destructive tool until a person approves it, and the methods to list,
 * approve and deny the calls that wait.
 *
 * Requests live in this process's memory: a request is lost (and its call refused) when the
 * process stops, and an approver must reach the process that holds the call.
 *
 * @example
 * ```ts
 * import type { Approvals } from '@agentry/security';
 *
 * declare const approvals: Approvals;
 * // A reviewer approves the oldest waiting call.
 * const [oldest] = approvals.pending();
 * if (oldest) await approvals.approve(oldest.id, { id: 'bob', kind: 'user', roles: ['reviewer'] });
 * ```
 */
export interface Approvals {
  /**
   * The tool middleware: lets calls of tools that are not destructive through untouched, and holds
   * each call of a destructive tool until it is approved (the tool runs), denied (refused with
   * `permission_denied`; the tool never runs), or its wait ends (refused with
   * `approval_required`).
   */
  readonly middleware: ToolMiddleware;
  /** The requests waiting now, oldest first (copies: changing them changes nothing). */
  pending(): ApprovalRequest[];
  /**
   * Approves a waiting call once the policy allows `approver` to: the call proceeds and the tool
   * runs. Resolves once the approval is recorded, not when the tool finishes.
   *
   * @throws AgentryError `not_found` when no request with that id waits (never made, or already
   *   approved, denied or expired); `permission_denied` when no authorizer is installed, the policy
   *   denies the approver, or the approver is the requester (unless `allowSelfApproval`); the
   *   request then still waits. `validation_failed` when `approver` has no non-empty string `id`.
   */
  approve(id: string, approver: AuthorizationPrincipal): Promise<void>;
  /**
   * Denies a waiting call once the policy allows `approver` to decide it: the call is refused
   * with `permission_denied` and the tool never runs; the model receives the refusal.
   *
   * @throws AgentryError as {@link Approvals.approve} does (self-denial excepted: a requester the
   *   policy allows may deny their own call)
   */
  deny(id: string, approver: AuthorizationPrincipal, reason?: string): Promise<void>;
  /**
   * Refuses every waiting call with `approval_required` and every later one at once (use it at
   * shutdown). Calling it again does nothing.
   */
  close(): void;
}
