import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  generateApiReport,
  listPublicPackages,
  releasedReportHeader,
  type PublicPackage,
} from '../../scripts/api-reports.js';
import { checkSemver, formatSemverCheck } from '../../scripts/semver-check.js';
import { apiReport, changeset } from './semver-fixtures.js';

const released = apiReport('export function greet(name: string): string;');
const added = apiReport(
  'export function greet(name: string): string;\n\nexport function shout(text: string): string;',
);
const removed = apiReport('export function shout(text: string): string;');

let roots: string[] = [];
afterEach(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
  roots = [];
});

/** A repository with one public package, @acme/demo 0.3.0, released with `released`. */
function repository(options: {
  built: string;
  committed?: string;
  changesets?: Record<string, string>;
  guides?: string[];
  parent?: string;
}): { root: string; generate: (pkg: PublicPackage) => string } {
  const root = mkdtempSync(join(options.parent ?? tmpdir(), 'agentry-semver-'));
  roots.push(root);
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const manifest = {
    name: '@acme/demo',
    version: '0.3.0',
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
  };
  write('packages/demo/package.json', JSON.stringify(manifest));
  write('packages/private/package.json', JSON.stringify({ name: '@acme/app', private: true }));
  write('packages/demo/api/demo.api.md', options.committed ?? options.built);
  const pkg = listPublicPackages(root)[0]!;
  write('packages/demo/api/released/demo.api.md', releasedReportHeader(pkg) + released);
  write('.changeset/config.json', JSON.stringify({ fixed: [['@acme/*']] }));
  write('.changeset/README.md', '# Changesets\n\n**Breaking:** not a changeset.\n');
  for (const [file, text] of Object.entries(options.changesets ?? {}))
    write(`.changeset/${file}`, text);
  for (const guide of options.guides ?? []) write(guide, '# Guide\n');
  return { root, generate: () => options.built };
}

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
