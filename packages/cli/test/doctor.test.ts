import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '@agentry/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acmeConfiguration, writeAcmeProject } from './acme-plugin.js';
import { fixtures, runBuilt, workDirectory } from './run-built.js';

const project = join(fixtures, 'project');
const env = { OPENAI_API_KEY: `sk-proj-${randomBytes(48).toString('hex').slice(0, 64)}` };

interface Report {
  ok: boolean;
  node: string;
  checks: { area: string; name: string; status: string; detail: string }[];
}

describe('agentry doctor', () => {
  let emulator: Emulator;
  beforeEach(async () => {
    emulator = await startEmulator();
  });
  afterEach(() => emulator.close());

  it('reports Node, the packages, the plug-ins, the configuration and a reachable service', async () => {
    const { code, stdout } = await runBuilt(
      ['doctor', '--config', 'valid.json', '--url', emulator.url, '--json'],
      { cwd: project, env },
    );
    const report = JSON.parse(stdout) as Report;
    expect(report.node).toBe(process.version);
    const find = (area: string, name: string) =>
      report.checks.find((check) => check.area === area && check.name === name);
    expect(find('node', 'node')?.status).toBe('ok');
    expect(find('packages', '@agentry/cli')?.status).toBe('ok');
    expect(find('plugins', '@agentry/openai')).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/ \(openaiPlugin\(\)\), provider type openai$/) as string,
    });
    expect(find('configuration', 'valid.json')).toMatchObject({ status: 'ok', detail: 'valid' });
    expect(find('services', emulator.url)?.detail).toMatch(/^reachable \(HTTP \d+\)$/);
    expect(report.ok).toBe(true);
    expect(code).toBe(0);
  });

  it('exits 1 and says what is wrong: an invalid configuration, a missing store, a service down', async () => {
    const down = 'http://127.0.0.1:9';
    const { code, stdout } = await runBuilt(
      [
        'doctor',
        '--config',
        'invalid.json',
        '--store',
        'missing.db',
        '--url',
        down,
        '--timeout',
        '2000',
      ],
      { cwd: project, env },
    );
    expect(code).toBe(1);
    expect(stdout).toMatch(/✗ configuration\s+invalid\.json: \d+ problems/);
    expect(stdout).toContain('fix: See them with: agentry validate invalid.json');
    expect(stdout).toContain(`✗ stores        ${join(project, 'missing.db')}`);
    expect(stdout).toContain(`✗ services      ${down}: unreachable`);
    expect(stdout).toMatch(/3 problems found\.$/m);
  });

  it("warns when the project's @agentry/core differs from the command's, and the packages' versions disagree", async () => {
    const work = await workDirectory();
    try {
      for (const [name, version] of [
        ['core', '0.0.9'],
        ['security', '0.1.0'],
      ] as const) {
        const directory = join(work.path, 'node_modules', '@agentry', name);
        await mkdir(directory, { recursive: true });
        await writeFile(
          join(directory, 'package.json'),
          JSON.stringify({ name: `@agentry/${name}`, version }),
        );
      }
      const { code, stdout } = await runBuilt(['doctor', '--json'], { cwd: work.path });
      const report = JSON.parse(stdout) as Report;
      expect(report.checks).toContainEqual(
        expect.objectContaining({ area: 'packages', name: '@agentry/core', status: 'warn' }),
      );
      expect(report.checks).toContainEqual(
        expect.objectContaining({ area: 'packages', name: 'versions', status: 'fail' }),
      );
      expect(code).toBe(1);
    } finally {
      await work.remove();
    }
  });

  it("reaches the providers' endpoints the configuration names", async () => {
    const work = await workDirectory();
    try {
      const config = JSON.parse(await readFile(join(project, 'valid.json'), 'utf8')) as {
        authentication: { providers: Record<string, unknown>[] };
      };
      const endpoint = emulator.baseURL('openai-responses');
      for (const provider of config.authentication.providers) provider.endpoint = endpoint;
      await writeFile(join(work.path, 'agentry.config.json'), JSON.stringify(config));
      await writeFile(
        join(work.path, 'package.json'),
        await readFile(join(project, 'package.json')),
      );
      const { stdout } = await runBuilt(['doctor', '--json'], { cwd: work.path, env });
      const report = JSON.parse(stdout) as Report;
      expect(report.checks).toContainEqual(
        expect.objectContaining({ area: 'services', name: endpoint, status: 'ok' }),
      );
    } finally {
      await work.remove();
    }
  });
  it("names a minimal configuration's first problem: the key variable that is not set", async () => {
    const { code, stdout } = await runBuilt(['doctor', '--config', 'minimal.json'], {
      cwd: project,
    });
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^✗ configuration\s+minimal\.json: 1 problem: authentication\.providers\[0\]\.authentication\.configuration\.apiKey: Provider "openai" has no API key: its entry gives no apiKey, and OPENAI_API_KEY is not set in the environment\.$/m,
    );
    expect(stdout).toContain('fix: See them with: agentry validate minimal.json');

    const set = await runBuilt(['doctor', '--config', 'minimal.json', '--json'], {
      cwd: project,
      env,
    });
    const report = JSON.parse(set.stdout) as Report;
    expect(report.checks).toContainEqual(
      expect.objectContaining({ area: 'configuration', name: 'minimal.json', status: 'ok' }),
    );
    expect(set.stdout + set.stderr).not.toContain(env.OPENAI_API_KEY);
  });

  it("checks a configuration on a third-party plug-in's own provider type", async () => {
    const work = await workDirectory();
    try {
      await writeAcmeProject(work.path, acmeConfiguration());
      const acmeEnv = { ACME_API_KEY: `acme-${randomBytes(24).toString('hex')}` };
      const { code, stdout, stderr } = await runBuilt(['doctor', '--json'], {
        cwd: work.path,
        env: acmeEnv,
      });
      const report = JSON.parse(stdout) as Report;
      expect(report.checks).toContainEqual({
        area: 'plugins',
        name: 'acme-agentry',
        status: 'ok',
        detail: 'acme-agentry 2.1.0 (acmePlugin()), provider type acme',
      });
      expect(report.checks).toContainEqual({
        area: 'configuration',
        name: 'agentry.config.json',
        status: 'ok',
        detail: 'valid',
      });
      expect(report.ok).toBe(true);
      expect(code).toBe(0);
      expect(stdout + stderr).not.toContain(acmeEnv.ACME_API_KEY);

      const unset = await runBuilt(['doctor'], { cwd: work.path });
      expect(unset.code).toBe(1);
      expect(unset.stdout).toContain(
        '✗ configuration agentry.config.json: 1 problem: authentication.providers[0].authentication.configuration.apiKey: Provider "acme" has no API key: its entry gives no apiKey, and ACME_API_KEY is not set in the environment.',
      );
    } finally {
      await work.remove();
    }
  });
});
