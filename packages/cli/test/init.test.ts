import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packageDirectory, runBuilt, workDirectory } from './run-built.js';

const vitestBin = join(
  createRequire(join(packageDirectory, 'package.json')).resolve('vitest/package.json'),
  '..',
  'vitest.mjs',
);

describe('agentry init', () => {
  let work: Awaited<ReturnType<typeof workDirectory>>;
  beforeEach(async () => {
    work = await workDirectory();
  });
  afterEach(() => work.remove());

  it('scaffolds a project whose test passes against the emulator', async () => {
    const { code, stdout } = await runBuilt(['init', 'my-agent'], { cwd: work.path });
    expect(code).toBe(0);
    expect(stdout).toContain('Created my-agent in my-agent:');
    const project = join(work.path, 'my-agent');
    expect((await readdir(project)).sort()).toEqual(
      [
        '.gitignore',
        'README.md',
        'agentry.config.json',
        'package.json',
        'src',
        'test',
        'tsconfig.json',
        'vitest.config.ts',
      ].sort(),
    );
    const manifest = JSON.parse(await readFile(join(project, 'package.json'), 'utf8')) as {
      name: string;
      scripts: Record<string, string>;
    };
    expect(manifest.name).toBe('my-agent');
    expect(manifest.scripts.test).toBe('vitest run');

    // The scaffold's one command (npm test runs vitest), with the workspace's packages.
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        process.execPath,
        [vitestBin, 'run'],
        { cwd: project, timeout: 60_000 },
        (error, out, err) => resolve({ code: error === null ? 0 : 1, output: out + err }),
      );
    });
    expect(result.output).toContain('1 passed');
    expect(result.code).toBe(0);
  }, 90_000);

  it('writes the minimal configuration, which names OPENAI_API_KEY until it is set', async () => {
    await runBuilt(['init', 'app'], { cwd: work.path });
    const app = join(work.path, 'app');
    // The smallest configuration of the configuration guide: everything else takes its default.
    expect(JSON.parse(await readFile(join(app, 'agentry.config.json'), 'utf8'))).toEqual({
      schemaVersion: '1.0.0',
      authentication: { providers: [{ name: 'openai', type: 'openai' }] },
      models: { defaultModel: 'openai:gpt-5.4-mini' },
    });

    const unset = await runBuilt(['validate', '--json'], { cwd: app });
    expect(JSON.parse(unset.stdout)).toMatchObject({
      ok: false,
      issues: [
        {
          path: 'authentication.providers[0].authentication.configuration.apiKey',
          code: 'secret_unresolved',
          message: expect.stringContaining('OPENAI_API_KEY is not set') as string,
        },
      ],
    });
    expect(unset.code).toBe(1);

    const apiKey = `sk-proj-${randomBytes(48).toString('hex').slice(0, 64)}`;
    const { code, stdout, stderr } = await runBuilt(['validate', '--json'], {
      cwd: app,
      env: { OPENAI_API_KEY: apiKey },
    });
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, plugins: [{ name: '@agentry/openai' }] });
    expect(code).toBe(0);
    expect(stdout + stderr).not.toContain(apiKey);
  });

  it('refuses a directory that is not empty unless --force', async () => {
    const target = join(work.path, 'busy');
    await mkdir(target);
    await writeFile(join(target, 'notes.txt'), 'keep me');
    const refused = await runBuilt(['init', 'busy'], { cwd: work.path });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`${target} is not empty (notes.txt)`);
    expect(refused.stderr).toContain('--force');
    expect(await readdir(target)).toEqual(['notes.txt']);

    const forced = await runBuilt(['init', 'busy', '--force', '--json'], { cwd: work.path });
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ ok: true, name: 'busy' });
    expect(await readFile(join(target, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('refuses a name npm would not accept (exit 2)', async () => {
    const { code, stderr } = await runBuilt(['init', 'x', '--name', 'Not A Name'], {
      cwd: work.path,
    });
    expect(code).toBe(2);
    expect(stderr).toContain('"Not A Name" is not a valid npm package name');
  });
});
