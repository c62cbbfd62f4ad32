import { AgentryError } from '@agentry/core';
import { isOtlpProtocol } from './otlp-protocol.js';
import type { StartOtelOptions } from './start-otel.js';

const optionKeys = new Set([
  'serviceName',
  'serviceVersion',
  'endpoint',
  'protocol',
  'headers',
  'resourceAttributes',
  'metricExportIntervalMs',
  'traceExporter',
  'metricExporter',
  'registerGlobal',
  'retryBuffer',
]);

/**
 * @internal Checks `startOtel`'s options and throws one `validation_failed` error listing every
 * problem with its option.
 */
export function validateStartOtelOptions(options: StartOtelOptions): void {
  const problems: { path: string; message: string }[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message });
  if (typeof options !== 'object' || options === null) {
    problem('', `the options must be an object, got ${String(options)}`);
  } else {
    for (const key of Object.keys(options)) {
      if (!optionKeys.has(key)) problem(key, `unknown option ${key}`);
    }
    if (typeof options.serviceName !== 'string' || options.serviceName.trim() === '') {
      problem('serviceName', 'serviceName must be a non-empty string');
    }
    if (options.endpoint !== undefined && !isHttpUrl(options.endpoint)) {
      problem('endpoint', `endpoint ${JSON.stringify(options.endpoint)} is not an http(s) URL`);
    }
    if (options.protocol !== undefined && !isOtlpProtocol(options.protocol)) {
      problem(
        'protocol',
        `protocol must be "http/protobuf" or "http/json", got ${JSON.stringify(options.protocol)}`,
      );
    }
    const interval = options.metricExportIntervalMs;
    if (interval !== undefined && !(Number.isInteger(interval) && interval > 0)) {
      problem(
        'metricExportIntervalMs',
        `metricExportIntervalMs must be a positive integer, got ${String(interval)}`,
      );
    }
    for (const [path, value] of [
      ['headers', options.headers],
      ['resourceAttributes', options.resourceAttributes],
    ] as const) {
      if (value !== undefined && (typeof value !== 'object' || value === null)) {
        problem(path, `${path} must be an object`);
      }
    }
    if (options.traceExporter !== undefined && typeof options.traceExporter.export !== 'function') {
      problem('traceExporter', 'traceExporter has no export()');
    }
    if (
      options.metricExporter !== undefined &&
      typeof options.metricExporter.export !== 'function'
    ) {
      problem('metricExporter', 'metricExporter has no export()');
    }
    if (options.registerGlobal !== undefined && typeof options.registerGlobal !== 'boolean') {
      problem('registerGlobal', 'registerGlobal must be a boolean');
    }
    checkRetryBuffer(options.retryBuffer, problem);
  }
  if (problems.length === 0) return;
  throw new AgentryError({
    code: 'validation_failed',
    message: `Invalid startOtel options: ${problems.map((entry) => entry.message).join('; ')}.`,
    details: { path: problems[0]?.path, problems },
    suggestions: ['Fix each option listed; see StartOtelOptions for what each one takes.'],
  });
}

function checkRetryBuffer(value: unknown, problem: (path: string, message: string) => void): void {
  if (value === undefined || value === false) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problem(
      'retryBuffer',
      `retryBuffer must be false or { maxSpans }, got ${JSON.stringify(value)}`,
    );
    return;
  }
  for (const key of Object.keys(value)) {
    if (key !== 'maxSpans') problem(`retryBuffer.${key}`, `unknown option retryBuffer.${key}`);
  }
  const { maxSpans } = value as { maxSpans?: unknown };
  if (maxSpans !== undefined && !(Number.isSafeInteger(maxSpans) && (maxSpans as number) > 0)) {
    problem(
      'retryBuffer.maxSpans',
      `retryBuffer.maxSpans must be a positive integer, got ${JSON.stringify(maxSpans)}`,
    );
  }
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
