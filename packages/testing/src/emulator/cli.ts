#!/usr/bin/env node
/**
 * The `agentry-emulator` command: see {@link runCli}.
 *
 * @internal
 * @packageDocumentation
 */
import { runCli } from './run-cli.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
