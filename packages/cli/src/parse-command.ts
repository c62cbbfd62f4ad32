import { parseArgs } from 'node:util';
import { closestWord } from './closest-word.js';
import { commonOptions, type CommandSpec } from './command.js';
import { usageError } from './output.js';

/** What {@link parseCommand} read. @internal */
export interface ParsedCommand {
  /** Option values by name. */
  values: Record<string, string | boolean | string[] | undefined>;
  /** The arguments that are not options. */
  positionals: string[];
}

/**
 * Reads a subcommand's arguments with `node:util` `parseArgs`, turning its errors into usage
 * errors that name the option and suggest the nearest known one.
 *
 * @internal
 * @throws AgentryError `validation_failed` (a usage error) for an unknown option, a missing value
 *   or a wrong number of arguments
 */
export function parseCommand(command: CommandSpec, args: readonly string[]): ParsedCommand {
  const options = { ...command.options, ...commonOptions };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: Object.fromEntries(
        Object.entries(options).map(([name, option]) => [
          name,
          {
            type: option.type,
            ...(option.short ? { short: option.short } : {}),
            ...(option.multiple ? { multiple: true } : {}),
          },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw toUsageError(command, options, error);
  }
  const values = parsed.values as ParsedCommand['values'];
  if (values['help'] === true) return { values, positionals: parsed.positionals };
  const count = parsed.positionals.length;
  const { min, max } = command.positionals;
  if (count < min || count > max) {
    const extra = parsed.positionals.slice(max);
    throw usageError(
      count < min
        ? `agentry ${command.name} needs ${min === max ? min : `at least ${min}`} argument${min === 1 ? '' : 's'}; got ${count}.`
        : `agentry ${command.name} takes at most ${max} argument${max === 1 ? '' : 's'}; got ${count} (unexpected: ${extra.join(' ')}).`,
      [`Run it as: ${command.usage}`],
      { command: command.name, arguments: parsed.positionals },
    );
  }
  return { values, positionals: parsed.positionals };
}

function toUsageError(
  command: CommandSpec,
  options: Readonly<Record<string, unknown>>,
  error: unknown,
): Error {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1];
  if (unknown !== undefined) {
    const name = unknown.replace(/^-+/, '').split('=')[0] ?? '';
    const guess = closestWord(name, Object.keys(options));
    return usageError(
      `Unknown option ${unknown} for agentry ${command.name}.`,
      [
        guess === undefined
          ? `See the options with: agentry ${command.name} --help`
          : `Did you mean --${guess}?`,
      ],
      { command: command.name, option: unknown, ...(guess ? { suggestion: `--${guess}` } : {}) },
    );
  }
  return usageError(
    `Cannot read the arguments of agentry ${command.name}: ${message}`,
    [`See the options with: agentry ${command.name} --help`],
    { command: command.name },
  );
}
