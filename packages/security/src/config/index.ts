export { accessControlConfigSchema, type AccessControlConfig } from './access-control-config.js';
export { encryptionConfigSchema, type EncryptionConfig } from './encryption-config.js';
export { permissionSchema, type Permission } from './permission.js';
export { rateLimitConfigSchema, type RateLimitConfig } from './rate-limit-config.js';
export { securityConfigSchema, type SecurityConfig } from './security-config.js';
