import {
  AgentryError,
  definePlugin,
  services,
  type AgentryPlugin,
  type PluginHost,
  type RealtimeLog,
} from '@agentry/core';
import {
  communicationConfigSchema,
  defaultCommunicationConfig,
  type CommunicationConfig,
} from '../config/index.js';
import { createMemoryRealtimeLog } from '../log/index.js';
import { coalesceAgUiEvents, createRunSnapshot } from '../payloads/index.js';
import type { RealtimeServerOptions } from '../server/realtime-server.js';
import { VERSION } from '../version.js';
import { createEventPipeline, type RealtimeChannelKind } from './event-pipeline.js';
import { createEventMasking } from './mask-events.js';
import type { RealtimeHandle } from './realtime-handle.js';

const allKinds: readonly RealtimeChannelKind[] = ['run', 'agent', 'session', 'workflow-run'];

/**
 * How the realtime plug-in runs: what the `communication` section cannot hold (objects, secrets,
 * callbacks). Every field is optional.
 *
 * @example
 * ```ts
 * import { createAgentry } from '@agentry/core';
 * import { realtime, type RealtimeOptions } from '@agentry/realtime';
 * import { createSqliteRealtimeLog } from '@agentry/store-sqlite';
 *
 * declare const config: unknown;
 * const options: RealtimeOptions = {
 *   // Durable: a restarted process serves what was appended before it stopped.
 *   log: createSqliteRealtimeLog({ path: 'realtime.db' }),
 *   retentionMs: 6 * 60 * 60 * 1000,
 *   channels: ['run', 'session'],
 *   server: { basePath: '/live', ticketSecret: new TextEncoder().encode(process.env.TICKET_SECRET) },
 * };
 * const agentry = await createAgentry({ config, plugins: [realtime(options)] });
 * ```
 */
export interface RealtimeOptions {
  /**
   * Where channels are kept. Default: an in-memory log keeping `realtime.bufferSize` events per
   * channel for `retentionMs` (lost when the process stops). The plug-in closes a log it made; a
   * log given here is yours to close.
   */
  readonly log?: RealtimeLog;
  /**
   * How long events are kept, in milliseconds (each channel's `maxAgeMs`; the log's sweep drops
   * older ones). Default: a day.
   */
  readonly retentionMs?: number;
  /** How often the log is swept for expired events (milliseconds, default 60 000); `false`: never. */
  readonly sweepIntervalMs?: number | false;
  /**
   * Options of the server (`createRealtimeServer`): `basePath`, `ticketSecret`, `verifyToken`,
   * limits. The log, the configuration, the `Authorizer` service, cancel and the logger are the
   * plug-in's.
   */
  readonly server?: Omit<
    RealtimeServerOptions,
    'log' | 'config' | 'authorizer' | 'onCancel' | 'logger'
  >;
  /**
   * Which channels are written from the instance's events (default all): `run` (one per agent
   * run), `agent` (one per agent), `session` (one per session), `workflow-run` (one per
   * workflow run).
   */
  readonly channels?: readonly RealtimeChannelKind[];
  /** A run's snapshot is stored after at least this many entries, and at its end (default 100). */
  readonly snapshotEvery?: number;
  /**
   * The waits before each retry of a failed append, in milliseconds (default `[10, 100, 1000]`:
   * three retries). A batch still failing is reported and the channel's history is reset.
   */
  readonly appendRetryDelays?: readonly number[];
  /**
   * Called with every failure of the pipeline (an append given up, a snapshot not stored), which
   * is also logged on the instance's logger and emitted on `events$` as `realtime-error`.
   */
  readonly onError?: (error: AgentryError) => void;
}

/**
 * The realtime plug-in: {@link realtime}'s result.
 *
 * @example
 * ```ts
 * import { realtime, type RealtimePlugin } from '@agentry/realtime';
 *
 * const plugin: RealtimePlugin = realtime();
 * console.log(plugin.name); // '@agentry/realtime'
 * ```
 */
export type RealtimePlugin = AgentryPlugin<CommunicationConfig | undefined>;

