export { definePlugin } from './define-plugin.js';
export type {
  AgentryPlugin,
  PluginCompliance,
  PluginConfigSection,
  PluginHost,
  ProviderDescriptor,
} from './plugin-types.js';
