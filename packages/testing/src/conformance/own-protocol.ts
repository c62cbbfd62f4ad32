export {
  conformanceScenarios,
  conformanceToolCalls,
  type ConformanceScenarioName,
  type ConformanceScenarios,
  type ConformanceToolCall,
  type ConformanceToolCalls,
} from './conformance-scenarios.js';
export type {
  ConformanceAnswer,
  ConformanceBodyAnswer,
  ConformanceFailure,
  ConformanceRequest,
  ConformanceRequestInfo,
  ConformanceScenario,
  ConformanceServe,
  ConformanceStreamAnswer,
  ConformanceStreamFault,
  ConformanceTurn,
} from './serve/serve-types.js';
export { toConformanceScenario } from './serve/to-conformance-scenario.js';
export {
  startProtocolEmulator,
  type ProtocolEmulator,
  type ProtocolEmulatorOptions,
  type ProtocolRequest,
} from './serve/start-protocol-emulator.js';