/**
 * Creates the realtime plug-in. Installing it lets the configuration hold a `communication`
 * section (validated by {@link communicationConfigSchema}; without it the plug-in runs on
 * {@link defaultCommunicationConfig}) and adds `agentry.realtime` ({@link RealtimeHandle}).
 *
 * From then on every agent run and workflow run the instance makes is appended, as AG-UI events,
 * to its channels in the log (`run/<runId>`, `agent/<agentId>`, `session/<sessionId>`,
 * `workflow-run/<runId>`: see `realtimeChannels`), coalesced by the batching settings and
 * never held longer than `realtime.maxLatency`; events are durable before any reader is sent
 * them. A run's channel is closed with its last events, and its snapshot (messages and state so
 * far) is kept for late joiners. `agentry.realtime.attach(server)` serves it all over HTTP, SSE,
 * long polling and WebSocket.
 *
 * After a restart on a durable log, agent runs the stopped process left open are ended with a
 * `RUN_ERROR` (`aborted`) and closed, so no reader waits forever; workflow runs are left open for
 * the workflow runner's recovery to continue.
 *
 * @throws AgentryError `validation_failed` for invalid options (at the call);
 *   `createAgentry` reports `config_invalid` for an invalid `communication` section, listing every
 *   problem at its path
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createAgentry, loadConfiguration } from '@agentry/core';
 * import { realtime } from '@agentry/realtime';
 *
 * const agentry = await createAgentry({
 *   config: await loadConfiguration('agentry.config.json'),
 *   plugins: [realtime()],
 * });
 * const server = createServer();
 * agentry.realtime.attach(server);
 * server.listen(3000); // GET /realtime/stream/run/<runId>?offset=-1&live=sse
 * ```
 */
export function realtime(options: RealtimeOptions = {}): RealtimePlugin {
  checkOptions(options);
  return definePlugin<CommunicationConfig | undefined>({
    name: '@agentry/realtime',
    version: VERSION,
    // Released together with core (one fixed version group), so it needs core's same minor.
    requires: { '@agentry/core': `^${VERSION}` },
    // Optional: without the section the plug-in runs on the defaults.
    config: { key: 'communication', schema: communicationConfigSchema, required: false },
    setup: (host) => start(host, options),
  });
}

async function start(
  host: PluginHost<CommunicationConfig | undefined>,
  options: RealtimeOptions,
): Promise<void> {
  const config = host.section ?? defaultCommunicationConfig;
  const retentionMs = options.retentionMs ?? 86_400_000;
  const ownsLog = options.log === undefined;
  const log =
    options.log ??
    createMemoryRealtimeLog({ maxEntries: config.realtime.bufferSize, maxAgeMs: retentionMs });
  const report = (error: AgentryError) => {
    host.logger.error({ code: error.code, details: error.details }, error.message);
    try {
      host.emit({
        type: 'realtime-error',
        at: Date.now(),
        code: error.code,
        message: error.message,
      });
      options.onError?.(error);
    } catch (reporting) {
      host.logger.error({ error: String(reporting) }, 'The realtime error handler threw.');
    }
  };
  const pipeline = createEventPipeline({
    payloads: { coalesce: coalesceAgUiEvents, createSnapshot: createRunSnapshot },
    log,
    config,
    kinds: new Set(options.channels ?? allKinds),
    retentionMs,
    snapshotEvery: options.snapshotEvery ?? 100,
    retryDelays: options.appendRetryDelays ?? [10, 100, 1_000],
    producerId: `agentry-realtime-${crypto.randomUUID()}`,
    report,
    // Events are masked before they reach the log, so neither a client nor the stored history
    // holds what the instance's masker hides; a masker that throws withholds the event.
    masking: createEventMasking(
      () => host.lookup(services.masker),
      (error) => report(maskerFailed(error)),
    ),
    maskValue: (value) => {
      const masker = host.lookup(services.masker);
      return masker === undefined ? value : masker.mask(value, { purpose: 'event' });
    },
  });
  // Subscribed in setup, so no event of any agent or run made after createAgentry is missed.
  const subscription = host.events$.subscribe((tagged) => pipeline.handle(tagged));

  const cancel = async (channel: string, reason?: string): Promise<boolean> => {
    const followed = pipeline.follow(channel);
    if (followed !== undefined) return host.abortRun(followed.runId, reason);
    if (/^(run|workflow-run|agent)\//.test(channel)) return false;
    throw new AgentryError({
      code: 'invalid_request',
      message: `Channel ${channel} follows no single run, so there is nothing to cancel.`,
      details: { channel },
      suggestions: [
        'Cancel through the run/<runId>, workflow-run/<runId> or agent/<agentId> channel.',
      ],
    });
  };

  // Loaded here rather than imported at the top, so the main entry does not pull the server in
  // for a program that only builds configuration.
  const { createRealtimeServer } = await import('../server/realtime-server.js');
  const server = createRealtimeServer({
    ...options.server,
    log,
    config,
    authorizer: () => host.lookup(services.authorizer),
    onCancel: async (channel, _principal, reason) => {
      if (await cancel(channel, reason)) return;
      throw new AgentryError({
        code: 'not_found',
        message: `Channel ${channel} follows no run in progress here: it ended, or runs elsewhere.`,
        details: { channel },
        suggestions: ['Read the channel to its end: the run is over.'],
      });
    },
    logger: host.logger,
  });

  const sweep =
    options.sweepIntervalMs === false
      ? undefined
      : setInterval(() => {
          log.sweep().catch((error: unknown) =>
            report(
              new AgentryError({
                code: 'internal',
                message: `Sweeping the realtime log failed: ${error instanceof Error ? error.message : String(error)}`,
                suggestions: ['Check the realtime log backend.'],
                cause: error,
              }),
            ),
          );
        }, options.sweepIntervalMs ?? 60_000);
  sweep?.unref();

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      subscription.unsubscribe();
      if (sweep !== undefined) clearInterval(sweep);
      await pipeline.drain();
      await server.close();
      if (ownsLog) await log.close();
    })();
    return closing;
  };

  const handle: RealtimeHandle = {
    log,
    config,
    server,
    attach: (target) => server.attach(target),
    handler: server.handler,
    issueTicket: (request) => server.issueTicket(request),
    publish: (channel, value, publishOptions) => pipeline.publish(channel, [value], publishOptions),
    cancel,
    close,
  };
  host.extend('realtime', handle);
  // Agents are shut down before this runs (core's hook comes first), so their last events are in.
  host.onShutdown(close);
  host.onReady(async () => {
    const interrupted = await pipeline.index.endInterrupted();
    if (interrupted.closed.length > 0 || interrupted.left.length > 0) {
      host.logger.warn(
        { closed: interrupted.closed, left: interrupted.left },
        `Ended ${interrupted.closed.length} agent run(s) an earlier process left open; ${interrupted.left.length} workflow run(s) left open for recovery.`,
      );
    }
  });
}

