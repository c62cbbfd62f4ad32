const secretKeyPattern =
  /^(api[-_]?key|.*secret|.*token|password|passphrase|private[-_]?key|credentials?|webhook[-_]?url)$/i;

/**
 * Tells whether a configuration key holds a secret by its name (`apiKey`, `clientSecret`,
 * `token`, `password`, `webhookUrl`, …).
 *
 * @example
 * ```ts
 * isSecretKey('clientSecret'); // true
 * isSecretKey('tokenEndpoint'); // false
 * ```
 */
export function isSecretKey(key: string): boolean {
  return secretKeyPattern.test(key);
}

/**
 * Masks a secret for display: the last four characters of a long secret stay visible so that a
 * person can tell keys apart; a short one is hidden whole.
 *
 * @example
 * ```ts
 * maskSecret('abcdefghijklmnopqrstuvwxyz'); // '****wxyz'
 * ```
 */
export function maskSecret(value: unknown): string {
  if (typeof value !== 'string' || value.length < 16) return '****';
  return `****${value.slice(-4)}`;
}

/**
 * Returns a deep copy of `value` with every secret masked: values under secret-named keys and
 * values at the given paths (those that came from `${env:…}` or `${secret:…}` references).
 *
 * @param secretPaths - dotted paths (`authentication.oauth2.clientSecret`) known to hold secrets
 * @example
 * ```ts
 * maskSecrets({ oauth2: { clientId: 'x', clientSecret: 's3cr3t' } }); // clientSecret: '****'
 * ```
 */
export function maskSecrets(
  value: unknown,
  secretPaths: ReadonlySet<string> = new Set(),
  path = '',
): unknown {
  if (path !== '' && secretPaths.has(path)) return maskSecret(value);
  if (Array.isArray(value))
    return value.map((item, index) => maskSecrets(item, secretPaths, `${path}[${index}]`));
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    const copy: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const childPath = path === '' ? key : `${path}.${key}`;
      copy[key] =
        isSecretKey(key) && child !== undefined && typeof child !== 'object'
          ? maskSecret(child)
          : maskSecrets(child, secretPaths, childPath);
    }
    return copy;
  }
  return value;
}
