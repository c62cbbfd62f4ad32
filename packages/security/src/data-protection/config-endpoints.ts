import { checkTransports, type TransportEndpoint } from '../at-rest/index.js';

/** A whole value that is a plain (unencrypted) URL. */
const plainUrl = /^(?:http|ws):\/\//i;

/**
 * Every plain `http://` or `ws://` URL in the configuration, each named by its path (such as
 * `providers.0.baseURL` or `logging.alerts.channels.1.url`): provider endpoints, webhooks, alert
 * channels and realtime addresses all live there. Encrypted schemes and other values are skipped.
 *
 * @internal
 */
export function plainEndpoints(config: unknown): TransportEndpoint[] {
  const found: TransportEndpoint[] = [];
  const walk = (value: unknown, path: string, depth: number) => {
    if (depth > 32) return;
    if (typeof value === 'string') {
      if (plainUrl.test(value.trim())) found.push({ url: value.trim(), purpose: path });
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) =>
        walk(item, path === '' ? `${index}` : `${path}.${index}`, depth + 1),
      );
      return;
    }
    if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        walk(item, path === '' ? key : `${path}.${key}`, depth + 1);
      }
    }
  };
  walk(config, '', 0);
  return found;
}

/**
 * Refuses, at start-up, a configuration that names a plain endpoint off loopback while
 * `security.encryption.inTransit` is on, listing each with its path.
 *
 * @throws AgentryError `insecure_transport`
 * @internal
 */
export function requireEncryptedEndpoints(
  config: unknown,
  more: readonly TransportEndpoint[] = [],
): void {
  checkTransports([...plainEndpoints(config), ...more]);
}
