import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeWire } from './__fixtures__/fake-wire-format.js';
import { runCli, type CliIo } from './run-cli.js';

const folders: string[] = [];
const stops: (() => void)[] = [];

afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  await Promise.all(
    folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })),
  );
});

/** Runs the command in process; `listening` settles with the server URL once it serves. */
function run(argv: string[]): {
  exit: Promise<number>;
  listening: Promise<string>;
  out: string[];
  errors: string[];
  stop: () => void;
} {
  const out: string[] = [];
  const errors: string[] = [];
  let stop = (): void => undefined;
  let listening = (_url: string): void => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  stops.push(stop);
  const io: Partial<CliIo> = {
    out: (line) => {
      out.push(line);
      const match = /listening on (\S+)/.exec(line);
      if (match?.[1] !== undefined) listening(match[1]);
    },
    error: (line) => errors.push(line),
    waitForStop: () => stopped,
    formats: [fakeWire],
  };
  return {
    exit: runCli(argv, io),
    listening: new Promise<string>((resolve) => (listening = resolve)),
    out,
    errors,
    stop,
  };
}

async function ask(url: string): Promise<Response> {
  return fetch(`${url}/openai/v1/answer`, { method: 'POST', body: '{}' });
}

describe('runCli', () => {
  it('serves the scripted turns, prints each API’s base URL and stops cleanly', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'agentry-emulator-'));
    folders.push(folder);
    await writeFile(
      join(folder, 'turns.json'),
      JSON.stringify([{ text: 'first' }, { kind: 'error', status: 429 }]),
    );
    await writeFile(join(folder, 'default.json'), JSON.stringify({ text: 'default' }));

    const cli = run([
      '--port',
      '0',
      '--script',
      join(folder, 'turns.json'),
      '--default',
      join(folder, 'default.json'),
    ]);
    const url = await cli.listening;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(cli.out.join('\n')).toContain(`${url}/openai/v1`);
    expect(cli.out.join('\n')).toContain(`${url}/anthropic`);
    expect(cli.out.join('\n')).toContain(`${url}/google`);

    expect(((await (await ask(url)).json()) as { text: string }).text).toBe('first');
    expect((await ask(url)).status).toBe(429);
    expect(((await (await ask(url)).json()) as { text: string }).text).toBe('default');

    cli.stop();
    expect(await cli.exit).toBe(0);
    await expect(ask(url)).rejects.toThrow();
  });

  it('answers every request with a short text when given no script', async () => {
    const cli = run(['--port', '0']);
    const url = await cli.listening;
    const body = (await (await ask(url)).json()) as { text: string };
    expect(body.text).toContain('emulator');
    cli.stop();
    expect(await cli.exit).toBe(0);
  });

  it.each([[['--port', 'many']], [['--port', '70000']], [['--unknown']]])(
    'refuses bad arguments %j with exit code 2 and the usage',
    async (argv) => {
      const cli = run(argv);
      expect(await cli.exit).toBe(2);
      expect(cli.errors.join('\n')).toContain('agentry-emulator');
    },
  );

  it('fails with exit code 1 naming a script file that is not a JSON array of turns', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'agentry-emulator-'));
    folders.push(folder);
    const cases = [
      ['broken.json', '[{"text": '],
      ['object.json', '{"text": "not an array"}'],
      ['number.json', '[1]'],
    ] as const;
    for (const [name, content] of cases) {
      await writeFile(join(folder, name), content);
      const cli = run(['--port', '0', '--script', join(folder, name)]);
      expect(await cli.exit).toBe(1);
      expect(cli.errors.join('\n')).toContain(name);
    }
  });

  it('prints the usage for --help', async () => {
    const cli = run(['--help']);
    expect(await cli.exit).toBe(0);
    expect(cli.out.join('\n')).toContain('--script');
  });
});
