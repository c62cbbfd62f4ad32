import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { AgentryError } from '@agentry/core';
import { exitCodes } from '../cli-io.js';
import type { CommandSpec } from '../command.js';
import { usageError } from '../output.js';
import { VERSION } from '../version.js';
import { initTemplates } from './init-templates.js';

/** `agentry init [dir]`. @internal */
export const initCommand: CommandSpec = {
  name: 'init',
  summary:
    'Scaffold a project: a configuration, one agent, one tool and a test against the emulator.',
  usage: 'agentry init [dir] [--name <name>] [--force] [--json]',
  description: [
    'Writes a small TypeScript project into dir (default: the current directory): agentry.config.json,',
    'src/agent.ts with one agent, src/tools.ts with one tool, test/agent.test.ts running the agent',
    'against the provider emulator, and package.json whose scripts run it: npm install && npm test.',
    'A directory that is not empty is refused unless --force (files of the same name are replaced).',
  ].join('\n'),
  options: {
    name: {
      type: 'string',
      valueName: 'name',
      description: 'The package name (default: the directory name).',
    },
    force: { type: 'boolean', description: 'Write into a directory that is not empty.' },
    'agentry-version': {
      type: 'string',
      valueName: 'range',
      description: `The @agentry version range to depend on (default ^${VERSION}).`,
    },
  },
  positionals: { min: 0, max: 1 },
  examples: [
    'agentry init my-agent && cd my-agent && npm install && npm test',
    'agentry init . --force',
  ],
  async run({ values, positionals, io, output }) {
    const directory = resolve(io.cwd, positionals[0] ?? '.');
    const name =
      typeof values['name'] === 'string' ? values['name'] : toPackageName(basename(directory));
    if (!/^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(name))
      throw usageError(`"${name}" is not a valid npm package name.`, [
        'Pass one with --name, such as --name my-agent.',
      ]);
    if (existsSync(directory)) {
      const entries = await readdir(directory).catch((error: unknown) => {
        throw new AgentryError({
          code: 'permission_denied',
          message: `Cannot read ${directory}: ${error instanceof Error ? error.message : String(error)}`,
          details: { directory },
          suggestions: ['Choose a directory you can write to.'],
        });
      });
      if (entries.length > 0 && values['force'] !== true)
        throw new AgentryError({
          code: 'conflict',
          message: `${directory} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); agentry init writes only into an empty directory.`,
          details: { directory, entries: entries.length },
          suggestions: [
            'Choose a new directory: agentry init my-agent.',
            'Or pass --force to write into it (files of the same name are replaced).',
          ],
        });
    }
    const version =
      typeof values['agentry-version'] === 'string' ? values['agentry-version'] : `^${VERSION}`;
    const written: string[] = [];
    const progress = output.progress('Writing the project');
    try {
      for (const [path, template] of Object.entries(initTemplates)) {
        const file = join(directory, path);
        await mkdir(dirname(file), { recursive: true });
        await writeFile(
          file,
          template.replaceAll('{{name}}', name).replaceAll('{{version}}', version),
        );
        written.push(path);
      }
    } finally {
      progress.end();
    }
    const shown = relative(io.cwd, directory) || '.';
    output.result({ ok: true, directory, name, files: written });
    output.line(`Created ${name} in ${shown}:`);
    for (const path of written) output.line(`  ${path}`);
    output.line('');
    output.line('Next:');
    if (shown !== '.') output.line(`  cd ${shown}`);
    output.line('  npm install');
    output.line('  npm test          # the agent against the local provider emulator');
    output.line('  npm run validate  # the configuration, with the installed plug-ins');
    return exitCodes.ok;
  },
};

function toPackageName(directoryName: string): string {
  const cleaned = directoryName
    .toLowerCase()
    .replace(/[^a-z0-9-._~]+/g, '-')
    .replace(/^[-._]+/, '');
  return cleaned === '' ? 'agentry-app' : cleaned;
}
