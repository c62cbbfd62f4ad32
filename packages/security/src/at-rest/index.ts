export {
  checkTransport,
  checkTransports,
  type CheckTransportOptions,
  type TransportEndpoint,
} from './check-transport.js';
export { encryptingStoreWrapper, encryptStore, type EncryptStoreOptions } from './encrypt-store.js';
export type { EnvelopeSealer } from './envelope-sealer.js';
export {
  defaultReencryptionCheckpointKey,
  reencryptStore,
  type ReencryptionProgress,
  type ReencryptStoreOptions,
} from './reencrypt-store.js';
export { sealedDataMarker } from './sealed-data.js';
