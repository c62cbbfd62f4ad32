export { definePlugin } from './define-plugin.js';
export {
  createPluginRegistry,
  type PluginDescription,
  type PluginRegistry,
} from './plugin-registry.js';
export type {
  AgentryPlugin,
  PluginCompliance,
  PluginConfigSection,
  PluginHost,
} from './plugin-types.js';
