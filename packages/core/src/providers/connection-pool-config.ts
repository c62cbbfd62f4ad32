import { z } from 'zod';
import { positiveIntegerSchema } from '../schemas/positive-integer.js';

/**
 * How HTTP connections to providers are pooled (the spec's `ConnectionPoolConfig`): at most
 * `maxConnections` open connections per origin, an idle connection closed after `idleTimeout`
 * milliseconds, and a connection retired after it has been reused `maxReuseCount` times. All three
 * are positive integers.
 *
 * @example
 * ```ts
 * connectionPoolConfigSchema.parse({ maxConnections: 64, idleTimeout: 30_000, maxReuseCount: 1000 });
 * ```
 */
export const connectionPoolConfigSchema = z.strictObject({
  /**
   * The most connections open at once to one origin (scheme, host and port). Requests beyond it
   * wait for a free connection.
   */
  maxConnections: positiveIntegerSchema(
    'maxConnections must be a positive integer (connections per origin).',
  ),
  /**
   * How long a connection may sit idle before it is closed, in milliseconds. A server's shorter
   * `Keep-Alive: timeout=…` hint wins.
   */
  idleTimeout: positiveIntegerSchema(
    'idleTimeout must be a positive integer number of milliseconds.',
  ),
  /**
   * How many times one connection is reused after its first request; the request that reaches
   * the count is sent with `Connection: close`, so a connection serves at most
   * `maxReuseCount + 1` requests. Retiring connections spreads load when the provider adds
   * servers behind its address.
   */
  maxReuseCount: positiveIntegerSchema(
    'maxReuseCount must be a positive integer (reuses of one connection).',
  ),
});

/**
 * How HTTP connections to providers are pooled.
 *
 * @example
 * ```ts
 * import { type ConnectionPoolConfig } from '@agentry/core';
 *
 * const pool: ConnectionPoolConfig = { maxConnections: 16, idleTimeout: 10_000, maxReuseCount: 500 };
 * ```
 */
export type ConnectionPoolConfig = z.infer<typeof connectionPoolConfigSchema>;

/**
 * The pool settings {@link createPooledFetch} uses for what it is not given: 64 connections per
 * origin, 30 seconds of idleness, 1000 reuses.
 *
 * @example
 * ```ts
 * const fetch = createPooledFetch({ ...DEFAULT_CONNECTION_POOL_CONFIG, maxConnections: 8 });
 * ```
 */
export const DEFAULT_CONNECTION_POOL_CONFIG: Readonly<ConnectionPoolConfig> = Object.freeze({
  maxConnections: 64,
  idleTimeout: 30_000,
  maxReuseCount: 1000,
});
