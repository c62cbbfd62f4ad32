/**
 * `@agentry/google`: Agentry's Google provider. Gemini models through the official
 * `@google/genai` SDK on the Gemini API, with Agentry's model contract, errors, credentials and
 * connection pooling.
 *
 * @packageDocumentation
 */
export { createGoogle, type GoogleProviderOptions, type GoogleProvider } from './create-google.js';
export { googlePlugin } from './google-plugin.js';
export { DEFAULT_GOOGLE_CAPABILITIES, googleModels } from './models.js';
export { googleErrorBodySchema, type GoogleErrorBody } from './to-google-error.js';
export { validateGoogleApiKey } from './validate-google-api-key.js';
export { VERSION } from './version.js';
