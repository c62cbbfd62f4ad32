/**
 * `@agentry/monitoring/otel`: OpenTelemetry traces and metrics of every agent and workflow run,
 * following the GenAI semantic conventions, through `@opentelemetry/api` (an optional peer
 * dependency: this entry is the only one that loads it, so the rest of the package works without
 * it). Bring an SDK, or `@agentry/monitoring-otel`, and call `installTracing` from a plug-in's
 * `setup`.
 *
 * @packageDocumentation
 */
export {
  createOtelContextPropagator,
  installTracing,
  type InstallTracingOptions,
  type TracingInstallation,
} from './otel/index.js';
