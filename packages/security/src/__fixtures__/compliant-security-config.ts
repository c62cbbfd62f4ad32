import type { SecurityConfig } from '../config/index.js';

/** A `security` section that is valid and passes every SOC 2 and GDPR control; fresh on each call. */
export function compliantSecurityConfig(): SecurityConfig {
  return {
    encryption: { algorithm: 'AES-256-GCM', keyRotation: true, atRest: true, inTransit: true },
    accessControl: {
      rbac: true,
      permissions: [
        { resource: 'agents', actions: ['create', 'read', 'update', 'delete'] },
        { resource: 'workflows', actions: ['read'], conditions: { ownerOnly: true } },
      ],
      rateLimiting: {
        enabled: true,
        requestsPerMinute: 600,
        burstLimit: 50,
        penaltyStrategy: 'reject',
      },
    },
    auditLogging: true,
    dataMasking: true,
  };
}
