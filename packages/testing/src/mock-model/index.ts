export { createMockModel } from './create-mock-model.js';
export type { MockModel, MockModelCall, MockModelOptions } from './create-mock-model.js';
export { createMockProvider } from './create-mock-provider.js';
export type { MockProviderOptions } from './create-mock-provider.js';
export { mockError } from './mock-error.js';
export type { MockTimers } from './mock-timers.js';
export { mockText, mockToolCall } from './mock-turn.js';
export type { MockToolCall, MockTurn } from './mock-turn.js';
