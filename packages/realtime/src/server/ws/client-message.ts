import {
  AgentryError,
  REALTIME_NOW,
  REALTIME_START,
  assertChannelName,
  parseRealtimeOffset,
} from '@agentry/core';

import { realtimeCloseCodes, type RealtimeClientMessage } from '../../protocol.js';

/**
 * What a client's text frame asks for: a message to act on, a request to refuse with an `error`
 * message (the connection goes on), or a protocol violation that closes the connection.
 *
 * @internal
 */
export type ParsedClientMessage =
  | { readonly kind: 'message'; readonly message: RealtimeClientMessage }
  | { readonly kind: 'refuse'; readonly channel?: string; readonly error: AgentryError }
  | { readonly kind: 'close'; readonly code: number; readonly error: AgentryError };

const maxReasonLength = 1_000;

function violation(code: number, message: string, suggestion: string): ParsedClientMessage {
  return {
    kind: 'close',
    code,
    error: new AgentryError({
      code: 'invalid_request',
      message,
      suggestions: [suggestion],
    }),
  };
}

function refuse(channel: string | undefined, message: string, details: Record<string, unknown>) {
  return {
    kind: 'refuse',
    ...(channel === undefined ? {} : { channel }),
    error: new AgentryError({
      code: 'validation_failed',
      message,
      details,
      suggestions: [
        'Send an offset the server sent (or -1 for the start, now for the tail) and a channel name of letters, digits, . _ ~ : @ - and /.',
      ],
    }),
  } satisfies ParsedClientMessage;
}

/**
 * Parses and checks one text frame from a client.
 *
 * @internal
 */
export function parseClientMessage(text: string): ParsedClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return violation(
      realtimeCloseCodes.invalidPayload,
      `A WebSocket message was not JSON (${text.length} characters starting ${JSON.stringify(text.slice(0, 40))}).`,
      'Send each message as one JSON object text frame.',
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return violation(
      realtimeCloseCodes.policyViolation,
      'A WebSocket message was JSON but not an object.',
      'Send {"type":"subscribe","channel":"…","offset":"-1"} and the like.',
    );
  }
  const record = value as Record<string, unknown>;
  const type = record.type;
  if (type !== 'subscribe' && type !== 'unsubscribe' && type !== 'cancel') {
    return violation(
      realtimeCloseCodes.policyViolation,
      `Unknown WebSocket message type ${JSON.stringify(type)?.slice(0, 60) ?? 'undefined'}; expected subscribe, unsubscribe or cancel.`,
      'Send only the message types of the agentry.realtime.v1 protocol.',
    );
  }
  const channel = record.channel;
  try {
    assertChannelName(channel);
  } catch (error) {
    return {
      kind: 'refuse',
      error: AgentryError.isInstance(error)
        ? error
        : new AgentryError({ code: 'validation_failed', message: String(error) }),
    };
  }
  switch (type) {
    case 'subscribe': {
      const offset = record.offset ?? REALTIME_START;
      if (
        typeof offset !== 'string' ||
        (offset !== REALTIME_START &&
          offset !== REALTIME_NOW &&
          parseRealtimeOffset(offset) === undefined)
      ) {
        return refuse(
          channel,
          `Subscribe to ${channel}: offset ${JSON.stringify(offset)?.slice(0, 60) ?? 'undefined'} is not an offset (<12 hex digits>_<16 digits>, -1 or now).`,
          {
            path: 'offset',
            value: typeof offset === 'string' ? offset.slice(0, 60) : typeof offset,
          },
        );
      }
      return { kind: 'message', message: { type, channel, offset } };
    }
    case 'unsubscribe':
      return { kind: 'message', message: { type, channel } };
    case 'cancel': {
      const reason = record.reason;
      if (reason !== undefined && (typeof reason !== 'string' || reason.length > maxReasonLength)) {
        return refuse(
          channel,
          `Cancel ${channel}: reason must be a string of at most ${maxReasonLength} characters.`,
          {
            path: 'reason',
          },
        );
      }
      return {
        kind: 'message',
        message: reason === undefined ? { type, channel } : { type, channel, reason },
      };
    }
  }
}
