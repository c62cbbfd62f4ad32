// The file-system side of `check:semver`: generates each public package's API report from its
// build, compares it with the committed report and with the report recorded at the last release,
// reads the pending changesets, and applies the rules of semver-evaluate.ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiReportError,
  currentReportPath,
  generateApiReport,
  listPublicPackages,
  readReleasedReport,
  releasedReportPath,
  reportNamesIn,
  type ApiEntry,
  type PublicPackage,
} from './api-reports.js';
import { BranchBaseError, findBranchBase, type BranchBase } from './semver-branch.js';
import {
  evaluateRelease,
  type ApiReportState,
  type PackageState,
  type PackageVerdict,
  type Problem,
} from './semver-evaluate.js';
import { ChangesetFormatError, parseChangeset, type Changeset } from './semver-rules.js';

export interface SemverCheckOptions {
  /** Makes the report of one entry point; API Extractor over the build unless replaced. */
  readonly generate?: (pkg: PublicPackage, entry: ApiEntry) => string;
  /**
   * A git ref (`origin/main`): also check what this branch changed since its merge base with it,
   * so each pull request brings the changesets for its own API changes.
   */
  readonly since?: string;
}

export interface SemverCheckResult {
  readonly problems: Problem[];
  readonly verdicts: PackageVerdict[];
  readonly changesets: number;
}

const regenerate = 'npx -y pnpm@10 run api:report';

/** Runs every check of `check:semver` over the repository at `root`. */
export function checkSemver(root: string, options: SemverCheckOptions = {}): SemverCheckResult {
  const generate = options.generate ?? generateApiReport;
  const problems: Problem[] = [];
  const states: PackageState[] = [];
  const built = new Map<PublicPackage, Map<string, string>>();

  for (const pkg of listPublicPackages(root)) {
    const generated = new Map<string, string>();
    let buildMissing = false;
    for (const entry of pkg.entries) {
      try {
        generated.set(entry.reportName, generate(pkg, entry));
      } catch (error) {
        if (!(error instanceof ApiReportError)) throw error;
        problems.push({ message: error.message, fix: 'Build, then run the check again.' });
        buildMissing = true;
      }
    }
    if (buildMissing) continue;
    built.set(pkg, generated);

    const committed = reportNamesIn(join(pkg.path, 'api'));
    const stale = [
      ...[...generated].filter(([name, text]) => {
        const path = currentReportPath(pkg, name);
        return !existsSync(path) || readFileSync(path, 'utf8').replace(/\r\n/g, '\n') !== text;
      }),
      ...committed.filter((name) => !generated.has(name)).map((name) => [name, '']),
    ].map(([name]) => `${pkg.dir}/api/${name}.api.md`);
    if (stale.length > 0) {
      problems.push({
        message: `The committed API report of ${pkg.name} does not match its build: ${stale.join(', ')}.`,
        fix:
          `Run \`${regenerate}\`, review the difference (\`git diff ${pkg.dir}/api\`) and commit ` +
          `${pkg.dir}/api/ with the change; a changed API also needs a changeset.`,
      });
    }

    const released = reportNamesIn(join(pkg.path, 'api', 'released'));
    const names = [...new Set([...generated.keys(), ...released])].sort();
    const reports: ApiReportState[] = names.map((name) => {
      const baseline = released.includes(name)
        ? readReleasedReport(releasedReportPath(pkg, name))
        : undefined;
      return {
        name,
        current: generated.get(name),
        baseline: baseline?.text,
        baselineVersion: baseline?.version,
      };
    });
    states.push({ name: pkg.name, version: pkg.version, dir: pkg.dir, reports });
  }

  const changesets: Changeset[] = [];
  const changesetFolder = join(root, '.changeset');
  const files = existsSync(changesetFolder)
    ? readdirSync(changesetFolder).filter((file) => file.endsWith('.md') && file !== 'README.md')
    : [];
  for (const file of files.sort()) {
    try {
      changesets.push(
        parseChangeset(`.changeset/${file}`, readFileSync(join(changesetFolder, file), 'utf8')),
      );
    } catch (error) {
      if (!(error instanceof ChangesetFormatError)) throw error;
      problems.push({
        message: error.message,
        fix: 'Correct the front matter; see contributing/releases.md#writing-a-changeset.',
      });
    }
  }

  const fixed = readFixedGroups(root);
  const guideExists = (path: string) => existsSync(join(root, path));
  const evaluation = evaluateRelease({ packages: states, changesets, guideExists, fixed });
  problems.push(...evaluation.problems);
  if (options.since !== undefined) {
    problems.push(...checkBranch(root, options.since, built, changesets, problems));
  }
  return { problems, verdicts: evaluation.verdicts, changesets: changesets.length };
}

