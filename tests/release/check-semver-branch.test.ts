import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkSemver, type SemverCheckOptions } from '../../scripts/semver-check.js';
import {
  added,
  changeset,
  removeRepositories,
  removed,
  released,
  repository,
  type FixtureRepository,
} from './semver-fixtures.js';

afterEach(removeRepositories);

function git(repo: FixtureRepository, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=Release Check', '-c', 'user.email=release@example.test', ...args],
    { cwd: repo.root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

const guide = 'docs/migrations/demo-0.4.0.md';

/**
 * A git repository whose `main` holds @acme/demo with its report equal to the release and an
 * earlier pending changeset, `older.md`, releasing it `minor` (marked breaking, with its guide, if
 * `olderBreaking`); then a branch `feature` whose report is `branchReport`, committed.
 */
function branchRepository(branchReport: string, olderBreaking = false): FixtureRepository {
  const body = olderBreaking
    ? `**Breaking:** an earlier change, see ${guide}.`
    : 'feat: an earlier change';
  const repo = repository({
    built: branchReport,
    committed: released,
    changesets: { 'older.md': changeset({ '@acme/demo': 'minor' }, body) },
    guides: [guide],
  });
  git(repo, 'init', '--quiet', '--initial-branch=main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '--quiet', '-m', 'main');
  git(repo, 'checkout', '--quiet', '-b', 'feature');
  repo.write('packages/demo/api/demo.api.md', branchReport);
  git(repo, 'commit', '--quiet', '-am', 'feature');
  return repo;
}

function check(repo: FixtureRepository, options: SemverCheckOptions = { since: 'main' }) {
  return checkSemver(repo.root, { generate: repo.generate, ...options });
}

describe('checkSemver --since', () => {
  it('fails an API change the branch makes without adding a changeset, though one is pending', () => {
    const repo = branchRepository(added);
    expect(check(repo, {}).problems).toEqual([]);
    const { problems } = check(repo);
    expect(problems).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(
          'The public API of @acme/demo changed since main (additive), but no changeset this ' +
            'branch adds releases it.',
        ),
      }),
    ]);
  });

  it('passes once the branch adds a changeset, even before it is committed', () => {
    const repo = branchRepository(added);
    repo.write('.changeset/shout.md', changeset({ '@acme/demo': 'patch' }, 'feat: shout'));
    expect(check(repo).problems).toEqual([]);
  });

  it("does not count an edit of another package's changeset for this package", () => {
    const repo = branchRepository(added);
    repo.write('.changeset/other.md', changeset({ '@acme/other': 'minor' }, 'feat: other'));
    expect(check(repo).problems).toHaveLength(1);
  });

  it('fails a breaking change on a branch whose own changeset is not marked breaking', () => {
    const repo = branchRepository(removed, true);
    repo.write('.changeset/gone.md', changeset({ '@acme/demo': 'minor' }, 'feat: greet is gone'));
    expect(check(repo, {}).problems).toEqual([]);
    expect(check(repo).problems.map((problem) => problem.message)).toEqual([
      expect.stringContaining(
        'changed in a breaking way since main, but none of its changesets (.changeset/gone.md) is marked breaking',
      ),
    ]);
  });

  it('passes a breaking change whose changeset on the branch is marked, with its guide', () => {
    const repo = branchRepository(removed, true);
    repo.write(
      '.changeset/gone.md',
      changeset({ '@acme/demo': 'minor' }, `**Breaking:** greet is gone, see ${guide}.`),
    );
    expect(check(repo).problems).toEqual([]);
  });

  it('says what to fetch when the base is not in the clone', () => {
    const repo = branchRepository(added);
    const { problems } = check(repo, { since: 'origin/main' });
    expect(problems.map((problem) => problem.message)).toEqual([
      expect.stringMatching(/^--since origin\/main: no such commit in this clone\. Fetch it first/),
    ]);
  });

  it('compares nothing for a package that had no reports at the base', () => {
    const repo = branchRepository(added);
    git(repo, 'checkout', '--quiet', 'main');
    git(repo, 'rm', '--quiet', '-r', 'packages/demo/api');
    git(repo, 'commit', '--quiet', '-m', 'before the reports');
    git(repo, 'checkout', '--quiet', '-b', 'adopt');
    rmSync(join(repo.root, 'packages/demo/api'), { recursive: true, force: true });
    repo.write('packages/demo/api/demo.api.md', added);
    const baseline = 'packages/demo/api/released/demo.api.md';
    repo.write(baseline, git(repo, 'show', `feature:${baseline}`));
    expect(check(repo).problems).toEqual([]);
  });
});
