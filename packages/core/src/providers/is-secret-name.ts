import { isSecretKey } from '../config/mask-secrets.js';

/**
 * Names that say a credential is held, whatever its value looks like. Words, not substrings, where
 * a substring would catch a counter: `token` not followed by a letter (`access_token`,
 * `id_token_hint`, but not `max_tokens`, `x-ratelimit-remaining-tokens` or `tokenEndpoint`), and
 * `key` as a word or after `api`, `access`, `private` or `signing` (`x-api-key`, `apiKey`,
 * `AWSAccessKeyId`, but not `keyword`).
 */
const secretNamePattern =
  /auth|cookie|session|credential|passw|pwd|passphrase|secret|signature|token(?![a-z])|(?:^|[^a-z])key(?![a-z])|(?:api|access|private|signing)[-_]?key/i;

/**
 * Tells whether a header, a field or a URL query parameter of that name carries a credential
 * (`authorization`, `x-api-key`, `x-goog-api-key`, `cookie`, `clientSecret`, `access_token`,
 * `X-Amz-Signature`, `password`, …), together with what {@link isSecretKey} knows by name. The one
 * rule for every place that masks or drops credentials by name: errors (`redactError`), the
 * headers a redirect to another origin drops (`isCredentialHeader`) and the query parameters
 * `sanitizeUrl` removes (which adds a few names that are secret only in a URL). Counters such as
 * `x-ratelimit-remaining-tokens` and `max_tokens` are not credentials.
 *
 * @internal
 */
export function isSecretName(name: string): boolean {
  return secretNamePattern.test(name) || isSecretKey(name);
}
