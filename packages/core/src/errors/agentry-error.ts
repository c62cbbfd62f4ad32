import { errorCodes, type ErrorCode } from './error-codes.js';

const marker = Symbol.for('agentry.error');

/**
 * An {@link AgentryError} as plain JSON.
 *
 * @example
 * ```ts
 * import { AgentryError, type Agent, type AgentryErrorJson } from '@agentry/core';
 *
 * declare const agent: Agent;
 * try {
 *   await agent.send('Hello');
 * } catch (error) {
 *   if (error instanceof AgentryError) {
 *     // A plain object, safe to log or send; branch on `code`, never on the message.
 *     const json: AgentryErrorJson = error.toJSON();
 *     console.error(JSON.stringify(json));
 *   }
 * }
 * ```
 */
export interface AgentryErrorJson {
  /** The stable code. */
  code: ErrorCode;
  /** What happened and what to do. */
  message: string;
  /** Whether retrying can succeed. */
  recoverable: boolean;
  /** Machine-readable facts. */
  details: Record<string, unknown>;
  /** Actions a person can take. */
  suggestions: string[];
}

/**
 * What {@link AgentryError} is built from.
 *
 * @example
 * ```ts
 * import { AgentryError, type AgentryErrorOptions } from '@agentry/core';
 *
 * const options: AgentryErrorOptions = {
 *   code: 'validation_failed',
 *   message: 'maxResults must be a positive integer. Received -1.',
 *   details: { path: 'maxResults', received: -1 },
 *   suggestions: ['Use a value of 1 or more.'],
 * };
 * throw new AgentryError(options);
 * ```
 */
export interface AgentryErrorOptions {
  /** The stable code from {@link errorCodes}. */
  code: ErrorCode;
  /** What happened and what to do, in one or two sentences. */
  message: string;
  /** Overrides the code's default recoverability. */
  recoverable?: boolean;
  /** Machine-readable facts: the offending path, value (secrets masked), limit, and so on. */
  details?: Record<string, unknown>;
  /** Actions a person can take, each one sentence. */
  suggestions?: readonly string[];
  /** The error this one wraps. */
  cause?: unknown;
}

/**
 * The one error type every Agentry package throws. Its `code` is stable across versions; branch on
 * it, never on the message.
 *
 * @example
 * ```ts
 * try {
 *   await createAgentry({ config });
 * } catch (error) {
 *   if (AgentryError.isInstance(error) && error.code === 'config_invalid') {
 *     console.error(error.details.issues);
 *   }
 * }
 * ```
 */
export class AgentryError extends Error {
  /** The stable code from {@link errorCodes}. */
  readonly code: ErrorCode;
  /** Whether retrying the same operation can succeed. */
  readonly recoverable: boolean;
  /** Machine-readable facts about the failure. */
  readonly details: Record<string, unknown>;
  /** Actions a person can take. */
  readonly suggestions: readonly string[];
  /** The HTTP status a server answers with for this error. */
  readonly httpStatus: number;
  /** @internal */
  readonly [marker] = true;

  constructor(options: AgentryErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AgentryError';
    this.code = options.code;
    this.recoverable = options.recoverable ?? errorCodes[options.code].recoverable;
    this.details = options.details ?? {};
    this.suggestions = Object.freeze([...(options.suggestions ?? [])]);
    this.httpStatus = errorCodes[options.code].httpStatus;
  }

  /**
   * Tells whether a value is an `AgentryError`, also when it comes from another copy of
   * `@agentry/core` installed in the same app (where `instanceof` would say no).
   *
   * @example
   * ```ts
   * if (AgentryError.isInstance(error)) console.log(error.code);
   * ```
   */
  static isInstance(value: unknown): value is AgentryError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[marker] === true
    );
  }

  /**
   * The error as plain JSON (the spec's `ErrorDetail` plus `recoverable`), for logs, events and
   * the wire. The cause is left out: it may hold anything.
   */
  toJSON(): AgentryErrorJson {
    return {
      code: this.code,
      message: this.message,
      recoverable: this.recoverable,
      details: this.details,
      suggestions: [...this.suggestions],
    };
  }
}
