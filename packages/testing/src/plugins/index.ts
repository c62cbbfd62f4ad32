export {
  describePluginConformance,
  type PluginConformanceOptions,
} from './describe-plugin-conformance.js';
