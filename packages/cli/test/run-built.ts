import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package directory, and the built command the tests run. */
export const packageDirectory = dirname(dirname(fileURLToPath(import.meta.url)));
export const bin = join(packageDirectory, 'dist', 'bin.js');
export const fixtures = join(packageDirectory, 'test', '__fixtures__');

/** What a run of the command printed and returned. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `agentry` command in a child process: the tests exercise what users run (the
 * global setup, `build-command.ts`, builds it).
 */
export function runBuilt(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<CommandResult> {
  if (!existsSync(bin))
    throw new Error(`${bin} is missing: build first with pnpm --filter @agentry/cli... build`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        cwd: options.cwd ?? packageDirectory,
        env: { PATH: process.env.PATH, ...options.env },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * A fresh directory inside the package (so that the workspace's packages resolve from it), removed
 * by the returned function.
 */
export async function workDirectory(): Promise<{ path: string; remove: () => Promise<void> }> {
  const parent = join(packageDirectory, '.test-work');
  await mkdir(parent, { recursive: true });
  const path = await mkdtemp(join(parent, 'run-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
