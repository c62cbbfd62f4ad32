/**
 * A provider plug-in for Acme, a fictional vendor with its own wire protocol and its own provider
 * type `acme`, written on `@agentry/core`'s public API and plain `fetch`.
 *
 * @packageDocumentation
 */
export * from './acme-protocol.js';
export { acmeProvider, PLUGIN_NAME } from './acme-provider.js';
export {
  ACME_API_KEY_VARIABLE,
  ACME_DEFAULT_ENDPOINT,
  acmeModels,
  createAcmeProvider,
  type AcmeProvider,
} from './create-acme-provider.js';
export { VERSION } from './version.js';
