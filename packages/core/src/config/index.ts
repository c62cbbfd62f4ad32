export type { ConfigurationIssue } from './configuration-issue.js';
export { loadConfiguration } from './load-configuration.js';
export { isSecretKey, maskSecret, maskSecrets } from './mask-secrets.js';
export type { ConfigurationMigrationOptions } from './migrate-configuration.js';
export {
  composeConfigurationSchema,
  CONFIGURATION_SCHEMA_VERSION,
  coreSectionSchemas,
  pluginSectionPackages,
  type CoreConfiguration,
  type MaskedConfiguration,
  type PluginSections,
  type SDKConfiguration,
} from './sdk-configuration.js';
export {
  resolveSecretReferences,
  type ResolvedSecrets,
  type SecretResolver,
  type SecretSources,
} from './secret-references.js';
export {
  validateConfiguration,
  type ValidateConfigurationOptions,
  type ValidatedConfiguration,
} from './validate-configuration.js';
