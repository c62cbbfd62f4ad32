import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  generateApiReport,
  listPublicPackages,
  recordReleasedReports,
  writeApiReports,
  type PublicPackage,
} from '../../scripts/api-reports.js';
import { checkSemver, formatSemverCheck } from '../../scripts/semver-check.js';
import {
  added,
  changeset,
  removeRepositories,
  removed,
  released,
  repository,
} from './semver-fixtures.js';

afterEach(removeRepositories);

function check(repo: { root: string; generate: (pkg: PublicPackage) => string }) {
  return checkSemver(repo.root, { generate: repo.generate });
}

describe('checkSemver over a repository', () => {
  it('lists public packages only, with one report per entry point', () => {
    const repo = repository({ built: released });
    expect(listPublicPackages(repo.root).map((pkg) => [pkg.name, pkg.dir, pkg.entries])).toEqual([
      [
        '@acme/demo',
        'packages/demo',
        [{ subpath: '.', types: 'dist/index.d.ts', reportName: 'demo' }],
      ],
    ]);
  });

  it('passes an additive change with a minor changeset', () => {
    const result = check(
      repository({
        built: added,
        changesets: { 'shout.md': changeset({ '@acme/demo': 'minor' }, 'feat: shout') },
      }),
    );
    expect(result.problems).toEqual([]);
    expect(formatSemverCheck(result)).toContain(
      '@acme/demo: additive (0 lines removed or changed, 1 added), changesets bump minor',
    );
  });

  it('fails an API change without a changeset', () => {
    const result = check(repository({ built: added }));
    expect(result.problems.map((p) => p.message)).toEqual([
      expect.stringContaining(
        'The public API of @acme/demo changed since 0.3.0 (additive), but no changeset releases it.',
      ),
    ]);
  });

  it('fails a removal with a patch changeset', () => {
    const text = changeset(
      { '@acme/demo': 'patch' },
      '**Breaking:** greet is gone, see docs/migrations/demo-0.4.0.md',
    );
    const result = check(
      repository({
        built: removed,
        changesets: { 'gone.md': text },
        guides: ['docs/migrations/demo-0.4.0.md'],
      }),
    );
    const output = formatSemverCheck(result);
    expect(output).toContain(
      'needs a minor bump at 0.3.0, but its changesets (.changeset/gone.md) bump it patch',
    );
    expect(output).toContain('.changeset/gone.md is marked breaking but bumps @acme/demo patch');
  });

  it('passes a removal with a minor changeset while 0.x, marked breaking, with its guide', () => {
    const text = changeset(
      { '@acme/demo': 'minor' },
      '**Breaking:** greet is gone, see ../docs/migrations/demo-0.4.0.md',
    );
    const result = check(
      repository({
        built: removed,
        changesets: { 'gone.md': text },
        guides: ['docs/migrations/demo-0.4.0.md'],
      }),
    );
    expect(result.problems).toEqual([]);
  });

  it('fails a breaking changeset without a migration guide', () => {
    const text = changeset({ '@acme/demo': 'minor' }, '**Breaking:** greet is gone.');
    const result = check(repository({ built: removed, changesets: { 'gone.md': text } }));
    expect(result.problems).toEqual([
      {
        message:
          '.changeset/gone.md is marked breaking but links no migration guide in docs/migrations/.',
        fix: expect.stringContaining(
          'for example docs/migrations/demo-0.4.0.md, and link it from .changeset/gone.md',
        ),
      },
    ]);
  });

  it('fails when the committed report does not match the build, saying what to run', () => {
    const result = check(
      repository({
        built: added,
        committed: released,
        changesets: { 'shout.md': changeset({ '@acme/demo': 'patch' }, 'feat: shout') },
      }),
    );
    expect(result.problems).toEqual([
      {
        message:
          'The committed API report of @acme/demo does not match its build: packages/demo/api/demo.api.md.',
        fix: expect.stringContaining('Run `npx -y pnpm@10 run api:report`'),
      },
    ]);
  });

  it('reports an unreadable changeset with its path', () => {
    const result = check(
      repository({ built: released, changesets: { 'bad.md': 'feat: no front matter\n' } }),
    );
    expect(result.problems.map((p) => p.message)).toEqual([
      '.changeset/bad.md: the first line must be `---`, opening the front matter',
    ]);
  });

  it('asks for a build when the declarations are missing', () => {
    const repo = repository({ built: released });
    const result = checkSemver(repo.root);
    expect(result.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(
        /^packages\/demo\/dist\/index\.d\.ts is missing: .*Run `npx -y pnpm@10 build` first/,
      ),
    ]);
  });
});

