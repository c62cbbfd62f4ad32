export type { CommunicationConfig } from './communication-config.js';
export {
  communicationConfigSchema,
  defaultCommunicationConfig,
} from './communication-config-schema.js';
