/**
 * `@agentry/security`: access control (a policy engine that denies by default, asked at every
 * send, tool call, workflow start and resume, and realtime subscription), approvals of destructive
 * tool calls, rate limits in one process or across many on Redis, the `security` configuration
 * section and the SOC 2 and GDPR controls that check it; data protection: authenticated envelopes
 * with key ids, a keyring that rotates, stores encrypted at rest, endpoints checked for TLS.
 *
 * @packageDocumentation
 */
export {
  createApprovals,
  isApprovalRequested,
  isApprovalResolved,
  type ApprovalOutcome,
  type ApprovalRequest,
  type ApprovalRequestedEvent,
  type ApprovalResolvedEvent,
  type Approvals,
  type ApprovalsOptions,
} from './approvals/index.js';
export { securityControls, type SecurityControlId } from './compliance/index.js';
export {
  accessControlConfigSchema,
  encryptionConfigSchema,
  permissionSchema,
  rateLimitConfigSchema,
  securityConfigSchema,
  type AccessControlConfig,
  type EncryptionConfig,
  type Permission,
  type RateLimitConfig,
  type SecurityConfig,
} from './config/index.js';
export { security, type SecurityApi, type SecurityOptions } from './security.js';
export type { SecurityAuditOptions } from './data-protection/install-audit.js';
export type {
  KeyOperationOptions,
  ReencryptionReport,
  SecurityKeyOptions,
  SecurityKeys,
} from './data-protection/install-encryption.js';
export { maskingStoreWrapper, type MaskingStoreOptions } from './data-protection/mask-store.js';
export type { ReloadOptions, ReloadReport } from './data-protection/policy-reload.js';
export { VERSION } from './version.js';
export {
  createRateLimiter,
  createTokenBudget,
  DEFAULT_OUTPUT_TOKEN_ESTIMATE,
  installRateLimits,
  rateLimitKey,
  type AcquireOptions,
  type InstallRateLimitsOptions,
  type InstalledRateLimits,
  type LimiterStoreOptions,
  type PenaltyStrategy,
  type RateLimiter,
  type RateLimiterOptions,
  type RateLimitKeyDimension,
  type RateLimitKeyParts,
  type StoreUnavailablePolicy,
  type TokenBudget,
  type TokenBudgetOptions,
  type TokenReservation,
} from './limits/index.js';
export {
  compilePolicy,
  createPolicyAuthorizer,
  createRoleDirectory,
  decisionEvent,
  type CompiledPolicy,
  type DecisionEventOptions,
  type DecisionRecord,
  type PolicyAuthorizerOptions,
  type PolicySource,
  type RoleDirectory,
  type RoleDirectoryOptions,
} from './access/index.js';
export * from './crypto/index.js';
export * from './at-rest/index.js';
export * from './masking/index.js';
export * from './audit/index.js';
