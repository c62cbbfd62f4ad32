#!/usr/bin/env node
/**
 * The `agentry` binary: see {@link runAgentry}.
 *
 * @internal
 * @packageDocumentation
 */
import { runAgentry } from './run-agentry.js';

runAgentry(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 3;
  },
);
