/**
 * `@agentry/core/browser`: the part of the kernel that runs anywhere JavaScript runs, with no
 * Node built-ins and no dependencies: {@link AgentryError} and its codes, and the realtime offset
 * and channel-name rules. Browser-side packages (such as `@agentry/realtime/client`) import this
 * entry so that an application's bundler never meets the Node-only parts of `@agentry/core`. The
 * values are the same objects the main entry exports.
 *
 * @packageDocumentation
 */
export {
  AgentryError,
  errorCodes,
  isErrorCode,
  toAgentryError,
  type AgentryErrorJson,
  type AgentryErrorOptions,
  type ErrorCode,
  type ErrorCodeInfo,
} from './errors/index.js';
export {
  REALTIME_NOW,
  REALTIME_START,
  assertChannelName,
  formatRealtimeOffset,
  newRealtimeEpoch,
  parseRealtimeOffset,
  type RealtimeOffset,
} from './realtime/realtime-offset.js';
