// The release rules of `check:semver` over packages and changesets: which bump, marker and guide
// each API change needs, and what to tell the author when one is missing. Pure functions; the
// comparison of reports and the reading of changesets are in semver-rules.ts.
import {
  BREAKING_MARKER,
  NOT_BREAKING_MARKER,
  bumpAtLeast,
  bumpVersion,
  classifyApiDiff,
  diffApiReports,
  maxBump,
  requiredBump,
  type ApiChange,
  type Bump,
  type Changeset,
} from './semver-rules.js';

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
