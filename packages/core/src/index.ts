/**
 * `@agentry/core`: the kernel every Agentry package plugs into.
 *
 * @packageDocumentation
 */
export * from './compliance/index.js';
export * from './errors/index.js';
export * from './plugins/index.js';
export { VERSION } from './version.js';
