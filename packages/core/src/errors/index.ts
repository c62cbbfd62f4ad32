export { AgentryError, type AgentryErrorJson, type AgentryErrorOptions } from './agentry-error.js';
export { errorCodes, isErrorCode, type ErrorCode, type ErrorCodeInfo } from './error-codes.js';
export { toAgentryError } from './to-agentry-error.js';
