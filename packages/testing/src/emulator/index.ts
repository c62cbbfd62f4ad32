export { startEmulator } from './start-emulator.js';
export { redirectTurn, type EmulatorRedirectStatus } from './redirect-turn.js';
export type { Emulator, EmulatorOptions } from './emulator.js';
export type {
  EmulatorApi,
  EmulatorErrorType,
  EmulatorFailure,
  EmulatorReply,
  EmulatorRequest,
  EmulatorToolCall,
  EmulatorTurn,
  EmulatorUsage,
  NormalizedReply,
  SseEvent,
  WireFormat,
} from './emulator-types.js';
export { runCli as runEmulatorCli, type CliIo as EmulatorCliIo } from './run-cli.js';
