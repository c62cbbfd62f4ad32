import {
  AgentryError,
  maskSecrets,
  redactSecrets,
  services,
  type MaskContext,
  type PluginHost,
} from '@agentry/core';

/** @internal The `error.type` of a failure: an AgentryError's code, else the error's class name. */
export function toErrorType(error: unknown): string {
  if (AgentryError.isInstance(error)) return error.code;
  if (error instanceof Error && error.name) return error.name;
  return '_OTHER';
}

/**
 * @internal A content attribute's value: secret-named fields masked (`apiKey`, `authorization` …),
 * then the instance's masker (security's, when installed) applied for `telemetry`, then JSON, then
 * core's `redactSecrets` (configured provider keys and key-shaped text such as `sk-…`, whatever
 * field holds them): API keys never reach a span. The masker is looked up at each call, so one
 * installed after monitoring still applies.
 */
export function toContentValue(host: PluginHost, value: unknown, context: MaskContext): string {
  const masker = host.lookup(services.masker);
  const withoutSecrets = maskSecrets(value);
  const masked = masker === undefined ? withoutSecrets : masker.mask(withoutSecrets, context);
  return redactSecrets(typeof masked === 'string' ? masked : (JSON.stringify(masked) ?? 'null'));
}
