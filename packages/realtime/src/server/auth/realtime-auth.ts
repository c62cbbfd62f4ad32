import type { IncomingMessage } from 'node:http';
import {
  AgentryError,
  toAgentryError,
  type AuthorizationRequest,
  type Authorizer,
  type RealtimeLog,
} from '@agentry/core';
import {
  channelMatches,
  isTicket,
  resolveTicketSecret,
  signTicket,
  verifyTicket,
  type RealtimePrincipal,
  type RealtimeTicketRequest,
} from './realtime-ticket.js';

/**
 * What a realtime request does to a channel. The `Authorizer` is asked in core's convention: the
 * operation goes in `context.operation`, and the action is the specification's verb for it
 * (`channel.read` → `read`, `channel.create` → `create`, `channel.append` → `update`,
 * `channel.delete` → `delete`, `run.cancel` → `update`) on the resource `channels:<name>`.
 *
 * @example
 * ```ts
 * import type { RealtimeAction } from '@agentry/realtime/server';
 *
 * const action: RealtimeAction = 'channel.read';
 * console.log(action);
 * ```
 */
export type RealtimeAction =
  'channel.read' | 'channel.append' | 'channel.create' | 'channel.delete' | 'run.cancel';

/**
 * Options of {@link createRealtimeAuth}.
 *
 * @example
 * ```ts
 * import { createMemoryRealtimeLog } from '@agentry/realtime';
 * import { createRealtimeAuth, type RealtimeAuthOptions } from '@agentry/realtime/server';
 *
 * const options: RealtimeAuthOptions = {
 *   log: createMemoryRealtimeLog(),
 *   verifyToken: async (token) => (token === process.env.SERVICE_TOKEN ? { id: 'billing', channels: ['run/**'] } : undefined),
 * };
 * const auth = createRealtimeAuth(options);
 * console.log(typeof auth.authenticate);
 * ```
 */
export interface RealtimeAuthOptions {
  /** The log, to read a channel's labels (its owner `userId`, tenant...) for decisions. */
  readonly log: RealtimeLog;
  /**
   * `'required'` (the default): every request carries a bearer token or a ticket. `'none'`: no
   * credential, every request allowed — only for a server bound to a loopback address (requests
   * from elsewhere are refused), for local development and tests.
   */
  readonly mode?: 'required' | 'none';
  /** The key tickets are signed with, at least 32 bytes; generated (valid for this process only) when absent. */
  readonly ticketSecret?: Uint8Array;
  /** Checks a bearer token that is not a ticket: the principal it stands for, or `undefined` to refuse it. */
  readonly verifyToken?: (token: string) => Promise<RealtimePrincipal | undefined>;
  /** The installed `Authorizer` (asked on every call, so one provided later is used). */
  readonly authorizer?: () => Authorizer | undefined;
  /** The clock (milliseconds since the epoch), for ticket expiry. */
  readonly now?: () => number;
}

/**
 * Authentication and per-channel authorization for the realtime server's transports.
 *
 * @example
 * ```ts
 * import type { RealtimeAuth } from '@agentry/realtime/server';
 *
 * declare const auth: RealtimeAuth;
 * const ticket = auth.issueTicket({ userId: 'user-42', channels: ['run/r-1'], ttl: 60_000 });
 * console.log(ticket.length > 0);
 * ```
 */
export interface RealtimeAuth {
  /** `'required'` or `'none'` (loopback only). */
  readonly mode: 'required' | 'none';
  /**
   * Authenticates a request from `Authorization: Bearer …` or a `?ticket=` query parameter.
   *
   * @throws AgentryError `unauthenticated`: no credential, an unknown token, or a malformed,
   *   forged or expired ticket (each with its own message)
   */
  authenticate(request: IncomingMessage): Promise<RealtimePrincipal>;
  /**
   * Decides whether a principal may act on a channel: through the `Authorizer` when one is
   * installed, else by the principal's channel patterns; a channel labelled with another user's
   * `userId` is always refused then. Deny by default.
   *
   * @throws AgentryError `permission_denied` naming the action and the channel
   */
  authorize(principal: RealtimePrincipal, action: RealtimeAction, channel: string): Promise<void>;
  /** Signs a ticket for browsers that cannot set headers on WebSocket or EventSource. */
  issueTicket(request: RealtimeTicketRequest): string;
}

