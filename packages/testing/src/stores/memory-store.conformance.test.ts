import { createMemoryStore } from '@agentry/core';
import { describeStateStoreConformance } from './index.js';

describeStateStoreConformance('createMemoryStore', () => createMemoryStore());
