import type { RealtimeLog } from '@agentry/core';
import type { CommunicationConfig } from '../config/index.js';
import type { RealtimeTicketRequest } from '../server/auth/realtime-ticket.js';
import type { RealtimeServer } from '../server/realtime-server.js';

/**
 * What `realtime()` adds to an Agentry instance as `agentry.realtime`: the log every run's events
 * are appended to, the server that serves it, and the commands (publish to a channel of your own,
 * cancel a run).
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createAgentry } from '@agentry/core';
 * import { realtime, realtimeChannels } from '@agentry/realtime';
 *
 * declare const config: unknown;
 * const agentry = await createAgentry({ config, plugins: [realtime()] });
 * const server = createServer();
 * agentry.realtime.attach(server); // routes under /realtime, WebSocket upgrades included
 * server.listen(3000);
 *
 * const agent = agentry.createAgent();
 * const run = agent.send('Hello');
 * // A browser follows realtimeChannels.run(run.id), with a ticket for it:
 * const ticket = agentry.realtime.issueTicket({ userId: 'user-42', channels: [realtimeChannels.run(run.id)], ttl: 60_000 });
 * await agentry.realtime.publish('app/notices', { text: 'Maintenance at 18:00' });
 * console.log(ticket.length > 0, (await run).text);
 * ```
 */
export interface RealtimeHandle {
  /** The log channels are kept in: the one given in the options, else an in-memory log. */
  readonly log: RealtimeLog;
  /** The `communication` section the plug-in runs by (its defaults when the section is absent). */
  readonly config: CommunicationConfig;
  /** The realtime server: HTTP routes, SSE, long polling, WebSocket, tickets. */
  readonly server: RealtimeServer;
  /**
   * Adds the server's `request` and `upgrade` listeners to a `node:http` or `node:https` server;
   * requests outside the base path (`/realtime`) are left to the app's own listeners.
   *
   * @throws AgentryError `config_invalid` when a `protocols` entry requires encryption and the
   *   server is plain HTTP on a non-loopback address
   */
  attach(server: Parameters<RealtimeServer['attach']>[0]): void;
  /** The server's request listener, to mount yourself (404 outside the base path). */
  readonly handler: RealtimeServer['handler'];
  /**
   * Signs an expiring ticket naming the user and the channels it may read (`run/*` patterns
   * allowed), for browsers, which cannot set headers on WebSocket and EventSource.
   *
   * @throws AgentryError `validation_failed` for an empty user, no channels, or a ttl over a day
   */
  issueTicket(request: RealtimeTicketRequest): string;
  /**
   * Appends JSON values to a channel of your own (`app/…`, `user/<id>/…`), in order after earlier
   * publishes to it, creating it on first use with the given labels (`userId` for its owner).
   * Resolves once durable.
   *
   * @throws AgentryError `validation_failed` for a bad channel name or one the plug-in writes
   *   (`run/`, `agent/`, `session/`, `workflow-run/`); `internal` when the log failed after retries
   */
  publish(
    channel: string,
    value: unknown,
    options?: {
      /** Close the channel with this value: nothing more will be appended. */
      readonly close?: boolean;
      /** Labels the channel is created with (only on first use). */
      readonly labels?: Readonly<Record<string, string>>;
    },
  ): Promise<void>;
  /**
   * Aborts the run a channel follows: `run/<runId>` (the agent run), `workflow-run/<runId>` (the
   * workflow run, when its runner attached a cancel: `createConfiguredWorkflowRunner` does), or
   * `agent/<agentId>` (the agent's current run). Resolves `true` when a run was aborted, `false`
   * when the channel follows no run in progress in this instance. The server's cancel route calls
   * it after authorizing; a reader going away never cancels anything.
   *
   * @throws AgentryError `invalid_request` for a `session/` or user channel, which follows no
   *   single run; `validation_failed` for a bad channel name
   */
  cancel(channel: string, reason?: string): Promise<boolean>;
  /**
   * Writes what is held, waits for every append, stops the server and the sweep, and closes the
   * log when the plug-in made it. `agentry.shutdown()` calls it.
   */
  close(): Promise<void>;
}
