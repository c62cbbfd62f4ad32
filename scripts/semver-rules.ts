// The rules of `check:semver`, as pure functions over texts: how an API report is compared with
// its released baseline, how a changeset is read, and which bump and guide each change needs.
// The file-system side lives in semver-check.ts; contributing/releases.md states the rules.

export type Bump = 'patch' | 'minor' | 'major';

const bumpRank: Record<Bump, number> = { patch: 1, minor: 2, major: 3 };

/** The line that marks a changeset as breaking, at the start of a line of its body. */
export const BREAKING_MARKER = '**Breaking:**';

/**
 * The line that says why a change the API report calls breaking (a changed declaration line) does
 * not break users, such as a new optional parameter or a widened parameter type.
 */
export const NOT_BREAKING_MARKER = '**Not breaking:**';

/** A pending changeset, as `check:semver` reads it. */
export interface Changeset {
  /** The path shown in messages, for example `.changeset/named-stores.md`. */
  readonly file: string;
  /** Each package the changeset releases, with its bump. */
  readonly releases: ReadonlyMap<string, Bump>;
  /**
   * Whether a body line starts with {@link BREAKING_MARKER}, or the summary line is a
   * conventional summary with `!` (`feat(core)!: …`).
   */
  readonly breaking: boolean;
  /** Whether a body line starts with {@link NOT_BREAKING_MARKER}. */
  readonly notBreaking: boolean;
  /** Every `docs/migrations/<file>.md` the body links or names, README excluded. */
  readonly guides: readonly string[];
}

/** A changeset file that could not be read, with what is wrong. */
export class ChangesetFormatError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'ChangesetFormatError';
  }
}

/**
 * Reads a changeset: the YAML front matter of package names and bumps (`'@agentry/core': minor`),
 * the {@link BREAKING_MARKER} and the migration guides the body links.
 */
export function parseChangeset(file: string, text: string): Changeset {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trim() !== '---') {
    throw new ChangesetFormatError(file, 'the first line must be `---`, opening the front matter');
  }
  const end = lines.findIndex((line, index) => index > 0 && line.trim() === '---');
  if (end === -1) throw new ChangesetFormatError(file, 'the front matter is not closed by `---`');
  const releases = new Map<string, Bump>();
  for (const raw of lines.slice(1, end)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(['"]?)(@?[\w.-]+(?:\/[\w.-]+)?)\1\s*:\s*(['"]?)(\w+)\3\s*$/.exec(line);
    const name = match?.[2];
    const bump = match?.[4];
    if (!name || !bump) {
      throw new ChangesetFormatError(file, `cannot read the front-matter line "${line}"`);
    }
    if (bump === 'none') continue;
    if (!isBump(bump)) {
      throw new ChangesetFormatError(
        file,
        `"${name}" has the bump "${bump}"; use patch, minor or major`,
      );
    }
    releases.set(name, bump);
  }
  const body = lines.slice(end + 1);
  const summary = body.find((line) => line.trim() !== '')?.trim() ?? '';
  const breaking =
    body.some((line) => line.trimStart().startsWith(BREAKING_MARKER)) ||
    /^[a-z]+(?:\([^)]*\))?!:/.test(summary);
  const notBreaking = body.some((line) => line.trimStart().startsWith(NOT_BREAKING_MARKER));
  if (breaking && notBreaking) {
    throw new ChangesetFormatError(
      file,
      `it has both a ${BREAKING_MARKER} and a ${NOT_BREAKING_MARKER} line; keep the one that is true`,
    );
  }
  const guides = new Set<string>();
  for (const match of body.join('\n').matchAll(/docs\/migrations\/([\w.-]+\.md)/g)) {
    if (match[1] !== 'README.md') guides.add(`docs/migrations/${match[1]}`);
  }
  return { file, releases, breaking, notBreaking, guides: [...guides] };
}

function isBump(value: string): value is Bump {
  return value === 'patch' || value === 'minor' || value === 'major';
}

/** What changed between two API reports. */
export interface ApiDiff {
  /** Declaration lines present only in the baseline, as `<declaration>: <line>`. */
  readonly removed: readonly string[];
  /** Declaration lines present only in the current report, as `<declaration>: <line>`. */
  readonly added: readonly string[];
}

export type ApiChange = 'none' | 'additive' | 'breaking';

const declarationStart =
  /^(?:export\s+)?(?:declare\s+)?(?:abstract\s+)?(?:default\s+)?(?:const|let|var|function|interface|type|class|enum|namespace|module)\s+([A-Za-z_$][\w$]*)/;