describe('writing reports and recording a release', () => {
  it("writes each entry point's report and removes the report of an entry point that is gone", () => {
    const repo = repository({ built: added });
    writeFileSync(join(repo.root, 'packages/demo/api/demo-old.api.md'), released);
    const lines: string[] = [];
    writeApiReports(
      repo.root,
      listPublicPackages(repo.root)[0]!,
      (line) => lines.push(line),
      repo.generate,
    );
    expect(readFileSync(join(repo.root, 'packages/demo/api/demo.api.md'), 'utf8')).toBe(added);
    expect(existsSync(join(repo.root, 'packages/demo/api/demo-old.api.md'))).toBe(false);
    expect(lines).toEqual([
      'unchanged packages/demo/api/demo.api.md',
      'removed   packages/demo/api/demo-old.api.md (no such entry point)',
    ]);
  });

  it('after the versions move, fails until the release records its API, then passes', () => {
    const repo = repository({ built: added });
    const manifestPath = join(repo.root, 'packages/demo/package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, version: '0.3.1' }));
    expect(check(repo).problems.map((p) => p.message)).toEqual([
      expect.stringContaining(
        '@acme/demo is at 0.3.1 but its released API report was recorded at 0.3.0',
      ),
    ]);

    const lines: string[] = [];
    recordReleasedReports(repo.root, listPublicPackages(repo.root)[0]!, (line) => lines.push(line));
    expect(lines).toEqual(['released  packages/demo/api/released/demo.api.md (@acme/demo 0.3.1)']);
    const result = check(repo);
    expect(result.problems).toEqual([]);
    expect(result.verdicts[0]).toMatchObject({ change: 'none' });
  });

  it('refuses to record a release before the reports exist, saying what to run', () => {
    const repo = repository({ built: added });
    rmSync(join(repo.root, 'packages/demo/api/demo.api.md'));
    expect(() =>
      recordReleasedReports(repo.root, listPublicPackages(repo.root)[0]!, () => {}),
    ).toThrow(
      '@acme/demo has no report in packages/demo/api/: run `npx -y pnpm@10 run api:report` first.',
    );
  });
});

describe('generateApiReport', () => {
  it('writes the report of built declarations with API Extractor', () => {
    // Inside the repository, so that the fixture resolves @types/node as the packages do.
    const parent = join(fileURLToPath(new URL('../..', import.meta.url)), 'node_modules', '.cache');
    mkdirSync(parent, { recursive: true });
    const repo = repository({ built: released, parent });
    mkdirSync(join(repo.root, 'packages/demo/dist'), { recursive: true });
    writeFileSync(
      join(repo.root, 'packages/demo/dist/index.d.ts'),
      'interface Options {\n    loud?: boolean;\n}\n' +
        '/** Greets. */\nexport declare function greet(name: string, options?: Options): string;\n',
    );
    const pkg = listPublicPackages(repo.root)[0]!;
    const report = generateApiReport(pkg, pkg.entries[0]!);
    expect(report).toContain('## API Report File for "@acme/demo"');
    expect(report).toContain('export function greet(name: string, options?: Options): string;');
    expect(report).toMatch(/interface Options \{\n(?: {4}\/\/.*\n)? {4}loud\?: boolean;\n\}/);
    expect(report).not.toContain('\r');
  }, 120_000);
});
