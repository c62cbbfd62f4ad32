/** A Google API key: `AIza` and 35 more characters. */
const KEY_LENGTH = 39;

const keyCharacters = /^[A-Za-z0-9_-]+$/;

/**
 * Checks a Gemini API key's format without calling the API: Google API keys start with `AIza`,
 * are exactly 39 characters long and hold only letters, digits, `-` and `_`. Returns `undefined`
 * for a key that looks right, or a sentence saying what is wrong, which never contains the key.
 *
 * @param apiKey - the key to check
 * @example
 * ```ts
 * import { validateGoogleApiKey } from '@agentry/google';
 *
 * validateGoogleApiKey('sk-proj-abc'); // 'A Google API key starts with "AIza".'
 * ```
 */
export function validateGoogleApiKey(apiKey: string): string | undefined {
  const key = apiKey.trim();
  if (key === '') return 'The API key is empty.';
  if (key !== apiKey) return 'The API key has spaces or line breaks around it.';
  if (!key.startsWith('AIza')) return 'A Google API key starts with "AIza".';
  if (key.length !== KEY_LENGTH) {
    return `The API key has ${String(key.length)} characters; a Google API key has exactly ${String(KEY_LENGTH)}, so it may be cut short or hold something else.`;
  }
  if (!keyCharacters.test(key)) {
    return 'The API key holds characters other than letters, digits, "-" and "_".';
  }
  return undefined;
}
