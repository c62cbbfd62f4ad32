/**
 * What the command talks to: its output streams, the working directory and the environment. The
 * binary passes the process's; tests and embedders pass their own.
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const io: CliIo = {
 *   stdout: (text) => lines.push(text),
 *   stderr: (text) => lines.push(text),
 *   stderrIsTTY: false,
 *   cwd: process.cwd(),
 *   env: {},
 * };
 * ```
 */
export interface CliIo {
  /** Writes text to standard output (the text carries its own line ends). */
  stdout(text: string): void;
  /** Writes text to standard error (the text carries its own line ends). */
  stderr(text: string): void;
  /** Whether standard error is a terminal: progress is drawn only then. */
  stderrIsTTY: boolean;
  /** The directory relative paths are resolved against. */
  cwd: string;
  /** The environment (secret references in configurations read it). */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Settles when a long-running command (the emulator) should stop; by default on SIGINT or
   * SIGTERM.
   */
  waitForStop?: () => Promise<void>;
}

/**
 * The command's exit codes: `0` when everything is fine, `1` when the command ran and found
 * problems (an invalid configuration, a failed check, a migration needed with `--check`), `2` for
 * a usage error (an unknown command or option, a missing argument), `3` when the work itself
 * failed (a file could not be read, a store could not be opened, a run could not be resumed).
 *
 * @example
 * ```ts
 * const code = await runAgentry(['validate', 'agentry.config.json']);
 * if (code === exitCodes.problems) console.log('The configuration has problems.');
 * ```
 */
export const exitCodes = {
  /** Everything is fine. */
  ok: 0,
  /** The command ran and found problems. */
  problems: 1,
  /** The command line is wrong. */
  usage: 2,
  /** The work failed. */
  failure: 3,
} as const;

/**
 * One of {@link exitCodes}.
 *
 * @example
 * ```ts
 * const code: ExitCode = exitCodes.ok;
 * ```
 */
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];
