import { createMemoryStore } from '@agentry/core';
import { describeStateStoreConformance } from './index.js';

describeStateStoreConformance('createMemoryStore', () => createMemoryStore(), {
  // What "corrupted" would mean for this store: its entries are immutable JSON strings in this
  // process's heap, reachable only through the store, and never leave the process.
  integrity: {
    guarantee:
      'entries are immutable strings in this process, reachable only through the store; no bytes exist outside the process to be damaged',
  },
});
