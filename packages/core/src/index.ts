/**
 * `@agentry/core`: the kernel every Agentry package plugs into.
 *
 * @packageDocumentation
 */
export * from './errors/index.js';
export { VERSION } from './version.js';
