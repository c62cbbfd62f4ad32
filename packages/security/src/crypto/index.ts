export {
  envelopeAlgorithms,
  openEnvelope,
  readEnvelopeHeader,
  sealEnvelope,
  type DataKey,
  type EnvelopeAlgorithm,
  type EnvelopeContext,
  type EnvelopeHeader,
} from './envelope.js';
export {
  environmentKeyProvider,
  type EnvironmentKeyProviderOptions,
} from './environment-key-provider.js';
export { fileKeyProvider, type FileKeyProviderOptions } from './file-key-provider.js';
export type { KeyProvider } from './key-provider.js';
export { createKeyring } from './keyring.js';
export type { KeyInfo, Keyring, KeyringEvent, KeyStatus } from './keyring-types.js';
export { DEFAULT_MAX_INVOCATIONS, type KeyringOptions } from './keyring-options.js';
export { memoryKeyProvider } from './memory-key-provider.js';
