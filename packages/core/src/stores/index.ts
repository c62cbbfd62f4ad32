export { assertExpectedRevision } from './assert-expected-revision.js';
export {
  assertStoreDelete,
  assertStoreList,
  assertStorePut,
  defaultStoreListLimit,
  maxStoreListLimit,
} from './assert-store-request.js';
export { compareStoreKeys } from './compare-store-keys.js';
export { createMemoryStore, type MemoryStoreOptions } from './create-memory-store.js';
export type {
  StateStore,
  StoreDeleteOptions,
  StoreListOptions,
  StoreListPage,
  StorePutOptions,
  StorePutValue,
  UnreadableEntry,
} from './state-store.js';
export { parseStoreKey, storeKey, storeKeyPrefix } from './store-key.js';
export { assertStoreKey, maxStoreKeyLength, storeKeySchema } from './store-key-schema.js';
export { storedEnvelopeSchema, type StoredEnvelope } from './stored-envelope.js';
