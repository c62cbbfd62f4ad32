import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageDirectory } from './run-built.js';

/**
 * Vitest global setup: the tests run the built command, so build it first (and the packages it
 * and the scaffolded project import). `tsc -b` is incremental: it does nothing when the output is
 * current, so this costs a check in a run after `pnpm build` and a build on a fresh clone.
 */
export default async function buildCommand(): Promise<void> {
  const tsc = createRequire(join(packageDirectory, 'package.json')).resolve('typescript/bin/tsc');
  await promisify(execFile)(
    process.execPath,
    [
      tsc,
      '-b',
      join(packageDirectory, 'tsconfig.build.json'),
      join(packageDirectory, '..', 'providers', 'openai', 'tsconfig.build.json'),
    ],
    { timeout: 300_000 },
  );
}
