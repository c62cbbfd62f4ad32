import { maskSecret } from '../config/mask-secrets.js';

/**
 * How many credential values are remembered: the newest win. A process holds a few keys and
 * tokens at a time (one per provider, model override and rotation), so this only bounds a source
 * that mints a new token per call.
 */
const maxKnownSecrets = 256;
// Shorter values are not remembered: masking every occurrence of a short string would damage
// ordinary text, and no real key or token is that short.
const minSecretLength = 12;

// The credential values this process sends, in insertion order (oldest first).
const known = new Set<string>();

/**
 * Remembers a credential value the process is about to send (an API key, a bearer or OAuth2
 * token, an OAuth2 client secret), so that {@link createProviderError} masks it wherever it
 * appears in an error (message, details, the cause chain and its stacks), whatever its format: a
 * vendor or a proxy that echoes the key it was sent in free text (`Incorrect API key provided:
 * 3f9a…`) cannot leak one that no pattern recognises. Provider plug-ins call it once per
 * credential value, where they make an SDK client for it, not per request; Agentry's credential
 * sources call it for the keys and tokens they hand out.
 *
 * Values shorter than 12 characters are ignored (no real key is that short, and masking a short
 * string would damage ordinary text); the 256 newest values are kept.
 *
 * @param value - the key, token or secret
 * @example
 * ```ts
 * const credential = await credentials.get({ signal });
 * if (credential.value !== latestValue) {
 *   rememberSecret(credential.value);
 *   client = new VendorClient({ apiKey: credential.value });
 * }
 * ```
 */
export function rememberSecret(value: string): void {
  if (value.length < minSecretLength || known.has(value)) return;
  if (known.size >= maxKnownSecrets) {
    const oldest = known.values().next().value;
    if (oldest !== undefined) known.delete(oldest);
  }
  known.add(value);
}

/**
 * Masks every remembered credential value in `text` (see {@link rememberSecret}), keeping its last
 * four characters as `maskSecret` shows them.
 *
 * @internal
 */
export function maskKnownSecrets(text: string): string {
  if (known.size === 0) return text;
  let masked = text;
  for (const secret of known) {
    if (masked.includes(secret)) masked = masked.split(secret).join(maskSecret(secret));
  }
  return masked;
}
