import { closestWord } from './closest-word.js';
import { exitCodes, type CliIo, type ExitCode } from './cli-io.js';
import { commandHelp, type CommandSpec } from './command.js';
import { commands } from './commands/index.js';
import { createOutput, reportError, usageError } from './output.js';
import { parseCommand } from './parse-command.js';
import { VERSION } from './version.js';

const topHelp = (): string => {
  const width = Math.max(...commands.map((command) => command.name.length)) + 4;
  return [
    'Usage: agentry <command> [options]',
    '',
    'The command for people who build and operate Agentry applications.',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
    '',
    'Options:',
    '  -h, --help       Show help (also after any command: agentry runs list --help).',
    '  -v, --version    Print the version.',
    '      --json       Print one JSON document on standard output (every command).',
    '',
    'Exit codes:',
    '  0  ok',
    '  1  problems found (an invalid configuration, a failed check, a migration due with --check)',
    '  2  usage error (unknown command or option, missing argument)',
    '  3  failure (a file, store or service could not be used, a run could not be resumed)',
    '',
    'Progress is drawn on standard error when it is a terminal, never with --json.',
    '',
  ].join('\n');
};

/**
 * Runs the `agentry` command with the given arguments (without `node` and the script) and returns
 * its exit code (see {@link exitCodes}). The `agentry` binary calls it with `process.argv.slice(2)`;
 * it never calls `process.exit`, so it can be embedded and tested in process.
 *
 * @param argv - the arguments, such as `['validate', 'agentry.config.json', '--json']`
 * @param io - where to write, the working directory and environment; the process's by default
 * @returns the exit code: 0 ok, 1 problems found, 2 usage error, 3 failure
 * @example
 * ```ts
 * import { runAgentry } from '@agentry/cli';
 *
 * process.exitCode = await runAgentry(['doctor', '--json']);
 * ```
 */
export async function runAgentry(
  argv: readonly string[],
  io: CliIo = processIo(),
): Promise<ExitCode> {
  const [first, ...rest] = argv;
  const json = argv.includes('--json');
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout(topHelp());
    return first === undefined ? exitCodes.usage : exitCodes.ok;
  }
  if (first === '--version' || first === '-v') {
    io.stdout(`${VERSION}\n`);
    return exitCodes.ok;
  }
  const group = commands.filter((command) => command.name.startsWith(`${first} `));
  const second = rest[0];
  if (group.length > 0 && (second === undefined || second === '--help' || second === '-h')) {
    if (second === undefined)
      return reportError(io, json, findCommandError(first, rest), `agentry ${first}`);
    io.stdout(groupHelp(first, group));
    return exitCodes.ok;
  }
  const found = findCommand(first, rest);
  if (!('command' in found))
    return reportError(io, json, found.error, group.length > 0 ? `agentry ${first}` : 'agentry');
  const { command, args } = found;
  try {
    const { values, positionals } = parseCommand(command, args);
    if (values['help'] === true) {
      io.stdout(commandHelp(command));
      return exitCodes.ok;
    }
    const output = createOutput(io, values['json'] === true);
    return await command.run({ values, positionals, io, output });
  } catch (error) {
    return reportError(io, json, error, `agentry ${command.name}`);
  }
}

function findCommand(
  first: string,
  rest: readonly string[],
): { command: CommandSpec; args: readonly string[] } | { error: Error } {
  const direct = commands.find((command) => command.name === first);
  if (direct) return { command: direct, args: rest };
  const [second, ...others] = rest;
  const grouped = commands.filter((command) => command.name.startsWith(`${first} `));
  if (grouped.length > 0) {
    const names = grouped.map((command) => command.name.slice(first.length + 1));
    const sub = grouped.find((command) => command.name === `${first} ${second ?? ''}`);
    if (sub) return { command: sub, args: others };
    const guess = second === undefined ? undefined : closestWord(second, names);
    return {
      error: usageError(
        second === undefined || second.startsWith('-')
          ? `agentry ${first} needs a subcommand: ${names.join(', ')}.`
          : `Unknown subcommand "${second}" of agentry ${first}.`,
        [
          guess === undefined
            ? `Use one of: ${names.map((name) => `agentry ${first} ${name}`).join(', ')}.`
            : `Did you mean agentry ${first} ${guess}?`,
        ],
        { command: first, subcommand: second },
      ),
    };
  }
  const topNames = [...new Set(commands.map((command) => command.name.split(' ')[0] ?? ''))];
  const guess = closestWord(first, topNames);
  return {
    error: usageError(
      `Unknown command "${first}".`,
      [
        guess === undefined
          ? `Use one of: ${topNames.join(', ')} (agentry --help lists them).`
          : `Did you mean agentry ${guess}?`,
      ],
      { command: first },
    ),
  };
}

function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stderrIsTTY: process.stderr.isTTY === true,
    cwd: process.cwd(),
    env: process.env,
  };
}

function findCommandError(first: string, rest: readonly string[]): Error {
  const found = findCommand(first, rest);
  return 'error' in found ? found.error : new Error(`agentry ${first} needs a subcommand.`);
}

function groupHelp(first: string, group: readonly CommandSpec[]): string {
  const width = Math.max(...group.map((command) => command.name.length)) + 4;
  return [
    `Usage: agentry ${first} <subcommand> [options]`,
    '',
    'Subcommands:',
    ...group.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
    '',
    `Each has its own help: agentry ${group[0]?.name ?? first} --help`,
    '',
  ].join('\n');
}
