import { AgentryError } from '@agentry/core';

/**
 * The OTLP/HTTP encodings `startOtel` exports with: `http/protobuf` (binary protobuf, the OTLP
 * specification's default) or `http/json` (OTLP/JSON).
 *
 * @example
 * ```ts
 * import { startOtel, type OtlpProtocol } from '@agentry/monitoring-otel';
 *
 * const protocol: OtlpProtocol = 'http/json';
 * const otel = startOtel({ serviceName: 'support-bot', protocol });
 * await otel.shutdown();
 * ```
 */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** @internal The protocols `startOtel` accepts, in the order its messages list them. */
export const otlpProtocols: readonly OtlpProtocol[] = ['http/protobuf', 'http/json'];

/** @internal Whether a value is one of {@link otlpProtocols}. */
export function isOtlpProtocol(value: unknown): value is OtlpProtocol {
  return (otlpProtocols as readonly unknown[]).includes(value);
}

/**
 * @internal The protocol of one signal: the option when given (validated with the other options),
 * else `OTEL_EXPORTER_OTLP_{TRACES,METRICS}_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`, else
 * `http/protobuf`. Environment values are trimmed and compared case-insensitively; an empty one
 * counts as unset, as the OpenTelemetry specification asks.
 *
 * @throws AgentryError `config_invalid` naming the variable and its value when it holds anything
 *   else (`grpc` included)
 */
export function resolveOtlpProtocol(
  signal: 'traces' | 'metrics',
  option: OtlpProtocol | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): OtlpProtocol {
  if (option !== undefined) return option;
  for (const name of [
    `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_PROTOCOL`,
    'OTEL_EXPORTER_OTLP_PROTOCOL',
  ]) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const value = raw.trim().toLowerCase();
    if (isOtlpProtocol(value)) return value;
    throw new AgentryError({
      code: 'config_invalid',
      message: `${name} is ${JSON.stringify(raw)}, which startOtel does not support for ${signal}: use "http/protobuf" or "http/json".`,
      details: { path: `env.${name}`, value: raw, allowed: otlpProtocols },
      suggestions: [
        value === 'grpc'
          ? `OTLP over gRPC is not supported by @agentry/monitoring-otel; set ${name} to http/protobuf and point endpoint at the receiver's OTLP/HTTP port (4318 by default).`
          : `Set ${name} to http/protobuf or http/json, or unset it.`,
        'Or pass protocol to startOtel, which takes precedence over the environment.',
      ],
    });
  }
  return 'http/protobuf';
}
