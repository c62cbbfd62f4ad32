import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acmeConfiguration, writeAcmeProject } from './acme-plugin.js';
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

  describe('a minimal configuration, whose provider entry names no key', () => {
    const keyPath = 'authentication.providers[0].authentication.configuration.apiKey';

    it("reports its type's unset variable as secret_unresolved", async () => {
      const { code, stdout } = await runBuilt(['validate', 'minimal.json', '--json'], {
        cwd: project,
      });
      expect(code).toBe(1);
      const report = JSON.parse(stdout) as Report;
      expect(report.issues).toEqual([
        expect.objectContaining({
          path: keyPath,
          code: 'secret_unresolved',
          message:
            'Provider "openai" has no API key: its entry gives no apiKey, and OPENAI_API_KEY is not set in the environment.',
        }),
      ]);
      expect(report.issues[0]?.suggestion).toMatch(/^Set OPENAI_API_KEY /);
    });

    it('prints it for people, taking an empty variable for unset', async () => {
      const { code, stdout } = await runBuilt(['validate', 'minimal.json'], {
        cwd: project,
        env: { OPENAI_API_KEY: '' },
      });
      expect(code).toBe(1);
      expect(stdout).toContain('✗ minimal.json has 1 problem:');
      expect(stdout).toContain(
        `  ${keyPath}: Provider "openai" has no API key: its entry gives no apiKey, and OPENAI_API_KEY is not set in the environment. [secret_unresolved]`,
      );
      expect(stdout).toContain('      fix: Set OPENAI_API_KEY (or pass it in the env option');
    });

    it('passes once the variable is set, printing no key', async () => {
      for (const args of [
        ['validate', 'minimal.json'],
        ['validate', 'minimal.json', '--json'],
      ]) {
        const { code, stdout, stderr } = await runBuilt(args, { cwd: project, env });
        expect(code).toBe(0);
        expect(stdout + stderr).not.toContain(env.OPENAI_API_KEY);
      }
      const { stdout } = await runBuilt(['validate', 'minimal.json'], { cwd: project, env });
      expect(stdout).toContain('✓ minimal.json is valid.');
    });

    it('checks the format of the key it read, naming the variable and not the key', async () => {
      const wrong = { OPENAI_API_KEY: `key-${randomBytes(24).toString('hex')}` };
      const json = await runBuilt(['validate', 'minimal.json', '--json'], {
        cwd: project,
        env: wrong,
      });
      expect(json.code).toBe(1);
      expect((JSON.parse(json.stdout) as Report).issues).toEqual([
        expect.objectContaining({
          path: keyPath,
          code: 'invalid_api_key_format',
          message: expect.stringContaining('The key from OPENAI_API_KEY') as string,
        }),
      ]);
      const text = await runBuilt(['validate', 'minimal.json'], { cwd: project, env: wrong });
      expect(text.code).toBe(1);
      for (const printed of [json.stdout, json.stderr, text.stdout, text.stderr])
        expect(printed).not.toContain(wrong.OPENAI_API_KEY);
    });
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

  describe('a third-party plug-in named in its package.json', () => {
    // A throwaway key of the plug-in's format, made at run time.
    const acmeEnv = { ACME_API_KEY: `acme-${randomBytes(24).toString('hex')}` };
    const acmeProject = async (
      config: Record<string, unknown>,
      options?: { declared?: boolean },
    ) => {
      const work = await workDirectory();
      cleanups.push(work.remove);
      await writeAcmeProject(work.path, config, options);
      return work.path;
    };

    it('serves its own provider type, whose key comes from the variable it declares', async () => {
      const cwd = await acmeProject(acmeConfiguration());
      const { code, stdout, stderr } = await runBuilt(['validate', '--json'], {
        cwd,
        env: acmeEnv,
      });
      const report = JSON.parse(stdout) as Report;
      expect(report.plugins).toEqual([{ name: 'acme-agentry', version: '2.1.0' }]);
      expect(report.issues).toEqual([]);
      expect(report.ok).toBe(true);
      expect(code).toBe(0);
      expect(stdout + stderr).not.toContain(acmeEnv.ACME_API_KEY);
    });

    it('names the variable its provider type declares when it is not set', async () => {
      const cwd = await acmeProject(acmeConfiguration());
      const { code, stdout } = await runBuilt(['validate'], { cwd });
      expect(code).toBe(1);
      expect(stdout).toContain(
        'authentication.providers[0].authentication.configuration.apiKey: Provider "acme" has no API key: its entry gives no apiKey, and ACME_API_KEY is not set in the environment. [secret_unresolved]',
      );
    });

    it('validates its section', async () => {
      const cwd = await acmeProject(acmeConfiguration('mars'));
      const { code, stdout } = await runBuilt(['validate', '--json'], { cwd, env: acmeEnv });
      const report = JSON.parse(stdout) as Report;
      expect(report.issues).toEqual([
        expect.objectContaining({ path: 'acme.region', received: 'mars' }),
      ]);
      expect(code).toBe(1);
    });

    it('reports the provider type as plugin_missing when the project does not declare it', async () => {
      // The entry names its key, so that the missing plug-in is what is reported about it.
      const config = acmeConfiguration();
      config.authentication = {
        providers: [
          {
            name: 'acme',
            type: 'acme',
            authentication: { type: 'api_key', configuration: { apiKey: '${env:ACME_API_KEY}' } },
          },
        ],
      };
      const cwd = await acmeProject(config, { declared: false });
      const { code, stdout } = await runBuilt(['validate', '--json'], { cwd, env: acmeEnv });
      const report = JSON.parse(stdout) as Report;
      expect(report.plugins).toEqual([]);
      expect(report.issues).toContainEqual(
        expect.objectContaining({
          path: 'authentication.providers[0].type',
          code: 'plugin_missing',
          received: 'acme',
        }),
      );
      expect(code).toBe(1);
    });
  });
});
