// Project keys (`sk-proj-…`), service-account keys (`sk-svcacct-…`), admin keys (`sk-admin-…`) and
// legacy user keys (`sk-…`): `sk-`, then URL-safe base64 characters (the kind prefix included).
const keyPattern = /^sk-[A-Za-z0-9_-]+$/;

/** The shortest key OpenAI has issued (legacy user keys: `sk-` and 48 characters). */
const MIN_LENGTH = 40;
/** Well above today's longest keys (project keys run to about 170 characters). */
const MAX_LENGTH = 512;

/**
 * Checks the format of an OpenAI API key without calling OpenAI: it must start with `sk-` (project
 * keys with `sk-proj-`, service accounts with `sk-svcacct-`), hold only letters, digits, `-` and
 * `_`, and be 40 to 512 characters long. Returns `undefined` for a key that looks right, or a
 * sentence saying what is wrong, which never contains the key.
 *
 * Keys for OpenAI-compatible servers (vLLM, Ollama, LM Studio) have no fixed format; this check is
 * for keys sent to OpenAI itself.
 *
 * @param apiKey - the key to check
 * @example
 * ```ts
 * import { validateOpenAIApiKey } from '@agentry/openai';
 *
 * validateOpenAIApiKey('sk-proj-' + 'a'.repeat(120)); // undefined
 * validateOpenAIApiKey('pk-123'); // 'An OpenAI API key starts with "sk-" …'
 * ```
 */
export function validateOpenAIApiKey(apiKey: string): string | undefined {
  if (typeof apiKey !== 'string' || apiKey.length === 0) return 'The OpenAI API key is empty.';
  const trimmed = apiKey.trim();
  if (trimmed !== apiKey) {
    return 'The OpenAI API key has spaces or line breaks around it; remove them.';
  }
  if (!apiKey.startsWith('sk-')) {
    return 'An OpenAI API key starts with "sk-" (project keys with "sk-proj-"); copy it again from the API keys page of the OpenAI dashboard.';
  }
  if (apiKey.length < MIN_LENGTH) {
    return `The OpenAI API key is ${apiKey.length} characters long, shorter than any key OpenAI issues (at least ${MIN_LENGTH}); it may be cut off.`;
  }
  if (apiKey.length > MAX_LENGTH) {
    return `The OpenAI API key is ${apiKey.length} characters long, longer than any key OpenAI issues; it may hold more than the key.`;
  }
  if (!keyPattern.test(apiKey)) {
    return 'The OpenAI API key holds characters a key never has (only letters, digits, "-" and "_" are allowed).';
  }
  return undefined;
}