/**
 * The specification's action each realtime operation is authorized as (see `AuthorizationRequest`
 * in `@agentry/core`).
 */
const accessActions: Readonly<Record<RealtimeAction, 'read' | 'create' | 'update' | 'delete'>> =
  Object.freeze({
    'channel.read': 'read',
    'channel.create': 'create',
    'channel.append': 'update',
    'channel.delete': 'delete',
    'run.cancel': 'update',
  });

/**
 * The `AuthorizationRequest` for a realtime operation on a channel: the operation's verb on
 * `channels:<name>`, with the channel's stored labels as attributes (and `owner`, the labels'
 * `userId`, unless the labels name an owner themselves).
 *
 * @internal
 */
export function channelRequest(
  principal: RealtimePrincipal,
  action: RealtimeAction,
  channel: string,
  labels: Readonly<Record<string, string>>,
): AuthorizationRequest {
  const attributes: Record<string, unknown> = { ...labels };
  if (typeof labels.userId === 'string' && !Object.hasOwn(labels, 'owner'))
    attributes.owner = labels.userId;
  return {
    principal: {
      id: principal.id,
      ...(principal.kind === undefined ? {} : { kind: principal.kind }),
      ...(principal.roles === undefined ? {} : { roles: principal.roles }),
      ...(principal.attributes === undefined ? {} : { attributes: principal.attributes }),
    },
    action: Object.hasOwn(accessActions, action) ? accessActions[action] : action,
    resource: { type: 'channels', id: channel, attributes },
    context: { operation: action },
  };
}

/** The principal of `mode: 'none'`. */
const anonymous: RealtimePrincipal = Object.freeze({ id: 'anonymous' });

/**
 * Tells whether an address is the loopback interface.
 *
 * @internal
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  return (
    address === '::1' ||
    address.startsWith('127.') ||
    address.startsWith('::ffff:127.') ||
    address === 'localhost'
  );
}

function credentialOf(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match) return match[1];
  }
  const query = request.url?.indexOf('?') ?? -1;
  if (query >= 0) {
    const ticket = new URLSearchParams(request.url!.slice(query + 1)).get('ticket');
    if (ticket !== null && ticket.length > 0) return ticket;
  }
  return undefined;
}

function denied(
  principal: RealtimePrincipal,
  action: RealtimeAction,
  channel: string,
  reasons: readonly string[],
  cause?: unknown,
): AgentryError {
  return new AgentryError({
    code: 'permission_denied',
    message: `${principal.id} may not ${action} on channel ${JSON.stringify(channel)}${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}.`,
    details: { action, channel, principal: principal.id, reasons: [...reasons] },
    suggestions: [
      'Issue a ticket that lists this channel, or grant the action in the authorization policy.',
    ],
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Asks the `Authorizer` and refuses unless it allows. A refusal names the action and the channel
 * but none of the policy's reasons or ids (the authorizer's decision event carries those); an
 * authorizer that throws refuses too, keeping its own `permission_denied`.
 */
async function askAuthorizer(
  authorizer: Authorizer,
  principal: RealtimePrincipal,
  action: RealtimeAction,
  channel: string,
  labels: Readonly<Record<string, string>>,
): Promise<void> {
  let decision: Awaited<ReturnType<Authorizer['authorize']>>;
  try {
    decision = await authorizer.authorize(channelRequest(principal, action, channel, labels));
  } catch (error) {
    const cause = toAgentryError(error);
    if (cause.code === 'permission_denied') throw cause;
    throw denied(principal, action, channel, ['the authorizer could not decide'], cause);
  }
  if (decision?.decision !== 'allow')
    throw denied(principal, action, channel, ['the authorization policy does not allow it']);
}

