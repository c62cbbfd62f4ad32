/**
 * `@agentry/testing`: a scriptable mock model for tests and examples, and conformance suites that
 * provider and store plug-ins run in their own test suites.
 *
 * @packageDocumentation
 */
export { VERSION } from './version.js';
