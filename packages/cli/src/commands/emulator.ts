import { resolve } from 'node:path';
import { runEmulatorCli } from '@agentry/testing';
import { exitCodes } from '../cli-io.js';
import type { CommandSpec } from '../command.js';

/** `agentry emulator`: the provider emulator of `@agentry/testing`. @internal */
export const emulatorCommand: CommandSpec = {
  name: 'emulator',
  summary: 'Serve the OpenAI, Anthropic and Google wire formats locally with scripted answers.',
  usage:
    'agentry emulator [--port 8787] [--host 127.0.0.1] [--script turns.json] [--default reply.json]',
  description: [
    'Starts the provider emulator of @agentry/testing (also installed as agentry-emulator),',
    'prints the base URL of each API and serves until Ctrl+C. Point a provider at it with',
    'baseURL. Without --script or --default every request gets a short text answer.',
  ].join('\n'),
  options: {
    port: {
      type: 'string',
      valueName: 'port',
      description: 'The port (default 8787; 0 picks a free one).',
    },
    host: { type: 'string', valueName: 'host', description: 'The address (default 127.0.0.1).' },
    script: {
      type: 'string',
      valueName: 'file',
      description: 'A JSON array of turns, answered in order.',
    },
    default: {
      type: 'string',
      valueName: 'file',
      description: 'A JSON turn answering once the script is used up.',
    },
  },
  positionals: { min: 0, max: 0 },
  examples: ['agentry emulator', 'agentry emulator --port 0 --script turns.json'],
  async run({ values, io, output }) {
    const args: string[] = [];
    for (const name of ['port', 'host', 'script', 'default'] as const) {
      const value = values[name];
      if (typeof value !== 'string') continue;
      const isFile = name === 'script' || name === 'default';
      args.push(`--${name}`, isFile ? resolve(io.cwd, value) : value);
    }
    let url: string | undefined;
    const apis: Record<string, string> = {};
    const code = await runEmulatorCli(args, {
      out: (line) => {
        if (!output.json) return output.line(line);
        // Collected until the emulator says it serves, then printed at once for scripts to read.
        const listening = /listening on (\S+)/.exec(line)?.[1];
        const api = /^\s+(\S+)\s+(https?:\/\/\S+)$/.exec(line);
        if (listening !== undefined) url = listening;
        else if (api?.[1] !== undefined && api[2] !== undefined) apis[api[1]] = api[2];
        else if (url !== undefined) output.result({ ok: true, url, apis });
      },
      error: (line) => io.stderr(`${line}\n`),
      ...(io.waitForStop ? { waitForStop: io.waitForStop } : {}),
    });
    return code === 0 ? exitCodes.ok : code === 2 ? exitCodes.usage : exitCodes.failure;
  },
};
