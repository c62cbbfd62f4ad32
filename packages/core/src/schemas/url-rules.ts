const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * Tells why a string is not an absolute https URL (http allowed only for a loopback host), or
 * returns `undefined` when it is one.
 *
 * @internal
 */
export function secureUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL such as https://app.example.com/callback';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return loopbackHosts.has(url.hostname)
      ? undefined
      : 'must use https (http is allowed only for localhost)';
  }
  return `must use https, not ${url.protocol.replace(':', '')}`;
}

/**
 * Tells why a string is not an absolute http(s) URL, or returns `undefined` when it is one.
 *
 * @internal
 */
export function httpUrlProblem(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:'
      ? undefined
      : `must use http or https, not ${url.protocol.replace(':', '')}`;
  } catch {
    return 'must be an absolute http(s) URL';
  }
}