/**
 * The branch rules: each package whose API changed since the merge base with `since` needs a
 * changeset the branch adds or edits, with the bump and marker that change needs. Packages that
 * already fail the release rules are not reported twice.
 */
function checkBranch(
  root: string,
  since: string,
  built: ReadonlyMap<PublicPackage, ReadonlyMap<string, string>>,
  changesets: readonly Changeset[],
  found: readonly Problem[],
): Problem[] {
  let base: BranchBase;
  try {
    base = findBranchBase(root, since);
  } catch (error) {
    if (!(error instanceof BranchBaseError)) throw error;
    return [{ message: error.message, fix: 'Make the base reachable, then run the check again.' }];
  }
  const failing = new Set(found.map((problem) => problem.package));
  const states: PackageState[] = [];
  for (const [pkg, generated] of built) {
    if (failing.has(pkg.name)) continue;
    const atBase = (name: string) => base.read(`${pkg.dir}/api/${name}.api.md`);
    const baseNames = [...generated.keys()].filter((name) => atBase(name) !== undefined);
    const existedAtBase = base.read(`${pkg.dir}/package.json`) !== undefined;
    const reports: ApiReportState[] = [...generated].map(([name, current]) => ({
      name,
      current,
      // A package that had no reports at the base (before they were adopted) has nothing to
      // compare with: the release rules cover it.
      baseline: atBase(name) ?? (existedAtBase && baseNames.length === 0 ? current : undefined),
      baselineVersion: pkg.version,
    }));
    states.push({ name: pkg.name, version: pkg.version, dir: pkg.dir, reports });
  }
  return evaluateRelease({
    packages: states,
    changesets: changesets.filter((changeset) => base.changesets.has(changeset.file)),
    guideExists: (path) => existsSync(join(root, path)),
    fixed: readFixedGroups(root),
    since,
  }).problems;
}

function readFixedGroups(root: string): string[][] {
  const path = join(root, '.changeset', 'config.json');
  if (!existsSync(path)) return [];
  const config = JSON.parse(readFileSync(path, 'utf8')) as { fixed?: unknown };
  return Array.isArray(config.fixed)
    ? config.fixed.filter((group): group is string[] => Array.isArray(group))
    : [];
}

/** The check's report as text: one line per package, then each problem with its fix. */
export function formatSemverCheck(result: SemverCheckResult): string {
  const lines = result.verdicts.map((verdict) => {
    const change =
      verdict.change === 'none'
        ? 'no API change since the last release'
        : `${verdict.change} (${verdict.removed} lines removed or changed, ${verdict.added} added)`;
    const bump = verdict.bump ? `, changesets bump ${verdict.bump}` : '';
    const declared = verdict.declaredNotBreaking
      ? `; changed declarations accepted as not breaking by ${verdict.declaredNotBreaking}`
      : '';
    return `  ${verdict.name}: ${change}${bump}${declared}`;
  });
  lines.unshift(
    `check:semver: ${result.verdicts.length} packages, ${result.changesets} pending changesets`,
  );
  if (result.problems.length === 0) {
    lines.push('API reports, bumps and migration guides agree.');
  } else {
    lines.push('', `${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}:`);
    result.problems.forEach((problem, index) => {
      lines.push('', `${index + 1}. ${problem.message}`, `   To fix: ${problem.fix}`);
    });
  }
  return `${lines.join('\n')}\n`;
}
