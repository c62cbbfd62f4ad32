import type { IncomingMessage, ServerResponse } from 'node:http';
import { AgentryError, assertChannelName } from '@agentry/core';
import type { RealtimePrincipal } from '../auth/realtime-ticket.js';
import { readBody, securityHeaders, sendError } from './http-io.js';
import type { StreamsContext } from './streams-handler.js';

/**
 * Serves `POST {base}/cancel/{channel}`: an explicit, authorized cancel of the run the channel
 * follows (closing a tab never cancels). Body: optional JSON `{ "reason": "…" }`. Answers 202.
 *
 * @internal
 */
export async function handleCancel(
  context: StreamsContext,
  onCancel:
    | ((channel: string, principal: RealtimePrincipal, reason: string | undefined) => Promise<void>)
    | undefined,
  channel: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  try {
    assertChannelName(channel);
    const principal = await context.auth.authenticate(request);
    if (request.method !== 'POST') {
      response.writeHead(405, { ...securityHeaders, allow: 'POST' });
      response.end();
      return;
    }
    await context.auth.authorize(principal, 'run.cancel', channel);
    const body = await readBody(request, 16 * 1024);
    let reason: string | undefined;
    if (body.length > 0) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch (error) {
        throw new AgentryError({
          code: 'validation_failed',
          message: 'The cancel body is not JSON.',
          details: { channel },
          suggestions: ['Send no body, or {"reason": "…"}.'],
          cause: error,
        });
      }
      const given = (parsed as { reason?: unknown } | null)?.reason;
      if (given !== undefined && typeof given !== 'string') {
        throw new AgentryError({
          code: 'validation_failed',
          message: 'The cancel reason must be a string.',
          details: { channel, path: 'reason' },
          suggestions: ['Send {"reason": "user pressed stop"}.'],
        });
      }
      reason = given;
    }
    if (onCancel === undefined) {
      throw new AgentryError({
        code: 'not_found',
        message: `Nothing on this server cancels runs, so channel ${JSON.stringify(channel)} cannot be cancelled.`,
        details: { channel },
        suggestions: ['Pass onCancel to createRealtimeServer (the realtime() plug-in does).'],
      });
    }
    await context.holdWrite(onCancel(channel, principal, reason));
    response.writeHead(202, { ...securityHeaders, 'cache-control': 'no-store' });
    response.end();
  } catch (error) {
    if (!request.complete) request.resume();
    sendError(response, error, context.logger);
  }
}
