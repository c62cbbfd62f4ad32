/**
 * `@agentry/core`: the kernel every Agentry package plugs into: the data model, configuration,
 * plug-in registry, errors, compliance baselines and versioning.
 *
 * @packageDocumentation
 */
export * from './agent/index.js';
export * from './agentry/index.js';
export * from './compliance/index.js';
export * from './config/index.js';
export * from './errors/index.js';
export * from './model/index.js';
export * from './plugins/index.js';
export * from './providers/index.js';
export * from './realtime/index.js';
export * from './resilience/index.js';
export * from './schemas/index.js';
export * from './stores/index.js';
export * from './versioning/index.js';
export * from './webhooks/index.js';
export { VERSION } from './version.js';
