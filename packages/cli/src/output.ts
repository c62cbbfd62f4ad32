import { AgentryError, toAgentryError } from '@agentry/core';
import { exitCodes, type CliIo, type ExitCode } from './cli-io.js';

/** A progress line on standard error. @internal */
export interface Progress {
  /** Replaces the text after the spinner. */
  update(text: string): void;
  /** Clears the line and stops. */
  end(): void;
}

/** How a command writes: lines for people, or one JSON document for scripts. @internal */
export interface Output {
  /** Whether `--json` was given. */
  readonly json: boolean;
  /** Writes a line for people (nothing under `--json`). */
  line: (text?: string) => void;
  /** Writes the JSON document (only under `--json`). */
  result: (value: unknown) => void;
  /** Writes a note on standard error (nothing under `--json`). */
  note: (text: string) => void;
  /** Starts a progress display, drawn only when standard error is a terminal and not `--json`. */
  progress: (text: string) => Progress;
}

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Creates the {@link Output} of a command. @internal */
export function createOutput(io: CliIo, json: boolean): Output {
  return {
    json,
    line(text = '') {
      if (!json) io.stdout(`${text}\n`);
    },
    result(value) {
      if (json) io.stdout(`${JSON.stringify(value, null, 2)}\n`);
    },
    note(text) {
      if (!json) io.stderr(`${text}\n`);
    },
    progress(text) {
      if (json || !io.stderrIsTTY) return { update: () => undefined, end: () => undefined };
      let current = text;
      let frame = 0;
      const draw = (): void => {
        io.stderr(`\r\x1b[2K${frames[frame % frames.length] ?? ''} ${current}`);
        frame += 1;
      };
      draw();
      const timer = setInterval(draw, 80);
      timer.unref();
      return {
        update(next) {
          current = next;
          draw();
        },
        end() {
          clearInterval(timer);
          io.stderr('\r\x1b[2K');
        },
      };
    },
  };
}

/**
 * An error in the command line: reported with exit code 2.
 *
 * @internal
 */
export function usageError(message: string, suggestions: string[], details = {}): AgentryError {
  return new AgentryError({
    code: 'validation_failed',
    message,
    details: { ...details, usage: true },
    suggestions,
  });
}

/** Whether an error is a command-line error made by {@link usageError}. @internal */
export function isUsageError(error: AgentryError): boolean {
  return error.details['usage'] === true;
}

/**
 * Reports an error and returns its exit code: 2 for a usage error, 3 otherwise. People get the
 * message, the code and the suggestions on standard error; `--json` gets `{ ok: false, error }` on
 * standard output.
 *
 * @internal
 */
export function reportError(
  io: CliIo,
  json: boolean,
  thrown: unknown,
  helpCommand?: string,
): ExitCode {
  const error = toAgentryError(thrown);
  const code = isUsageError(error) ? exitCodes.usage : exitCodes.failure;
  if (json) {
    const { usage: _usage, ...details } = error.details;
    io.stdout(`${JSON.stringify({ ok: false, error: { ...error.toJSON(), details } }, null, 2)}\n`);
    return code;
  }
  io.stderr(`error: ${error.message} (${error.code})\n`);
  for (const suggestion of error.suggestions) io.stderr(`  hint: ${suggestion}\n`);
  if (error.code === 'internal' && error.cause instanceof Error && error.cause.stack)
    io.stderr(`${error.cause.stack}\n`);
  if (code === exitCodes.usage && helpCommand !== undefined)
    io.stderr(`See the usage with: ${helpCommand} --help\n`);
  return code;
}
