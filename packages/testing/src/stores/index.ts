export {
  describeStateStoreConformance,
  type StateStoreConformanceOptions,
} from './state-store-conformance.js';