/**
 * Creates the realtime server's authentication and authorization: bearer tokens checked by
 * `verifyToken`, signed expiring tickets (HMAC-SHA256), and per-channel decisions through the
 * `Authorizer` or the principal's channels.
 *
 * @throws AgentryError `config_invalid` for a `ticketSecret` shorter than 32 bytes
 *
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * import { createMemoryRealtimeLog } from '@agentry/realtime';
 * import { createRealtimeAuth } from '@agentry/realtime/server';
 *
 * const auth = createRealtimeAuth({ log: createMemoryRealtimeLog(), ticketSecret: randomBytes(32) });
 * const ticket = auth.issueTicket({ userId: 'user-42', channels: ['run/*'], ttl: 60_000 });
 * console.log(new URL(`https://example.com/realtime/streams/run/r-1?offset=-1&ticket=${ticket}`).pathname);
 * ```
 */
export function createRealtimeAuth(options: RealtimeAuthOptions): RealtimeAuth {
  const secret = resolveTicketSecret(options.ticketSecret);
  const now = options.now ?? Date.now;
  const mode = options.mode ?? 'required';
  if (mode !== 'required' && mode !== 'none') {
    throw new AgentryError({
      code: 'config_invalid',
      message: `auth must be 'required' or 'none'; received ${JSON.stringify(mode)}.`,
      details: { path: 'auth', value: mode },
      suggestions: ["Use 'required' (the default) with verifyToken or tickets."],
    });
  }

  return {
    mode,
    async authenticate(request) {
      if (mode === 'none') {
        if (!isLoopbackAddress(request.socket.remoteAddress)) {
          throw new AgentryError({
            code: 'unauthenticated',
            message:
              "This realtime server runs with auth: 'none', which only serves loopback clients.",
            details: { reason: 'not_loopback' },
            suggestions: [
              "Configure verifyToken or tickets and leave auth at 'required' for remote clients.",
            ],
          });
        }
        return anonymous;
      }
      const credential = credentialOf(request);
      if (credential === undefined) {
        throw new AgentryError({
          code: 'unauthenticated',
          message:
            'No credential: send Authorization: Bearer <token>, or ?ticket=<ticket> where headers cannot be set.',
          details: { reason: 'missing' },
          suggestions: [
            'Get a ticket from the application (server.issueTicket) and pass it as ?ticket=.',
          ],
        });
      }
      if (isTicket(credential)) return verifyTicket(secret, credential, now());
      const principal = options.verifyToken ? await options.verifyToken(credential) : undefined;
      if (principal === undefined) {
        throw new AgentryError({
          code: 'unauthenticated',
          message: options.verifyToken
            ? 'The bearer token was refused.'
            : 'The bearer token is not a realtime ticket, and no verifyToken is configured to check other tokens.',
          details: { reason: 'token_refused' },
          suggestions: ['Sign in again, or use a ticket from server.issueTicket.'],
        });
      }
      return principal;
    },
    async authorize(principal, action, channel) {
      if (mode === 'none') return;
      const info = await options.log.info(channel);
      const labels = info?.options.labels ?? {};
      const authorizer = options.authorizer?.();
      if (authorizer) return askAuthorizer(authorizer, principal, action, channel, labels);
      const owner = labels.userId;
      if (owner !== undefined && owner !== principal.id) {
        throw denied(principal, action, channel, ['the channel belongs to another user']);
      }
      if (!channelMatches(principal.channels, channel)) {
        throw denied(principal, action, channel, ['the credential does not list this channel']);
      }
    },
    issueTicket: (request) => signTicket(secret, request, now()),
  };
}
