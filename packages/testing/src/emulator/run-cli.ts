import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AgentryError } from '@agentry/core';
import { createEmulatorServer } from './create-emulator-server.js';
import type { EmulatorApi, EmulatorTurn, WireFormat } from './emulator-types.js';
import { defaultWireFormats } from './wire/index.js';

/**
 * What the emulator command talks to, so it can run in process (the `agentry emulator` command
 * of `@agentry/cli` passes its own output).
 *
 * @example
 * ```ts
 * const io: Partial<EmulatorCliIo> = { out: (line) => lines.push(line), waitForStop: () => stopped };
 * ```
 */
export interface CliIo {
  /** Writes a line to standard output. */
  out(line: string): void;
  /** Writes a line to standard error. */
  error(line: string): void;
  /** Reads a file as UTF-8 text. */
  readFile(path: string): Promise<string>;
  /** Settles when the emulator should stop; by default on SIGINT or SIGTERM. */
  waitForStop(): Promise<void>;
  /** The wire formats served; default all four. */
  formats: readonly WireFormat[];
}

/** The answer when neither `--script` nor `--default` is given. */
const fallbackTurn: EmulatorTurn = { text: 'Hello from the Agentry provider emulator.' };

const usage = `Usage: agentry-emulator [--port 8787] [--host 127.0.0.1] [--script turns.json] [--default reply.json]

Serves the OpenAI, Anthropic and Google wire formats locally with scripted answers.
  --port      the port to listen on (default 8787; 0 picks a free one)
  --host      the address to listen on (default 127.0.0.1)
  --script    a JSON file holding an array of turns, answered in order
  --default   a JSON file holding the turn that answers once the script is used up
Without --script or --default every request gets a short text answer.`;

const apis: readonly EmulatorApi[] = ['openai-chat', 'openai-responses', 'anthropic', 'google'];

/**
 * Runs the emulator command (`agentry-emulator`, and `agentry emulator` of `@agentry/cli`): starts
 * the emulator, prints each API's base URL and serves until `waitForStop` settles (SIGINT or
 * SIGTERM), then closes it. Returns the exit code: 0 after a clean stop, 1 when a file cannot be
 * used or the server cannot listen, 2 for bad arguments.
 *
 * @param argv - the arguments after the command name
 * @param io - where to write and when to stop; the process's streams and signals by default
 * @example
 * ```ts
 * import { runEmulatorCli } from '@agentry/testing';
 *
 * process.exitCode = await runEmulatorCli(['--port', '0', '--script', 'turns.json']);
 * ```
 */
export async function runCli(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const { out, error } = { ...defaultIo, ...io };
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string', default: '8787' },
        host: { type: 'string', default: '127.0.0.1' },
        script: { type: 'string' },
        default: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (cause) {
    error(cause instanceof Error ? cause.message : String(cause));
    error(usage);
    return 2;
  }
  if (values.help === true) {
    out(usage);
    return 0;
  }
  const port = /^\d+$/.test(values.port) ? Number(values.port) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) {
    error(`--port must be an integer from 0 to 65535; got "${values.port}".`);
    error(usage);
    return 2;
  }

  const read = io.readFile ?? defaultIo.readFile;
  let turns: EmulatorTurn[] = [];
  let defaultTurn: EmulatorTurn | undefined;
  try {
    if (values.script !== undefined) {
      turns = parseTurns(await readJson(read, values.script), values.script);
    }
    if (values.default !== undefined) {
      defaultTurn = parseTurn(await readJson(read, values.default), values.default);
    }
  } catch (cause) {
    error(cause instanceof Error ? cause.message : String(cause));
    return 1;
  }
  if (values.script === undefined && values.default === undefined) defaultTurn = fallbackTurn;

  let emulator;
  try {
    emulator = await createEmulatorServer({
      port,
      host: values.host,
      turns,
      ...(defaultTurn === undefined ? {} : { defaultTurn }),
      formats: io.formats ?? defaultWireFormats,
    });
  } catch (cause) {
    error(cause instanceof Error ? cause.message : String(cause));
    return 1;
  }
  out(`Agentry provider emulator listening on ${emulator.url}`);
  for (const api of apis) out(`  ${api.padEnd(18)}${emulator.baseURL(api)}`);
  out('Press Ctrl+C to stop.');
  await (io.waitForStop ?? defaultIo.waitForStop)();
  await emulator.close();
  return 0;
}

async function readJson(read: CliIo['readFile'], path: string): Promise<unknown> {
  const text = await read(path);
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `${path} is not valid JSON: ${cause instanceof Error ? cause.message : String(cause)}`,
      details: { path },
      suggestions: ['Check the file with a JSON linter.'],
      cause,
    });
  }
}

function parseTurns(value: unknown, path: string): EmulatorTurn[] {
  if (!Array.isArray(value)) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `The script ${path} must hold a JSON array of turns; it holds ${typeof value}.`,
      details: { path },
      suggestions: [
        'Write the turns as an array: [{ "text": "Hello" }, { "kind": "error", "status": 429 }].',
      ],
    });
  }
  return value.map((turn, index) => parseTurn(turn, `${path}[${index}]`));
}

function parseTurn(value: unknown, path: string): EmulatorTurn {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `The turn at ${path} must be a JSON object such as { "text": "Hello" }.`,
      details: { path },
      suggestions: [
        'Write a reply ({ "text": … }) or a failure ({ "kind": "error", "status": … }).',
      ],
    });
  }
  // Fields are checked where they are used: a turn the server cannot serve gets a 500 naming why.
  return value;
}

const defaultIo: Omit<CliIo, 'formats'> = {
  out: (line) => {
    process.stdout.write(`${line}\n`);
  },
  error: (line) => {
    process.stderr.write(`${line}\n`);
  },
  readFile: (path) => readFile(path, 'utf8'),
  waitForStop: () =>
    new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }),
};
