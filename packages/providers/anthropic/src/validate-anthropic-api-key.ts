/** The shortest and longest plausible Anthropic API key. Keys issued today are 108 characters. */
const MIN_KEY_LENGTH = 40;
const MAX_KEY_LENGTH = 256;

const keyCharacters = /^[A-Za-z0-9_-]+$/;

/**
 * Checks an Anthropic API key's format without calling the API: it starts with `sk-ant-`, is a
 * plausible length (40 to 256 characters) and holds only letters, digits, `-` and `_`. Returns
 * `undefined` for a key that looks right, or a sentence saying what is wrong, which never contains
 * the key.
 *
 * @param apiKey - the key to check
 * @example
 * ```ts
 * import { validateAnthropicApiKey } from '@agentry/anthropic';
 *
 * validateAnthropicApiKey('sk-proj-abc'); // 'An Anthropic API key starts with "sk-ant-".'
 * ```
 */
export function validateAnthropicApiKey(apiKey: string): string | undefined {
  const key = apiKey.trim();
  if (key === '') return 'The API key is empty.';
  if (key !== apiKey) return 'The API key has spaces or line breaks around it.';
  if (!key.startsWith('sk-ant-')) return 'An Anthropic API key starts with "sk-ant-".';
  if (key.length < MIN_KEY_LENGTH) {
    return `The API key has ${String(key.length)} characters; an Anthropic key has at least ${String(MIN_KEY_LENGTH)}, so it may be cut short.`;
  }
  if (key.length > MAX_KEY_LENGTH) {
    return `The API key has ${String(key.length)} characters, more than an Anthropic key's ${String(MAX_KEY_LENGTH)}; it may hold something else besides the key.`;
  }
  if (!keyCharacters.test(key)) {
    return 'The API key holds characters other than letters, digits, "-" and "_".';
  }
  return undefined;
}
