import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtures, runBuilt, workDirectory } from './run-built.js';

const project = join(fixtures, 'project');
// A throwaway key of OpenAI's format, made at run time.
const env = { OPENAI_API_KEY: `sk-proj-${randomBytes(48).toString('hex').slice(0, 64)}` };

interface Report {
  ok: boolean;
  pluginSource: string;
  plugins: { name: string }[];
  issues: { path: string; code: string; message: string; suggestion: string; received?: unknown }[];
}

describe('agentry validate', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('accepts a valid configuration with the plug-ins the project installed', async () => {
    const { code, stdout } = await runBuilt(['validate', 'valid.json'], { cwd: project, env });
    expect(code).toBe(0);
    expect(stdout).toContain('Plug-ins (installed): @agentry/openai');
    expect(stdout).toContain('✓ valid.json is valid.');
  });

  it('lists every problem with its path, value and suggestion, and exits 1', async () => {
    const { code, stdout } = await runBuilt(['validate', 'invalid.json', '--json'], {
      cwd: project,
      env,
    });
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as Report;
    expect(report.ok).toBe(false);
    const paths = report.issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['modles', 'versioning.semantic']));
    const typo = report.issues.find((issue) => issue.path === 'modles');
    expect(typo?.suggestion).toContain('Did you mean "models"?');
    expect(report.issues.find((issue) => issue.path === 'versioning.semantic')?.received).toBe(
      'yes',
    );
  });

  it('prints the problems for people', async () => {
    const { code, stdout } = await runBuilt(['validate', 'invalid.json'], { cwd: project, env });
    expect(code).toBe(1);
    expect(stdout).toMatch(/✗ invalid\.json has \d+ problems:/);
    expect(stdout).toContain('  modles: Unknown section "modles".');
    expect(stdout).toContain('      fix: Did you mean "models"?');
  });

  it('names the unset environment variable of a secret reference', async () => {
    const { code, stdout } = await runBuilt(['validate', 'valid.json', '--json'], {
      cwd: project,
    });
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as Report;
    expect(report.issues).toEqual([
      expect.objectContaining({
        path: 'authentication.providers[0].authentication.configuration.apiKey',
        code: 'secret_unresolved',
      }),
    ]);
  });

  it("uses a configuration module's plugins export instead of the installed plug-ins", async () => {
    const { code, stdout } = await runBuilt(['validate', 'with-plugins.mjs', '--json'], {
      cwd: project,
      env,
    });
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as Report;
    expect(report.pluginSource).toBe('module');
    expect(report.plugins).toEqual([]);
    expect(report.issues.map((issue) => issue.code)).toContain('plugin_missing');
  });

  it('refuses a plugins export that is not a list of plug-ins (exit 3)', async () => {
    const { code, stderr } = await runBuilt(['validate', 'broken-plugins.mjs'], { cwd: project });
    expect(code).toBe(3);
    expect(stderr).toContain('broken-plugins.mjs must be an array of plug-ins');
  });

  it('finds the configuration file in the current directory', async () => {
    const work = await workDirectory();
    cleanups.push(work.remove);
    await writeFile(
      join(work.path, 'agentry.config.json'),
      await readFile(join(project, 'valid.json')),
    );
    await writeFile(join(work.path, 'package.json'), await readFile(join(project, 'package.json')));
    const { code, stdout } = await runBuilt(['validate'], { cwd: work.path, env });
    expect(code).toBe(0);
    expect(stdout).toContain('✓ agentry.config.json is valid.');
  });

  it('names the missing file (exit 3)', async () => {
    const { code, stderr } = await runBuilt(['validate', 'nowhere.json'], { cwd: project });
    expect(code).toBe(3);
    expect(stderr).toContain(`Configuration file ${join(project, 'nowhere.json')} does not exist.`);
    expect(stderr).toContain('(config_load_failed)');
  });

  it('says where it looked when there is no configuration', async () => {
    const work = await workDirectory();
    cleanups.push(work.remove);
    const { code, stdout } = await runBuilt(['validate', '--json'], { cwd: work.path });
    expect(code).toBe(3);
    const report = JSON.parse(stdout) as { error: { code: string; message: string } };
    expect(report.error.code).toBe('config_load_failed');
    expect(report.error.message).toContain(`No configuration file in ${work.path}`);
  });

  it('validates the section of a third-party plug-in named in its package.json', async () => {
    const work = await workDirectory();
    cleanups.push(work.remove);
    const pluginDirectory = join(work.path, 'node_modules', 'acme-agentry');
    await mkdir(pluginDirectory, { recursive: true });
    await writeFile(
      join(pluginDirectory, 'package.json'),
      JSON.stringify({
        name: 'acme-agentry',
        version: '2.1.0',
        type: 'module',
        main: 'index.js',
        agentry: { plugin: 'acmePlugin' },
      }),
    );
    await writeFile(
      join(pluginDirectory, 'index.js'),
      [
        "import { z } from 'zod';",
        'export const acmePlugin = () => ({',
        "  name: 'acme-agentry',",
        "  version: '2.1.0',",
        "  config: { key: 'acme', schema: z.strictObject({ region: z.enum(['eu', 'us']) }) },",
        '});',
      ].join('\n'),
    );
    await writeFile(
      join(work.path, 'package.json'),
      JSON.stringify({ name: 'app', private: true, dependencies: { 'acme-agentry': '^2.1.0' } }),
    );
    const config = {
      schemaVersion: '1.0.0',
      ...JSON.parse(await readFile(join(project, 'valid.json'), 'utf8')),
      authentication: undefined,
      acme: { region: 'mars' },
    };
    await writeFile(join(work.path, 'agentry.config.json'), JSON.stringify(config));
    const { code, stdout } = await runBuilt(['validate', '--json'], { cwd: work.path, env });
    const report = JSON.parse(stdout) as Report;
    expect(report.plugins).toEqual([{ name: 'acme-agentry', version: '2.1.0' }]);
    expect(report.issues.map((issue) => issue.path)).toContain('acme.region');
    expect(code).toBe(1);
  });
});
