import type { CliIo, ExitCode } from './cli-io.js';
import type { Output } from './output.js';

/** An option of a subcommand, as `node:util` `parseArgs` reads it, with its help text. @internal */
export interface OptionSpec {
  /** Whether the option takes a value. */
  type: 'string' | 'boolean';
  /** A one-letter alias. */
  short?: string;
  /** Whether the option may be repeated. */
  multiple?: boolean;
  /** The value's placeholder in help, such as `file`. */
  valueName?: string;
  /** What the option does, one line. */
  description: string;
}

/** The parsed command line a subcommand runs with. @internal */
export interface CommandContext {
  /** Option values by name. */
  values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  /** The arguments that are not options. */
  positionals: readonly string[];
  /** Where the command writes. */
  io: CliIo;
  /** Human or JSON output, and progress. */
  output: Output;
}

/** A subcommand: its help and what it runs. @internal */
export interface CommandSpec {
  /** The words after `agentry`: `validate`, `runs list`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The synopsis, such as `agentry validate [file] [options]`. */
  usage: string;
  /** What the command does, a few lines. */
  description: string;
  /** The options besides `--help` and `--json`. */
  options: Readonly<Record<string, OptionSpec>>;
  /** How many positional arguments it takes. */
  positionals: { min: number; max: number };
  /** Example command lines. */
  examples: readonly string[];
  /** Runs the command and returns its exit code. */
  run(context: CommandContext): Promise<ExitCode>;
}

/** The options every subcommand has. @internal */
export const commonOptions: Readonly<Record<string, OptionSpec>> = {
  help: { type: 'boolean', short: 'h', description: 'Show this help.' },
  json: { type: 'boolean', description: 'Print one JSON document on standard output.' },
};

/** The help text of a subcommand. @internal */
export function commandHelp(command: CommandSpec): string {
  const options = { ...command.options, ...commonOptions };
  const rows = Object.entries(options).map(([name, option]) => {
    const short = option.short ? `-${option.short}, ` : '    ';
    const value = option.type === 'string' ? ` <${option.valueName ?? 'value'}>` : '';
    return [`  ${short}--${name}${value}`, option.description] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [
    `Usage: ${command.usage}`,
    '',
    command.description,
    '',
    'Options:',
    ...rows.map(([left, right]) => `${left.padEnd(width)}${right}`),
    '',
    'Examples:',
    ...command.examples.map((example) => `  ${example}`),
    '',
    'Exit codes: 0 ok, 1 problems found, 2 usage error, 3 failure.',
    '',
  ].join('\n');
}
