import { describe, expect, it } from 'vitest';
import {
  ChangesetFormatError,
  apiDeclarationLines,
  bumpVersion,
  classifyApiDiff,
  diffApiReports,
  parseChangeset,
  requiredBump,
  type Changeset,
} from '../../scripts/semver-rules.js';
import { evaluateRelease, type PackageState } from '../../scripts/semver-evaluate.js';
import { apiReport, changeset } from './semver-fixtures.js';

const baseline = apiReport(`
// @public
export interface Greeter {
    greet(name: string): string;
    readonly language: string;
}

// @public
export function createGreeter(language: string): Greeter;
`);

const additive = apiReport(`
// @public
export interface Greeter {
    greet(name: string): string;
    readonly language: string;
    readonly loud?: boolean;
}

// @public
export function createGreeter(language: string): Greeter;

// @public
export function shout(text: string): string;
`);

const removal = apiReport(`
// @public
export interface Greeter {
    greet(name: string): string;
}

// @public
export function createGreeter(language: string): Greeter;
`);

function demo(current: string, version = '0.3.0'): PackageState {
  return {
    name: '@acme/demo',
    version,
    dir: 'packages/demo',
    reports: [{ name: 'demo', current, baseline, baselineVersion: version }],
  };
}

function evaluate(pkg: PackageState, changesets: Changeset[], guides: string[] = []) {
  return evaluateRelease({
    packages: [pkg],
    changesets,
    guideExists: (path) => guides.includes(path),
  });
}

describe('diffApiReports', () => {
  it('finds nothing when only order, comments and imports differ', () => {
    const reordered = apiReport(`
import { Observable } from 'rxjs';

// @public @deprecated
export function createGreeter(language: string): Greeter;

// @public
export interface Greeter {
    /** The greeting. */
    greet(name: string): string;
    readonly language: string;
}
`);
    expect(classifyApiDiff(diffApiReports(baseline, reordered))).toBe('none');
  });

  it('ignores the order of a union of string literals, but not a member added or removed', () => {
    const before = apiReport('export type Kind = "task" | "decision" | "parallel";\n');
    const reordered = apiReport('export type Kind = "parallel" | "task" | "decision";\n');
    const narrowed = apiReport('export type Kind = "parallel" | "task";\n');
    expect(classifyApiDiff(diffApiReports(before, reordered))).toBe('none');
    expect(classifyApiDiff(diffApiReports(before, narrowed))).toBe('breaking');
  });

  it('calls added members and declarations additive', () => {
    const diff = diffApiReports(baseline, additive);
    expect(diff.removed).toEqual([]);
    expect(diff.added).toEqual([
      'Greeter:     readonly loud?: boolean;',
      'shout: export function shout(text: string): string;',
    ]);
    expect(classifyApiDiff(diff)).toBe('additive');
  });

  it('calls a removed member breaking, naming its declaration', () => {
    const diff = diffApiReports(baseline, removal);
    expect(diff.removed).toEqual(['Greeter:     readonly language: string;']);
    expect(classifyApiDiff(diff)).toBe('breaking');
  });

  it('calls a changed signature breaking', () => {
    const changed = baseline.replace('greet(name: string)', 'greet(name: string, times: number)');
    expect(classifyApiDiff(diffApiReports(baseline, changed))).toBe('breaking');
  });

  it('keys lines by declaration, so a member moved to another interface is a change', () => {
    const before = apiReport(
      'export interface A {\n    id: string;\n}\n\nexport interface B {\n}\n',
    );
    const after = apiReport(
      'export interface A {\n}\n\nexport interface B {\n    id: string;\n}\n',
    );
    expect(diffApiReports(before, after).removed).toEqual(['A:     id: string;']);
  });

  it('counts repeated lines, so removing one of two identical lines is seen', () => {
    const two = apiReport('export type T = {\n    a: {\n    };\n    b: {\n    };\n};\n');
    const one = apiReport('export type T = {\n    a: {\n    };\n};\n');
    expect(diffApiReports(two, one).removed).toContain('T:     };');
  });

  it('reads only the TypeScript block of the report', () => {
    const lines = apiDeclarationLines(baseline.replace('@acme/demo', '@acme/renamed'));
    expect([...lines.keys()].every((key) => !key.includes('API Report'))).toBe(true);
    expect(lines.get('Greeter:     greet(name: string): string;')).toBe(1);
  });
});

describe('requiredBump and bumpVersion', () => {
  it('moves the rules down one place while 0.x', () => {
    expect(requiredBump('0.4.2', 'breaking')).toBe('minor');
    expect(requiredBump('0.4.2', 'additive')).toBe('patch');
    expect(requiredBump('1.2.0', 'breaking')).toBe('major');
    expect(requiredBump('1.2.0', 'additive')).toBe('minor');
    expect(requiredBump('1.2.0', 'none')).toBeUndefined();
  });

  it('computes the next version', () => {
    expect(bumpVersion('0.1.0', 'minor')).toBe('0.2.0');
    expect(bumpVersion('1.4.2', 'major')).toBe('2.0.0');
    expect(bumpVersion('1.4.2', 'patch')).toBe('1.4.3');
  });
});

