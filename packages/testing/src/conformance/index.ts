export { describeProviderConformance } from './describe-provider-conformance.js';
export type {
  ProviderConformanceBaseOptions,
  ProviderConformanceCapabilities,
  ProviderConformanceModelContext,
  ProviderConformanceOptions,
  ProviderConformanceServeOptions,
  ProviderConformanceServerContext,
  ProviderConformanceWireOptions,
} from './provider-conformance-options.js';
