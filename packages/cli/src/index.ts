/**
 * `@agentry/cli`: the `agentry` command. Scaffold a project, validate and migrate configurations,
 * run the provider emulator, inspect and control durable workflow runs, and check an
 * installation. The package's entry exports {@link runAgentry} to run the command in process.
 *
 * @packageDocumentation
 */
export { exitCodes, type CliIo, type ExitCode } from './cli-io.js';
export { runAgentry } from './run-agentry.js';
export { VERSION } from './version.js';