function checkOptions(options: RealtimeOptions): void {
  const problems: { path: string; message: string }[] = [];
  const positive = (path: string, value: unknown, integer: boolean) => {
    if (value === undefined) return;
    const ok =
      typeof value === 'number' &&
      value > 0 &&
      Number.isFinite(value) &&
      (!integer || Number.isInteger(value));
    if (!ok) {
      problems.push({
        path,
        message: `${path} is ${String(JSON.stringify(value))}; it must be a positive ${integer ? 'integer' : 'number'}.`,
      });
    }
  };
  positive('retentionMs', options.retentionMs, false);
  positive('snapshotEvery', options.snapshotEvery, true);
  if (options.sweepIntervalMs !== false)
    positive('sweepIntervalMs', options.sweepIntervalMs, false);
  options.appendRetryDelays?.forEach((delay, index) => {
    if (!(typeof delay === 'number' && delay >= 0 && Number.isFinite(delay))) {
      problems.push({
        path: `appendRetryDelays[${index}]`,
        message: `appendRetryDelays[${index}] is ${String(delay)}; it must be a number of milliseconds ≥ 0.`,
      });
    }
  });
  options.channels?.forEach((kind, index) => {
    if (!allKinds.includes(kind)) {
      problems.push({
        path: `channels[${index}]`,
        message: `channels[${index}] is ${JSON.stringify(kind)}; it must be one of ${allKinds.map((name) => `"${name}"`).join(', ')}.`,
      });
    }
  });
  if (problems.length === 0) return;
  throw new AgentryError({
    code: 'validation_failed',
    message: `realtime() options are invalid: ${problems.map((problem) => problem.message).join(' ')}`,
    details: { paths: problems.map((problem) => problem.path) },
    suggestions: ['Fix the options listed, or leave them out for their defaults.'],
  });
}

declare module '@agentry/core' {
  interface PluginSections {
    /** The `communication` section, validated by `@agentry/realtime`. */
    communication: CommunicationConfig;
  }
  interface AgentryExtensions {
    /** Added by `realtime()` from `@agentry/realtime`: the log, its server and commands. */
    realtime: RealtimeHandle;
  }
}

/** The report of an event withheld because the instance's masker threw on it. */
function maskerFailed(error: unknown): AgentryError {
  return new AgentryError({
    code: 'internal',
    message: `An event was withheld from realtime: the masker threw (${error instanceof Error ? error.name : typeof error}).`,
    details: { where: 'masker' },
    suggestions: [
      'Check the plug-in that provides services.masker; events it cannot mask are not sent.',
    ],
    cause: error,
  });
}
