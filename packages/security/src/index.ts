/**
 * `@agentry/security`: the `security` configuration section of Agentry and the SOC 2 and GDPR
 * controls that check it.
 *
 * @packageDocumentation
 */
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
export { security } from './security.js';
export { VERSION } from './version.js';
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
