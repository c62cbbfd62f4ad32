import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AgentryError, assertChannelName } from '@agentry/core';

/** Tickets start with this, so a bearer credential is told apart from an application's own token. */
const ticketPrefix = 'rtk1.';
/** The shortest secret accepted: HMAC-SHA256 gains nothing from a longer key than its block size, and loses from a shorter one than 32 bytes. */
const minimumSecretBytes = 32;
/** The longest life a ticket may be given (a day): tickets travel in URLs, so they should be short-lived. */
const maximumTicketTtlMs = 86_400_000;

/**
 * What a ticket grants, as `server.issueTicket` takes it.
 *
 * @example
 * ```ts
 * import { createMemoryRealtimeLog } from '@agentry/realtime';
 * import { createRealtimeServer, type RealtimeTicketRequest } from '@agentry/realtime/server';
 *
 * const server = createRealtimeServer({ log: createMemoryRealtimeLog() });
 * const request: RealtimeTicketRequest = { userId: 'user-42', channels: ['run/r-1', 'user/user-42/*'], ttl: 60_000 };
 * console.log(server.issueTicket(request).startsWith('rtk1.'));
 * ```
 */
export interface RealtimeTicketRequest {
  /** The user the ticket speaks for; becomes the principal's id. */
  readonly userId: string;
  /**
   * The channels it may use: exact names, `prefix/*` (exactly one more segment: `run/*` covers
   * `run/r-1`, not `run/r-1/x`) or `prefix/**` (one or more segments). Nothing else is granted.
   */
  readonly channels: readonly string[];
  /** How long it is valid, in milliseconds (at most a day). */
  readonly ttl: number;
  /** The user's roles, passed to the `Authorizer` when one is installed. */
  readonly roles?: readonly string[];
}

/**
 * Who a request acts for, once authenticated: from a bearer token (`verifyToken`) or a ticket.
 *
 * @example
 * ```ts
 * import type { RealtimePrincipal } from '@agentry/realtime/server';
 *
 * const principal: RealtimePrincipal = { id: 'user-42', roles: ['viewer'], channels: ['run/*'], expiresAt: Date.now() + 60_000 };
 * console.log(principal.id);
 * ```
 */
export interface RealtimePrincipal {
  /** The user, agent or service id. */
  readonly id: string;
  /** What it is, for the `Authorizer` (`user` when left out). */
  readonly kind?: 'user' | 'service' | 'agent';
  /** Roles, for the `Authorizer`. */
  readonly roles?: readonly string[];
  /** Its other attributes (a tenant, a department), for the `Authorizer`'s attribute rules. */
  readonly attributes?: Readonly<Record<string, unknown>>;
  /**
   * The channels it may use when no `Authorizer` is installed (a ticket's, or what `verifyToken`
   * returned): exact names, `prefix/*` or `prefix/**`. Absent or empty: none.
   */
  readonly channels?: readonly string[];
  /** When its credential expires (milliseconds since the epoch); a WebSocket is closed then. */
  readonly expiresAt?: number;
}

/** @internal The payload signed into a ticket, with short keys to keep URLs short. */
interface TicketPayload {
  readonly u: string;
  readonly c: readonly string[];
  readonly e: number;
  readonly r?: readonly string[];
}

function unauthenticated(message: string, reason: string): AgentryError {
  return new AgentryError({
    code: 'unauthenticated',
    message,
    details: { reason },
    suggestions: ['Ask the application for a new ticket (server.issueTicket) and connect again.'],
  });
}

/**
 * Checks a configured ticket secret, or makes one when none is given.
 *
 * @internal
 */
export function resolveTicketSecret(secret: Uint8Array | undefined): Uint8Array {
  if (secret === undefined) return new Uint8Array(randomBytes(minimumSecretBytes));
  if (!(secret instanceof Uint8Array) || secret.byteLength < minimumSecretBytes) {
    throw new AgentryError({
      code: 'config_invalid',
      message: `ticketSecret must be a Uint8Array of at least ${minimumSecretBytes} bytes; the one given has ${secret instanceof Uint8Array ? secret.byteLength : 0}.`,
      details: { path: 'ticketSecret', minimumBytes: minimumSecretBytes },
      suggestions: [
        'Generate one with crypto.randomBytes(32) and keep it in a secret store, shared by every server process.',
        'Leave ticketSecret out to have one generated; tickets then only work on this process.',
      ],
    });
  }
  return secret;
}

/** Checks a channel pattern of a ticket: a channel name, or one ending in `/*` or `/**`. @internal */
export function assertChannelPattern(pattern: string, path: string): void {
  const base = pattern.endsWith('/**')
    ? pattern.slice(0, -3)
    : pattern.endsWith('/*')
      ? pattern.slice(0, -2)
      : pattern;
  try {
    assertChannelName(base);
  } catch (error) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `${path} ${JSON.stringify(pattern)} is not a channel name, nor one followed by /* or /**.`,
      details: { path, value: pattern },
      suggestions: [
        'Grant exact channels (run/r-1), one level under a prefix (run/*) or any depth (user/u-1/**).',
      ],
      cause: error,
    });
  }
}

