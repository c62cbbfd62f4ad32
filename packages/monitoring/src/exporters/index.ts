export {
  startJsonLinesExporter,
  type JsonLinesDestination,
  type JsonLinesExporter,
  type JsonLinesExporterOptions,
  type MetricSample,
} from './json-lines-exporter.js';
export {
  createPrometheusHandler,
  startPrometheusServer,
  type PrometheusHandler,
  type PrometheusServer,
  type PrometheusServerOptions,
} from './prometheus-server.js';
export { PROMETHEUS_CONTENT_TYPE, renderPrometheusText } from './prometheus-text.js';
