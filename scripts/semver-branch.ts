// `check:semver --since <ref>`: what a branch changed, from git. The branch's base is the merge
// base of HEAD and <ref>; its reports there are the baselines, and the changesets it adds or edits
// (committed or not) are the ones that must cover its API changes.
import { execFileSync } from 'node:child_process';

/** The branch's base could not be found, with what to do about it. */
export class BranchBaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BranchBaseError';
  }
}

export interface BranchBase {
  /** The merge-base commit. */
  readonly commit: string;
  /** The text of a repository-relative file at the base, or undefined when it did not exist. */
  readonly read: (path: string) => string | undefined;
  /** The changeset files (`.changeset/<name>.md`) the branch adds or edits, README excluded. */
  readonly changesets: ReadonlySet<string>;
}

function git(root: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Finds the merge base of HEAD and `since` in the repository at `root`. */
export function findBranchBase(root: string, since: string): BranchBase {
  try {
    git(root, ['rev-parse', '--verify', '--quiet', `${since}^{commit}`]);
  } catch {
    throw new BranchBaseError(
      `--since ${since}: no such commit in this clone. Fetch it first (for example ` +
        '`git fetch origin main`) or run the check without --since.',
    );
  }
  let commit: string;
  try {
    commit = git(root, ['merge-base', 'HEAD', since]).trim();
  } catch {
    throw new BranchBaseError(
      `--since ${since}: HEAD and ${since} have no common commit in this clone, which is probably ` +
        'shallow. Fetch the history (`git fetch --unshallow`, or a checkout with fetch-depth 0).',
    );
  }
  const changed = [
    ...git(root, ['diff', '--name-only', '--diff-filter=AMR', commit, '--', '.changeset']).split(
      '\n',
    ),
    ...git(root, ['ls-files', '--others', '--exclude-standard', '--', '.changeset']).split('\n'),
  ];
  const changesets = new Set(
    changed.filter((path) => /^\.changeset\/[^/]+\.md$/.test(path) && !path.endsWith('/README.md')),
  );
  return {
    commit,
    changesets,
    read: (path) => {
      try {
        return git(root, ['show', `${commit}:${path}`]).replace(/\r\n/g, '\n');
      } catch {
        return undefined;
      }
    },
  };
}
