import { positiveIntegerSchema } from '@agentry/core';
import { z } from 'zod';
import type { CommunicationConfig } from './communication-config.js';

// Literal lists rather than z.enum: the same check and message, and no per-value properties for
// TypeDoc to ask documentation of.
const transportSchema = z.literal(['websocket', 'sse', 'long_polling'], {
  error: 'protocol must be one of "websocket", "sse" or "long_polling".',
});
const protocolNameSchema = z.literal(['websocket', 'sse', 'long_polling', 'http'], {
  error: 'name must be one of "websocket", "sse", "long_polling" or "http".',
});

const milliseconds = (name: string) =>
  positiveIntegerSchema(`${name} must be a positive integer number of milliseconds.`);
const count = (name: string, what: string) =>
  positiveIntegerSchema(`${name} must be a positive integer (${what}).`);

const realtimeSchema = z.strictObject({
  protocol: transportSchema,
  maxLatency: milliseconds('maxLatency'),
  bufferSize: count('bufferSize', 'events kept per channel'),
  heartbeatInterval: milliseconds('heartbeatInterval'),
});

const batchingSchema = z.strictObject({
  enabled: z.boolean({ error: 'enabled must be true or false.' }),
  maxBatchSize: count('maxBatchSize', 'events per batch'),
  maxWaitTime: milliseconds('maxWaitTime'),
  flushInterval: milliseconds('flushInterval'),
});

const connectionPoolSchema = z.strictObject({
  maxConnections: count('maxConnections', 'connections held at once'),
  idleTimeout: milliseconds('idleTimeout'),
  maxReuseCount: count('maxReuseCount', 'requests or subscriptions per connection'),
});

const protocolSchema = z.strictObject({
  name: protocolNameSchema,
  version: z.string({ error: 'version must be a string.' }).min(1, 'version must not be empty.'),
  encryption: z.boolean({ error: 'encryption must be true or false.' }),
  compression: z.boolean({ error: 'compression must be true or false.' }),
});

/**
 * The `communication` section of the Agentry configuration (the spec's `CommunicationConfig`):
 * what the realtime plug-in, its server and its batching run by. Every field is required when the
 * section is present; without the section `realtime()` runs on
 * {@link defaultCommunicationConfig}. Unknown keys are errors, so a misspelt setting is reported
 * instead of ignored, and `createAgentry` reports every problem at once as `config_invalid`, each
 * at its path (`communication.batching.maxWaitTime`).
 *
 * Rules beyond the types:
 * - every interval (`maxLatency`, `heartbeatInterval`, `maxWaitTime`, `flushInterval`,
 *   `idleTimeout`, milliseconds) and size (`bufferSize`, `maxBatchSize`, `maxConnections`,
 *   `maxReuseCount`) is a positive integer;
 * - `realtime.protocol` is `websocket`, `sse` or `long_polling`;
 * - with batching on, `batching.maxWaitTime` may not exceed `realtime.maxLatency`: `maxLatency` is
 *   a hard bound, so a longer wait could never apply, and is refused rather than quietly cut;
 * - `protocols` names each of `websocket`, `sse`, `long_polling` and `http` (every HTTP route) at
 *   most once, with a non-empty `version`.
 *
 * @example
 * ```ts
 * import { communicationConfigSchema } from '@agentry/realtime';
 *
 * const result = communicationConfigSchema.safeParse({
 *   realtime: { protocol: 'websocket', maxLatency: 100, bufferSize: 10_000, heartbeatInterval: 30_000 },
 *   batching: { enabled: true, maxBatchSize: 64, maxWaitTime: 200, flushInterval: 50 },
 *   connectionPool: { maxConnections: 10_000, idleTimeout: 300_000, maxReuseCount: 1_000 },
 *   protocols: [{ name: 'websocket', version: '13', encryption: true, compression: true }],
 * });
 * // [['batching', 'maxWaitTime']]: a wait longer than maxLatency could never apply.
 * console.log(result.error?.issues.map((issue) => issue.path));
 * ```
 */
export const communicationConfigSchema: z.ZodType<CommunicationConfig> = z
  .strictObject({
    realtime: realtimeSchema,
    batching: batchingSchema,
    connectionPool: connectionPoolSchema,
    protocols: z.array(protocolSchema, { error: 'protocols must be a list.' }),
  })
  .check((context) => {
    const { realtime, batching, protocols } = context.value;
    // Compared only when both are valid, so a bad maxLatency is reported once, at its own path.
    const bound = realtime.maxLatency;
    if (
      batching.enabled &&
      Number.isSafeInteger(bound) &&
      bound > 0 &&
      batching.maxWaitTime > bound
    ) {
      context.issues.push({
        code: 'custom',
        input: batching.maxWaitTime,
        path: ['batching', 'maxWaitTime'],
        message: `batching.maxWaitTime (${batching.maxWaitTime} ms) is longer than realtime.maxLatency (${realtime.maxLatency} ms), the longest any event is held: the wait could never apply.`,
        params: {
          suggestion: `Set batching.maxWaitTime to at most ${realtime.maxLatency}, or raise realtime.maxLatency.`,
        },
      });
    }
    const seen = new Set<string>();
    protocols.forEach((protocol, index) => {
      if (seen.has(protocol.name)) {
        context.issues.push({
          code: 'custom',
          input: protocol.name,
          path: ['protocols', index, 'name'],
          message: `protocols lists "${protocol.name}" more than once.`,
          params: { suggestion: `Keep one entry for "${protocol.name}".` },
        });
      }
      seen.add(protocol.name);
    });
  });

/**
 * What `realtime()` runs on when the configuration has no `communication` section: WebSocket
 * first, events held at most 100 ms, 10,000 events kept per channel, heartbeats every 30 s;
 * batching on (64 events, 20 ms wait, 50 ms flush); 10,000 connections, closed after 5 minutes
 * idle, 1,000 requests or subscriptions each; no per-transport rule (no TLS required, no
 * compression).
 *
 * @example
 * ```ts
 * import { defaultCommunicationConfig, type CommunicationConfig } from '@agentry/realtime';
 *
 * // The defaults with a tighter latency bound, for a configuration file to start from.
 * const communication: CommunicationConfig = {
 *   ...defaultCommunicationConfig,
 *   realtime: { ...defaultCommunicationConfig.realtime, maxLatency: 50 },
 * };
 * console.log(JSON.stringify({ communication }, null, 2));
 * ```
 */
export const defaultCommunicationConfig: CommunicationConfig = Object.freeze({
  realtime: Object.freeze({
    protocol: 'websocket',
    maxLatency: 100,
    bufferSize: 10_000,
    heartbeatInterval: 30_000,
  }),
  batching: Object.freeze({ enabled: true, maxBatchSize: 64, maxWaitTime: 20, flushInterval: 50 }),
  connectionPool: Object.freeze({
    maxConnections: 10_000,
    idleTimeout: 300_000,
    maxReuseCount: 1_000,
  }),
  protocols: Object.freeze([]),
});