describe('parseChangeset', () => {
  it('reads releases in any quoting, the breaking marker and the linked guides', () => {
    const parsed = parseChangeset(
      '.changeset/a.md',
      '---\n\'@acme/demo\': minor\n"@acme/other": patch\nplain: major\n---\n\nfeat: x\n\n' +
        '**Breaking:** `language` is gone. See [the guide](../docs/migrations/demo-0.4.0.md) and ' +
        'docs/migrations/README.md.\n',
    );
    expect([...parsed.releases]).toEqual([
      ['@acme/demo', 'minor'],
      ['@acme/other', 'patch'],
      ['plain', 'major'],
    ]);
    expect(parsed.breaking).toBe(true);
    expect(parsed.guides).toEqual(['docs/migrations/demo-0.4.0.md']);
  });

  it('takes a conventional summary with ! for the marker', () => {
    const bang = (summary: string) =>
      parseChangeset('.changeset/g.md', changeset({ '@acme/demo': 'minor' }, summary)).breaking;
    expect(bang('feat(core)!: providers declare their own type')).toBe(true);
    expect(bang('fix!: x')).toBe(true);
    expect(bang('feat(core): x!: y')).toBe(false);
    expect(bang('Intro line.\n\nfeat!: not the summary')).toBe(false);
  });

  it('does not take the word breaking in prose for the marker', () => {
    expect(
      parseChangeset('.changeset/b.md', changeset({ '@acme/demo': 'minor' }, 'Not breaking.'))
        .breaking,
    ).toBe(false);
  });

  it('refuses a file without front matter, naming the file', () => {
    expect(() => parseChangeset('.changeset/c.md', 'feat: x\n')).toThrow(
      new ChangesetFormatError(
        '.changeset/c.md',
        'the first line must be `---`, opening the front matter',
      ),
    );
  });

  it('refuses an unknown bump, naming the package and the bump', () => {
    expect(() => parseChangeset('.changeset/d.md', "---\n'@acme/demo': huge\n---\n")).toThrow(
      /\.changeset\/d\.md: "@acme\/demo" has the bump "huge"; use patch, minor or major/,
    );
  });

  it('refuses a changeset marked both breaking and not breaking', () => {
    const text = changeset({ '@acme/demo': 'minor' }, '**Breaking:** a.\n\n**Not breaking:** b.');
    expect(() => parseChangeset('.changeset/f.md', text)).toThrow(
      '.changeset/f.md: it has both a **Breaking:** and a **Not breaking:** line; keep the one that is true',
    );
  });

  it('refuses front matter that is never closed', () => {
    expect(() => parseChangeset('.changeset/e.md', "---\n'@acme/demo': minor\n")).toThrow(
      /not closed/,
    );
  });
});

