export type { CorruptEntry, StoreIntegrity } from './describe-integrity-conformance.js';
export {
  describeStateStoreConformance,
  type StateStoreConformanceOptions,
} from './state-store-conformance.js';
