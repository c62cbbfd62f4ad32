import { AgentryError } from '@agentry/core';

/**
 * Options of {@link checkTransport}.
 *
 * @example
 * ```ts
 * import type { CheckTransportOptions } from '@agentry/security';
 *
 * const options: CheckTransportOptions = { inTransit: true, purpose: 'OpenAI API' };
 * console.log(options.purpose);
 * ```
 */
export interface CheckTransportOptions {
  /**
   * Whether encryption in transit is required (the security configuration's
   * `encryption.inTransit`); when `false` every URL passes.
   */
  inTransit: boolean;
  /** What the endpoint is for, named in the error: `OpenAI API`, `webhook`, `realtime server`. */
  purpose: string;
}

/**
 * One endpoint for {@link checkTransports}.
 *
 * @example
 * ```ts
 * import type { TransportEndpoint } from '@agentry/security';
 *
 * const endpoint: TransportEndpoint = { url: 'https://api.example.com/v1', purpose: 'model API' };
 * console.log(endpoint.url);
 * ```
 */
export interface TransportEndpoint {
  /** The endpoint's URL. */
  url: string;
  /** What the endpoint is for, named in the error. */
  purpose: string;
}

/** Plain schemes and their encrypted counterparts. */
const secureScheme: Readonly<Record<string, string>> = { 'http:': 'https:', 'ws:': 'wss:' };

interface InsecureEndpoint {
  readonly purpose: string;
  /** The URL without credentials, query or fragment. */
  readonly url: string;
  /** The same URL with its scheme made secure. */
  readonly secureUrl: string;
}

/**
 * Whether `hostname` (as the WHATWG URL parser gives it for http and ws, which turns `0x7f000001`,
 * `2130706433` and `0177.0.0.1` into `127.0.0.1` and compresses IPv6) is loopback: 127.0.0.0/8,
 * `::1`, `::ffff:127.x.y.z`, or exactly `localhost`. A name that only starts like one
 * (`127.0.0.1.evil.com`, `localhost.evil.com`) is resolved by DNS, so it is not loopback.
 */
function isLoopback(hostname: string): boolean {
  if (hostname === 'localhost') return true;
  if (hostname === '[::1]') return true;
  if (/^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(hostname)) return true;
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(hostname);
  return octets !== null && octets[1] === '127';
}

/** Returns the endpoint when it is plain and not loopback, `undefined` when it is acceptable. */
function findInsecure(url: string, purpose: string): InsecureEndpoint | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    // The text is not echoed: it may hold credentials.
    throw new AgentryError({
      code: 'validation_failed',
      message: `The URL of the ${purpose} is not a valid absolute URL.`,
      details: { purpose },
      suggestions: ['Give an absolute URL such as https://api.example.com/v1.'],
      cause: error,
    });
  }
  const secure = secureScheme[parsed.protocol];
  if (secure === undefined || isLoopback(parsed.hostname)) return undefined;
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  const shown = parsed.href;
  return { purpose, url: shown, secureUrl: secure + shown.slice(parsed.protocol.length) };
}

function insecureTransport(found: readonly InsecureEndpoint[]): AgentryError {
  const list = found.map((endpoint) => `the ${endpoint.purpose} at ${endpoint.url}`).join('; ');
  return new AgentryError({
    code: 'insecure_transport',
    message: `Encryption in transit is required, but ${list} ${found.length === 1 ? 'uses' : 'use'} an unencrypted scheme (http:// or ws://) to a host that is not loopback.`,
    details: {
      endpoints: found.map(({ purpose, url }) => ({ purpose, url })),
      ...(found.length === 1 ? { purpose: found[0]!.purpose, url: found[0]!.url } : {}),
    },
    suggestions: [
      ...found.map((endpoint) => `Use ${endpoint.secureUrl} for the ${endpoint.purpose}.`),
      'If the service only speaks plain HTTP, reach it through a TLS proxy listening on loopback (127.0.0.1 or ::1) and point the URL there.',
    ],
  });
}

/**
 * Refuses a plain `http://` or `ws://` URL when encryption in transit is required, unless its
 * host is loopback (127.0.0.0/8, `::1`, `localhost`), where traffic never leaves the machine.
 * Hosts are judged after the URL parser normalises them, so `http://0x7f000001` is loopback and
 * `http://127.0.0.1.evil.com`, `http://localhost.evil.com` and `http://127.0.0.1@evil.com` are
 * not. Schemes are case-insensitive. Other schemes (`https:`, `wss:`, …) pass.
 *
 * The error names the purpose and the URL with its credentials, query and fragment removed.
 *
 * @throws AgentryError `insecure_transport` for a plain URL to another host, with
 *   `details.purpose` and `details.url` and the encrypted URL to use among the suggestions;
 *   `validation_failed` when `url` is not an absolute URL
 *
 * @example
 * ```ts
 * import { checkTransport } from '@agentry/security';
 *
 * checkTransport('https://api.openai.com/v1', { inTransit: true, purpose: 'OpenAI API' }); // passes
 * checkTransport('http://127.0.0.1:8080', { inTransit: true, purpose: 'local emulator' }); // passes
 * try {
 *   checkTransport('http://hooks.example.com/in', { inTransit: true, purpose: 'webhook' });
 * } catch (error) {
 *   console.log((error as { code: string }).code); // 'insecure_transport'
 * }
 * ```
 */
export function checkTransport(url: string, options: CheckTransportOptions): void {
  if (!options.inTransit) return;
  const found = findInsecure(url, options.purpose);
  if (found !== undefined) throw insecureTransport([found]);
}

/**
 * Checks several endpoints with {@link checkTransport}'s rule at once (encryption in transit
 * required), and names every plain one in a single error, so one start-up reports them all.
 *
 * @throws AgentryError `insecure_transport` listing every plain, non-loopback endpoint under
 *   `details.endpoints`; `validation_failed` for a URL that is not absolute
 *
 * @example
 * ```ts
 * import { checkTransports } from '@agentry/security';
 *
 * checkTransports([
 *   { url: 'https://api.anthropic.com', purpose: 'Anthropic API' },
 *   { url: 'ws://localhost:3000/realtime', purpose: 'realtime server' },
 * ]); // passes: one is encrypted, the other loopback
 * ```
 */
export function checkTransports(urls: readonly TransportEndpoint[]): void {
  const found = urls.flatMap(({ url, purpose }) => findInsecure(url, purpose) ?? []);
  if (found.length > 0) throw insecureTransport(found);
}
