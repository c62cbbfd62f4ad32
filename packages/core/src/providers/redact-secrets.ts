import { maskSecret } from '../config/mask-secrets.js';

// Credentials vendors are known to echo in error text: OpenAI and Anthropic keys (`sk-…`), Google
// API keys (`AIza…`), bearer tokens and JWTs. Only the last four characters survive, as
// `maskSecret` shows them.
const secretPattern =
  /\bsk-[A-Za-z0-9_-]{8,}|\bAIza[A-Za-z0-9_-]{20,}|\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*|(?<=\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/g;

/**
 * Masks anything in `text` that looks like a credential, so that a vendor's error message can go
 * into an `AgentryError` without leaking the key that was sent.
 *
 * @internal
 */
export function redactSecrets(text: string): string {
  return text.replace(secretPattern, (secret) => maskSecret(secret));
}
