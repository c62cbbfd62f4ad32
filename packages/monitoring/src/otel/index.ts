export {
  installTracing,
  type InstallTracingOptions,
  type TracingInstallation,
} from './install-tracing.js';
export { createOtelContextPropagator } from './otel-context-propagator.js';
