export { type ContextPropagator } from './core-interfaces.js';
export {
  installTracing,
  type InstallTracingOptions,
  type TracingInstallation,
} from './install-tracing.js';
export { createOtelContextPropagator } from './otel-context-propagator.js';
