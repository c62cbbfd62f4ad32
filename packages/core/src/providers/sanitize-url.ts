import { isSecretName } from './is-secret-name.js';

/**
 * Query parameters that are secret only in a URL, on top of {@link isSecretName}'s rule (the one
 * rule for headers, fields and query parameters): a shared-access signature (`sig`) and the OAuth
 * authorization code and state of a redirect (`code`, `state`). As header or field names they are
 * ordinary words, so they stay out of the shared rule.
 */
const urlOnlySecretParameters: ReadonlySet<string> = new Set(['sig', 'code', 'state']);

const isSecretParameter = (name: string) =>
  isSecretName(name) || urlOnlySecretParameters.has(name.toLowerCase());

/** An absolute URL inside text: a scheme, `//`, then everything up to a space or a quote. */
const urlInText = /\b[a-z][a-z\d+.-]*:\/\/[^\s"'<>`]+/gi;

/** Punctuation that ends a sentence rather than a URL: kept out of the URL, put back after it. */
const trailingPunctuation = /[).,;:!?\]]+$/;

/** The user info of a URL that could not be parsed: `//user:password@`. */
const userInfo = /^([a-z][a-z\d+.-]*:\/\/)[^/?#]*@/i;

/**
 * Returns `url` without anything secret-looking, for messages, logs and error details: the user
 * name and password are removed, query parameters whose name looks secret (`api_key`, `key`,
 * `access_token`, `client_secret`, `password`, `signature`, `X-Amz-Credential`, `sig`, `code`, …)
 * are removed, and the fragment (where implicit OAuth flows put tokens) is dropped. The scheme,
 * host, port, path and the other query parameters stay, so the URL still says where a request
 * went. Text that is not an absolute URL comes back as `(invalid URL)`.
 *
 * Use it wherever a URL goes into an error, a log line or an event; use
 * {@link sanitizeUrlsInText} for text that may contain URLs, such as another library's error
 * message.
 *
 * @param url - the URL, as text or a `URL`
 * @returns the URL without user info, secret query parameters or fragment
 * @example
 * ```ts
 * sanitizeUrl('https://user:pw@auth.example.com/token?api_key=k&tenant=acme#frag');
 * // 'https://auth.example.com/token?tenant=acme'
 * ```
 */
export function sanitizeUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(invalid URL)';
  }
  parsed.username = '';
  parsed.password = '';
  parsed.hash = '';
  if (parsed.search !== '') {
    const query = parsed.searchParams;
    for (const name of [...new Set(query.keys())]) {
      if (isSecretParameter(name)) query.delete(name);
    }
  }
  return parsed.href;
}

/**
 * Returns `text` with every absolute URL in it passed through {@link sanitizeUrl}; a URL that
 * cannot be parsed loses its user info. Meant for messages written by other code (a `fetch`
 * `TypeError` quotes the URL it was given, credentials included).
 *
 * @param text - any text
 * @returns the text with its URLs sanitised
 * @example
 * ```ts
 * sanitizeUrlsInText('cannot fetch https://user:pw@host/token?key=k');
 * // 'cannot fetch https://host/token'
 * ```
 */
export function sanitizeUrlsInText(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(urlInText, (match) => {
    const trailing = trailingPunctuation.exec(match)?.[0] ?? '';
    const url = match.slice(0, match.length - trailing.length);
    const clean = sanitizeUrl(url);
    return (clean === '(invalid URL)' ? url.replace(userInfo, '$1') : clean) + trailing;
  });
}
