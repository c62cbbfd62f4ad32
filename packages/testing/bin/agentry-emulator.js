#!/usr/bin/env node
// The `agentry-emulator` command. The command itself is compiled to dist/; this small file is
// committed so that package managers can link the command before the package is built (in a fresh
// clone of the repository), and it runs the built command.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/emulator/cli.js', import.meta.url);
if (existsSync(fileURLToPath(cli))) {
  await import(cli.href);
} else {
  process.stderr.write(
    `agentry-emulator: ${fileURLToPath(cli)} is missing: @agentry/testing is not built. ` +
      'In the Agentry repository, build it first: npx -y pnpm@10 --filter @agentry/testing... build\n',
  );
  process.exitCode = 1;
}
