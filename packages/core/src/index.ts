/**
 * `@agentry/core`: the kernel every Agentry package plugs into: the data model, configuration,
 * plug-in registry, errors, compliance baselines and versioning.
 *
 * @packageDocumentation
 */
export * from './agentry/index.js';
export * from './compliance/index.js';
export * from './config/index.js';
export * from './errors/index.js';
export * from './plugins/index.js';
export * from './schemas/index.js';
export * from './versioning/index.js';
export { VERSION } from './version.js';