describe('evaluateRelease', () => {
  const minor = (body = 'feat: x') =>
    parseChangeset('.changeset/x.md', changeset({ '@acme/demo': 'minor' }, body));
  const patch = (body = 'fix: x') =>
    parseChangeset('.changeset/x.md', changeset({ '@acme/demo': 'patch' }, body));
  const breakingBody = '**Breaking:** `language` is gone; see docs/migrations/demo-0.4.0.md.';

  it('passes an additive change with a minor changeset', () => {
    const { problems, verdicts } = evaluate(demo(additive), [minor()]);
    expect(problems).toEqual([]);
    expect(verdicts[0]).toMatchObject({ change: 'additive', bump: 'minor', required: 'patch' });
  });

  it('passes an unchanged API without any changeset', () => {
    expect(evaluate(demo(baseline), []).problems).toEqual([]);
  });

  it('fails an API change without a changeset, saying what to run', () => {
    const { problems } = evaluate(demo(additive), []);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain(
      'The public API of @acme/demo changed since 0.3.0 (additive)',
    );
    expect(problems[0]!.message).toContain('+ shout: export function shout(text: string): string;');
    expect(problems[0]!.fix).toContain('npx -y pnpm@10 changeset');
  });

  it('fails a removal without a changeset once, asking for the marker and the guide', () => {
    const { problems } = evaluate(demo(removal), []);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain('(breaking: declarations were removed or changed)');
    expect(problems[0]!.fix).toBe(
      'Run `npx -y pnpm@10 changeset`, select @acme/demo, choose minor or more, start a line of ' +
        'the text with `**Breaking:**` saying what breaks, and link its guide ' +
        '(docs/migrations/demo-0.4.0.md). If the change is unintended, undo it instead.',
    );
  });

  it('fails a removal with a patch changeset', () => {
    const { problems } = evaluate(
      demo(removal),
      [patch(breakingBody)],
      ['docs/migrations/demo-0.4.0.md'],
    );
    expect(problems.map((p) => p.message).join('\n')).toMatch(
      /needs a minor bump at 0\.3\.0.*bump it patch/s,
    );
    expect(problems.map((p) => p.message).join('\n')).toContain(
      '- Greeter:     readonly language: string;',
    );
  });

  it('passes a removal with a minor changeset while 0.x, marked breaking with its guide', () => {
    const { problems } = evaluate(
      demo(removal),
      [minor(breakingBody)],
      ['docs/migrations/demo-0.4.0.md'],
    );
    expect(problems).toEqual([]);
  });

  it('fails a removal with a minor changeset from 1.0', () => {
    const { problems } = evaluate(
      demo(removal, '1.2.0'),
      [minor(breakingBody)],
      ['docs/migrations/demo-0.4.0.md'],
    );
    expect(problems.map((p) => p.message).join('\n')).toMatch(/needs a major bump at 1\.2\.0/);
  });

  it('fails a removal whose changesets are not marked breaking', () => {
    const { problems } = evaluate(demo(removal), [minor()]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain(
      'none of its changesets (.changeset/x.md) is marked breaking',
    );
    expect(problems[0]!.fix).toContain('docs/migrations/demo-0.4.0.md');
  });

  it('fails a breaking changeset without a migration guide', () => {
    const { problems } = evaluate(demo(removal), [minor('**Breaking:** `language` is gone.')]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toBe(
      '.changeset/x.md is marked breaking but links no migration guide in docs/migrations/.',
    );
    expect(problems[0]!.fix).toContain('docs/migrations/demo-0.4.0.md');
  });

  it('fails a breaking changeset whose guide does not exist', () => {
    const { problems } = evaluate(demo(removal), [minor(breakingBody)]);
    expect(problems.map((p) => p.message)).toEqual([
      '.changeset/x.md links docs/migrations/demo-0.4.0.md, which does not exist.',
    ]);
  });

  it('fails a changeset marked breaking that bumps patch, even without an API change', () => {
    const { problems } = evaluate(
      demo(baseline),
      [patch(breakingBody)],
      ['docs/migrations/demo-0.4.0.md'],
    );
    expect(problems.map((p) => p.message)).toEqual([
      '.changeset/x.md is marked breaking but bumps @acme/demo patch; a breaking change at 0.3.0 needs minor.',
    ]);
  });

  it('accepts a changed declaration as additive when a changeset says why it does not break', () => {
    const optional = baseline.replace('greet(name: string)', 'greet(name: string, times?: number)');
    const reason =
      '**Not breaking:** `greet` takes an optional `times`; existing calls still compile.';
    expect(evaluate(demo(optional, '1.2.0'), [minor()]).problems).not.toEqual([]);
    const { problems, verdicts } = evaluate(demo(optional, '1.2.0'), [minor(reason)]);
    expect(problems).toEqual([]);
    expect(verdicts[0]).toMatchObject({
      change: 'additive',
      required: 'minor',
      declaredNotBreaking: '.changeset/x.md',
    });
  });

  it("lets a breaking marker win over another changeset's not-breaking line", () => {
    const reason = parseChangeset(
      '.changeset/y.md',
      changeset({ '@acme/demo': 'patch' }, '**Not breaking:** nobody calls it.'),
    );
    const { problems } = evaluate(demo(removal), [minor('**Breaking:** gone.'), reason]);
    expect(problems.map((p) => p.message)).toEqual([
      '.changeset/x.md is marked breaking but links no migration guide in docs/migrations/.',
    ]);
  });

  it('treats a package never released as new: it needs a changeset', () => {
    const fresh: PackageState = {
      ...demo(additive),
      reports: [
        { name: 'demo', current: additive, baseline: undefined, baselineVersion: undefined },
      ],
    };
    expect(evaluate(fresh, [])[`problems`][0]!.message).toContain('never been released');
    expect(evaluate(fresh, [patch()]).problems).toEqual([]);
  });

  it('treats a removed entry point as breaking', () => {
    const gone: PackageState = {
      ...demo(baseline),
      reports: [{ name: 'demo', current: undefined, baseline, baselineVersion: '0.3.0' }],
    };
    expect(evaluate(gone, [minor()]).verdicts[0]!.change).toBe('breaking');
  });

  it('fails when the version moved without recording the released API', () => {
    const pkg: PackageState = { ...demo(baseline), version: '0.4.0' };
    const { problems } = evaluate(pkg, []);
    expect(problems[0]!.message).toContain(
      '@acme/demo is at 0.4.0 but its released API report was recorded at 0.3.0',
    );
    expect(problems[0]!.fix).toContain('npx -y pnpm@10 run api:release');
  });

  it('suggests the guide name from the version the fixed group will reach', () => {
    const other = parseChangeset('.changeset/y.md', changeset({ '@acme/other': 'major' }, 'x'));
    const { problems } = evaluateRelease({
      packages: [demo(removal)],
      changesets: [minor('**Breaking:** gone.'), other],
      guideExists: () => false,
      fixed: [['@acme/*']],
    });
    expect(problems.map((p) => p.fix).join('\n')).toContain('docs/migrations/demo-1.0.0.md');
  });
});