/**
 * Tells whether a channel is covered by a principal's patterns: an exact name, `prefix/*` for
 * exactly one more segment, `prefix/**` for one or more. Nothing matches an empty list.
 *
 * @internal
 */
export function channelMatches(patterns: readonly string[] | undefined, channel: string): boolean {
  if (patterns === undefined) return false;
  for (const pattern of patterns) {
    if (pattern === channel) return true;
    if (pattern.endsWith('/**')) {
      const prefix = pattern.slice(0, -2);
      if (channel.startsWith(prefix) && channel.length > prefix.length) return true;
    } else if (pattern.endsWith('/*')) {
      const prefix = pattern.slice(0, -1);
      if (
        channel.startsWith(prefix) &&
        channel.length > prefix.length &&
        !channel.slice(prefix.length).includes('/')
      )
        return true;
    }
  }
  return false;
}

function sign(secret: Uint8Array, text: string): Buffer {
  return createHmac('sha256', secret).update(text).digest();
}

/**
 * Signs a ticket: `rtk1.<base64url payload>.<base64url HMAC-SHA256>`.
 *
 * @internal
 */
export function signTicket(
  secret: Uint8Array,
  request: RealtimeTicketRequest,
  now: number,
): string {
  if (
    typeof request.userId !== 'string' ||
    request.userId.length === 0 ||
    request.userId.length > 256
  ) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `issueTicket: userId must be a non-empty string of at most 256 characters.`,
      details: { path: 'userId' },
      suggestions: ['Pass the id of the signed-in user.'],
    });
  }
  if (!Number.isInteger(request.ttl) || request.ttl <= 0 || request.ttl > maximumTicketTtlMs) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `issueTicket: ttl must be a whole number of milliseconds from 1 to ${maximumTicketTtlMs}; received ${String(request.ttl)}.`,
      details: { path: 'ttl', value: request.ttl, maximum: maximumTicketTtlMs },
      suggestions: ['Issue short-lived tickets (a minute or so) and issue a new one to reconnect.'],
    });
  }
  const channels: readonly string[] = request.channels;
  if (!Array.isArray(request.channels)) {
    throw new AgentryError({
      code: 'validation_failed',
      message: 'issueTicket: channels must be an array of channel names or patterns.',
      details: { path: 'channels' },
      suggestions: ["Pass the channels the user may follow, such as ['run/r-1']."],
    });
  }
  channels.forEach((pattern, index) =>
    assertChannelPattern(pattern, `issueTicket: channels[${index}]`),
  );
  const payload: TicketPayload = {
    u: request.userId,
    c: [...channels],
    e: now + request.ttl,
    ...(request.roles && request.roles.length > 0 ? { r: [...request.roles] } : {}),
  };
  const body = `${ticketPrefix}${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${body}.${sign(secret, body).toString('base64url')}`;
}

/** Tells whether a credential is shaped like a ticket (not whether it is valid). @internal */
export function isTicket(credential: string): boolean {
  return credential.startsWith(ticketPrefix);
}

/**
 * Verifies a ticket's signature and expiry and returns its principal.
 *
 * @throws AgentryError `unauthenticated`: malformed, forged (bad signature) or expired, each with
 *   its own message; never the secret or the expected signature
 * @internal
 */
export function verifyTicket(secret: Uint8Array, ticket: string, now: number): RealtimePrincipal {
  const dot = ticket.lastIndexOf('.');
  if (!isTicket(ticket) || dot <= ticketPrefix.length) {
    throw unauthenticated(
      'The realtime ticket is malformed: it is not rtk1.<payload>.<signature>.',
      'malformed',
    );
  }
  const body = ticket.slice(0, dot);
  const given = Buffer.from(ticket.slice(dot + 1), 'base64url');
  const expected = sign(secret, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw unauthenticated(
      'The realtime ticket signature does not match: it was not issued by this server, or was altered.',
      'forged',
    );
  }
  let payload: TicketPayload;
  try {
    payload = JSON.parse(
      Buffer.from(body.slice(ticketPrefix.length), 'base64url').toString('utf8'),
    ) as TicketPayload;
  } catch {
    throw unauthenticated(
      'The realtime ticket is malformed: its payload is not JSON.',
      'malformed',
    );
  }
  if (typeof payload.u !== 'string' || !Array.isArray(payload.c) || typeof payload.e !== 'number') {
    throw unauthenticated(
      'The realtime ticket is malformed: its payload lacks a user, channels or an expiry.',
      'malformed',
    );
  }
  if (payload.e <= now) {
    throw unauthenticated(
      `The realtime ticket expired at ${new Date(payload.e).toISOString()}.`,
      'expired',
    );
  }
  return {
    id: payload.u,
    channels: payload.c,
    expiresAt: payload.e,
    ...(payload.r ? { roles: payload.r } : {}),
  };
}
