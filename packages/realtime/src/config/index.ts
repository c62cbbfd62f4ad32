export type { CommunicationConfig } from './communication-config.js';
export {
  communicationConfigSchema,
  DEFAULT_COMMUNICATION_CONFIG,
} from './communication-config-schema.js';
