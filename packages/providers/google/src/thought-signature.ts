/** The provider type, and the key of Gemini's entries in `providerOptions` and `providerMetadata`. */
export const GOOGLE_METADATA_KEY = 'google';

/**
 * Reads the Gemini thought signature kept in a reasoning part's provider metadata
 * (`providerMetadata.google.thoughtSignature`).
 *
 * Gemini signs its thinking with an opaque `thoughtSignature` on the part after the thoughts (the
 * first function call, or a text part) and wants it back, on the same part, when the conversation
 * continues; Gemini 3 models refuse a function call sent back without one. The model contract
 * keeps provider data only on reasoning parts, so a signature becomes a reasoning part (empty text
 * when the thoughts themselves were not returned) placed just before the function call it signs,
 * or after the text it signs, as Gemini streams it.
 *
 * @internal
 */
export function thoughtSignatureOf(
  providerMetadata: Record<string, Record<string, unknown>> | undefined,
): string | undefined {
  const signature = providerMetadata?.[GOOGLE_METADATA_KEY]?.['thoughtSignature'];
  return typeof signature === 'string' && signature !== '' ? signature : undefined;
}

/**
 * The provider metadata that keeps a thought signature.
 *
 * @internal
 */
export function signatureMetadata(signature: string): Record<string, Record<string, unknown>> {
  return { [GOOGLE_METADATA_KEY]: { thoughtSignature: signature } };
}
