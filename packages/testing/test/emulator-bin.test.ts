import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), '..');
const folders: string[] = [];

afterEach(async () => {
  await Promise.all(
    folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })),
  );
});

/** A copy of the package's command file in a folder of its own, beside an optional dist/. */
async function installedCopy(): Promise<{ folder: string; command: string }> {
  const folder = await mkdtemp(join(tmpdir(), 'agentry-emulator-bin-'));
  folders.push(folder);
  await writeFile(join(folder, 'package.json'), '{ "type": "module" }');
  await mkdir(join(folder, 'bin'));
  const command = join(folder, 'bin', 'agentry-emulator.js');
  await copyFile(join(packageDirectory, 'bin', 'agentry-emulator.js'), command);
  return { folder, command };
}

describe('the agentry-emulator command file', () => {
  it('is the bin of the package, and a file that exists before the package is built', async () => {
    const manifest = JSON.parse(await readFile(join(packageDirectory, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      files: string[];
    };
    expect(manifest.bin).toEqual({ 'agentry-emulator': './bin/agentry-emulator.js' });
    expect(manifest.files).toContain('bin');
  });

  it('runs the built command with its arguments', async () => {
    const { folder, command } = await installedCopy();
    await mkdir(join(folder, 'dist', 'emulator'), { recursive: true });
    await writeFile(
      join(folder, 'dist', 'emulator', 'cli.js'),
      'process.stdout.write(`built command: ${process.argv.slice(2).join(" ")}`);',
    );
    const { stdout } = await run(process.execPath, [command, '--port', '0']);
    expect(stdout).toBe('built command: --port 0');
  });

  it('says to build the package, and fails, when the built command is missing', async () => {
    const { command } = await installedCopy();
    const failure = await run(process.execPath, [command]).then(
      () => new Error('expected a failure'),
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain(
      'npx -y pnpm@10 --filter @agentry/testing... build',
    );
  });
});