/**
 * The declaration lines of an API report, each keyed by the top-level declaration it belongs to
 * (`Agent:     abort(reason?: string): void;`), with how often each occurs. Only the TypeScript
 * block counts; comments (release tags, `@deprecated`, TSDoc kept inside unions), `import` lines,
 * blank lines and trailing spaces are left out, so reordering and documentation are not changes.
 */
export function apiDeclarationLines(report: string): Map<string, number> {
  const lines = report.split(/\r?\n/);
  const open = lines.findIndex((line) => line.trim() === '```ts');
  const close = lines.findIndex((line, index) => index > open && line.trim() === '```');
  const code = open === -1 ? lines : lines.slice(open + 1, close === -1 ? undefined : close);
  const counts = new Map<string, number>();
  let declaration = '(top level)';
  let inComment = false;
  for (const raw of code) {
    const line = raw.trimEnd();
    const trimmed = line.trim();
    if (inComment) {
      if (trimmed.includes('*/')) inComment = false;
      continue;
    }
    if (trimmed === '' || trimmed.startsWith('//')) continue;
    if (trimmed.startsWith('/*')) {
      if (!trimmed.includes('*/')) inComment = true;
      continue;
    }
    if (!raw.startsWith(' ') && trimmed.startsWith('import ')) continue;
    if (!raw.startsWith(' ')) {
      const name = declarationStart.exec(trimmed)?.[1];
      if (name) declaration = name;
      else if (trimmed.startsWith('export {') || trimmed.startsWith('export *')) {
        declaration = '(re-exports)';
      }
    }
    const key = `${declaration}: ${line}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Compares a baseline report with the current one, line by declaration line. */
export function diffApiReports(baseline: string, current: string): ApiDiff {
  const before = apiDeclarationLines(baseline);
  const after = apiDeclarationLines(current);
  const removed: string[] = [];
  const added: string[] = [];
  for (const [line, count] of before) {
    for (let i = after.get(line) ?? 0; i < count; i += 1) removed.push(line);
  }
  for (const [line, count] of after) {
    for (let i = before.get(line) ?? 0; i < count; i += 1) added.push(line);
  }
  return { removed, added };
}

/** A removed or changed declaration line is breaking; lines only added are additive. */
export function classifyApiDiff(diff: ApiDiff): ApiChange {
  if (diff.removed.length > 0) return 'breaking';
  return diff.added.length > 0 ? 'additive' : 'none';
}

/**
 * The smallest bump a change needs at a version. From 1.0: breaking needs major, additive minor.
 * While 0.x every rule moves down one place: breaking needs minor, additive patch.
 */
export function requiredBump(version: string, change: ApiChange): Bump | undefined {
  if (change === 'none') return undefined;
  const zeroMajor = /^0\./.test(version);
  if (change === 'breaking') return zeroMajor ? 'minor' : 'major';
  return zeroMajor ? 'patch' : 'minor';
}

export function maxBump(bumps: Iterable<Bump>): Bump | undefined {
  let best: Bump | undefined;
  for (const bump of bumps) if (!best || bumpRank[bump] > bumpRank[best]) best = bump;
  return best;
}

export function bumpAtLeast(bump: Bump | undefined, needed: Bump): boolean {
  return bump !== undefined && bumpRank[bump] >= bumpRank[needed];
}

/** The version a bump leads to: `bumpVersion('0.1.0', 'minor')` is `0.2.0`. */
export function bumpVersion(version: string, bump: Bump): string {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) return version;
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (bump === 'major') return `${major + 1}.0.0`;
  if (bump === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

/** One API report of a package: its current text and its text at the last release. */
export interface ApiReportState {
  /** The report's name: the unscoped package name, plus the subpath for other entry points. */
  readonly name: string;
  /** The report generated from the build; undefined when the entry point is gone. */
  readonly current: string | undefined;
  /** The report recorded at the last release; undefined when the entry point is new. */
  readonly baseline: string | undefined;
  /** The package version the baseline was recorded at. */
  readonly baselineVersion: string | undefined;
}

/** A public package as `check:semver` sees it. */
export interface PackageState {
  readonly name: string;
  readonly version: string;
  /** The package folder, relative to the repository root, for messages. */
  readonly dir: string;
  readonly reports: readonly ApiReportState[];
}

export interface ReleaseInput {
  readonly packages: readonly PackageState[];
  readonly changesets: readonly Changeset[];
  /** Whether a repository-relative path (`docs/migrations/core-0.2.0.md`) exists. */
  readonly guideExists: (path: string) => boolean;
  /** The `fixed` groups of `.changeset/config.json`, as package names or `@scope/*` patterns. */
  readonly fixed?: readonly (readonly string[])[];
  /**
   * Compare with a branch's base instead of the last release: the baselines are the reports at
   * `since` (a git ref), the changesets those the branch adds or edits, and only the per-package
   * rules apply (the changeset rules are the release check's).
   */
  readonly since?: string;
}

/** A reason for `check:semver` to fail, with exactly what to do about it. */
export interface Problem {
  readonly message: string;
  readonly fix: string;
  /** The package whose API the problem is about, when it is about one. */
  readonly package?: string;
}

export interface PackageVerdict {
  readonly name: string;
  readonly change: ApiChange;
  readonly bump: Bump | undefined;
  readonly required: Bump | undefined;
  readonly removed: number;
  readonly added: number;
  /** The changeset whose {@link NOT_BREAKING_MARKER} line accepts a changed declaration. */
  readonly declaredNotBreaking?: string;
}

const run = (script: string): string => `npx -y pnpm@10 run ${script}`;

/** Applies the rules of contributing/releases.md to every public package and pending changeset. */
export function evaluateRelease(input: ReleaseInput): {
  problems: Problem[];
  verdicts: PackageVerdict[];
} {
  const problems: Problem[] = [];
  const verdicts: PackageVerdict[] = [];
  const versions = new Map(input.packages.map((pkg) => [pkg.name, pkg.version]));

  for (const pkg of input.packages) {
    const stale = pkg.reports.filter(
      (report) =>
        input.since === undefined &&
        report.baseline !== undefined &&
        report.baselineVersion !== pkg.version,
    );
    if (stale.length > 0) {
      problems.push({
        package: pkg.name,
        message:
          `${pkg.name} is at ${pkg.version} but its released API report was recorded at ` +
          `${stale.map((report) => report.baselineVersion ?? 'an unknown version').join(', ')}: ` +
          'the version moved without recording the API it released.',
        fix:
          `After \`changeset version\`, run \`${run('api:report')}\` then \`${run('api:release')}\` ` +
          `and commit ${pkg.dir}/api/ (\`${run('version-packages')}\` does all of this).`,
      });
      continue;
    }
    const removed: string[] = [];
    const added: string[] = [];
    for (const report of pkg.reports) {
      const diff = diffApiReports(report.baseline ?? '', report.current ?? '');
      removed.push(...diff.removed);
      added.push(...diff.added);
    }
    const detected = classifyApiDiff({ removed, added });
    const own = input.changesets.filter((changeset) => changeset.releases.has(pkg.name));
    const declaredBy =
      detected === 'breaking' && !own.some((changeset) => changeset.breaking)
        ? own.find((changeset) => changeset.notBreaking)?.file
        : undefined;
    const change: ApiChange = declaredBy ? 'additive' : detected;
    const bump = maxBump(own.map((changeset) => changeset.releases.get(pkg.name)!));
    const required = requiredBump(pkg.version, change);
    verdicts.push({
      name: pkg.name,
      change,
      bump,
      required,
      removed: removed.length,
      added: added.length,
      ...(declaredBy ? { declaredNotBreaking: declaredBy } : {}),
    });
    if (!required) continue;

    const since =
      input.since !== undefined
        ? `since ${input.since}`
        : pkg.reports.some((report) => report.baseline !== undefined)
          ? `since ${pkg.version}`
          : 'and it has never been released';
    const changesetsOf = input.since === undefined ? 'changeset' : 'changeset this branch adds';
    const excerpt = diffExcerpt(removed, added);
    const kind =
      change === 'breaking' ? 'breaking: declarations were removed or changed' : 'additive';
    if (!bump) {
      problems.push({
        package: pkg.name,
        message: `The public API of ${pkg.name} changed ${since} (${kind}), but no ${changesetsOf} releases it.\n${excerpt}`,
        fix:
          `Run \`npx -y pnpm@10 changeset\`, select ${pkg.name}, choose ${required} or more` +
          (change === 'breaking'
            ? `, start a line of the text with \`${BREAKING_MARKER}\` saying what breaks, and ` +
              `link its guide (${suggestedGuide(input, pkg.name)})`
            : '') +
          '. If the change is unintended, undo it instead.',
      });
    } else if (!bumpAtLeast(bump, required)) {
      problems.push({
        package: pkg.name,
        message:
          `The public API of ${pkg.name} changed ${since} (${kind}), which needs a ${required} bump ` +
          `at ${pkg.version}, but its changesets (${listFiles(own)}) bump it ` +
          `${bump}.\n${excerpt}`,
        fix: `Raise ${pkg.name} to ${required} in one of those changesets, or undo the change.`,
      });
    }
    if (change === 'breaking' && own.length > 0 && !own.some((changeset) => changeset.breaking)) {
      problems.push({
        package: pkg.name,
        message:
          `The public API of ${pkg.name} changed in a breaking way ${since}, but none of its ` +
          `changesets${own.length > 0 ? ` (${listFiles(own)})` : ''} is marked ` +
          `breaking.\n${excerpt}`,
        fix:
          `Start a line of the changeset that makes the change with \`${BREAKING_MARKER}\`, saying ` +
          `what breaks, and link its guide in docs/migrations/ (${suggestedGuide(input, pkg.name)}). ` +
          `If no user can be broken by it (a new optional parameter, a widened parameter type), ` +
          `start a line with \`${NOT_BREAKING_MARKER}\` saying why instead.`,
      });
    }
  }

  for (const changeset of input.since === undefined ? input.changesets : []) {
    if (!changeset.breaking) continue;
    for (const [name, bump] of changeset.releases) {
      const version = versions.get(name);
      if (version === undefined) continue;
      const needed = requiredBump(version, 'breaking')!;
      if (!bumpAtLeast(bump, needed)) {
        problems.push({
          message: `${changeset.file} is marked breaking but bumps ${name} ${bump}; a breaking change at ${version} needs ${needed}.`,
          fix: `Change "${name}": ${bump} to ${needed} in the front matter of ${changeset.file}.`,
        });
      }
    }
    const names = [...changeset.releases.keys()].filter((name) => versions.has(name));
    const missing = changeset.guides.filter((guide) => !input.guideExists(guide));
    if (changeset.guides.length === 0) {
      problems.push({
        message: `${changeset.file} is marked breaking but links no migration guide in docs/migrations/.`,
        fix:
          `Write the guide (template in docs/migrations/README.md), for example ` +
          `${names.map((name) => suggestedGuide(input, name)).join(' and ') || 'docs/migrations/<package>-<version>.md'}, ` +
          `and link it from ${changeset.file}.`,
      });
    } else if (missing.length > 0) {
      problems.push({
        message: `${changeset.file} links ${missing.join(', ')}, which does not exist.`,
        fix: `Write ${missing.join(', ')} (template in docs/migrations/README.md) or correct the link.`,
      });
    }
  }
  return { problems, verdicts };
}

/** `a.md, b.md, c.md and 4 more`: the changesets named in a message. */
function listFiles(changesets: readonly Changeset[], limit = 3): string {
  const files = changesets.map((changeset) => changeset.file);
  if (files.length <= limit) return files.join(', ');
  return `${files.slice(0, limit).join(', ')} and ${files.length - limit} more`;
}

function diffExcerpt(removed: readonly string[], added: readonly string[], limit = 12): string {
  const lines = [...removed.map((line) => `  - ${line}`), ...added.map((line) => `  + ${line}`)];
  const shown = lines.slice(0, limit);
  if (lines.length > limit) shown.push(`  … and ${lines.length - limit} more lines`);
  return shown.join('\n');
}

function inGroup(pattern: string, name: string): boolean {
  return pattern.endsWith('/*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

/** `docs/migrations/<unscoped name>-<next version>.md`, the next version as Changesets will set it. */
function suggestedGuide(input: ReleaseInput, name: string): string {
  const version = input.packages.find((pkg) => pkg.name === name)?.version ?? '0.0.0';
  const group = input.fixed?.find((patterns) => patterns.some((pattern) => inGroup(pattern, name)));
  const together = (other: string) =>
    other === name || (group?.some((pattern) => inGroup(pattern, other)) ?? false);
  const bumps = input.changesets.flatMap((changeset) =>
    [...changeset.releases].filter(([other]) => together(other)).map(([, bump]) => bump),
  );
  const next = bumpVersion(version, maxBump([...bumps, requiredBump(version, 'breaking')!])!);
  return `docs/migrations/${name.replace(/^@[^/]+\//, '')}-${next}.md`;
}
