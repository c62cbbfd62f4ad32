export { describeProviderConformance } from './describe-provider-conformance.js';
export type {
  ProviderConformanceCapabilities,
  ProviderConformanceModelContext,
  ProviderConformanceOptions,
} from './provider-conformance-options.js';
