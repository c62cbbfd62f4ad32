export { createAuditLog } from './audit-log.js';
export type { AuditHead, AuditLog, AuditLogOptions, AuditRecord } from './audit-log-types.js';
export type { SealedFields, StoredAuditRecord } from './audit-record.js';
export { canonicalJson } from './canonical-json.js';
export { openCheckpoint, type AuditCheckpoint } from './checkpoint.js';
export {
  checkpointVerifier,
  createCheckpointSigner,
  type CheckpointSigner,
  type CheckpointVerifier,
} from './checkpoint-signer.js';
export { verifyInclusion, type InclusionProof } from './inclusion-proof.js';
export type { AuditPersonalData } from './personal-data.js';
export {
  assertAuditLogIntact,
  verifyAuditLog,
  type AuditProblem,
  type AuditVerification,
  type VerifyAuditLogOptions,
} from './verify-audit-log.js';
