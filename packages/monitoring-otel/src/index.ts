/**
 * `@agentry/monitoring-otel`: an OpenTelemetry JS SDK set-up for Agentry applications on Node 20
 * or later. It pins the SDK 2.12 line and exports traces and metrics over OTLP/HTTP
 * (protobuf by default, or JSON); hand its
 * providers to `installTracing` from `@agentry/monitoring`.
 *
 * @packageDocumentation
 */
export {
  startOtel,
  type OtelSdk,
  type OtlpProtocol,
  type RetryBufferOptions,
  type StartOtelOptions,
} from './start-otel.js';
export { VERSION } from './version.js';
