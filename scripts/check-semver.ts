// `npx -y pnpm@10 run check:semver` (after a build): fails when a committed API report is out of
// date, when the public API changed since the last release without a changeset of a large enough
// bump, or when a breaking changeset has no migration guide. Rules: contributing/releases.md.
// `--since <ref>` (for a pull request: `--since origin/main`) also requires each API change the
// branch makes since its merge base with <ref> to come with a changeset the branch adds.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSemver, formatSemverCheck } from './semver-check.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const sinceAt = args.findIndex((arg) => arg === '--since' || arg.startsWith('--since='));
const sinceArg = sinceAt === -1 ? undefined : args[sinceAt];
const since = sinceArg?.startsWith('--since=')
  ? sinceArg.slice('--since='.length)
  : args[sinceAt + 1];
if (sinceAt !== -1 && !since) {
  process.stderr.write('--since needs a git ref, for example `--since origin/main`.\n');
  process.exit(2);
}
const result = checkSemver(root, since === undefined ? {} : { since });
const output = formatSemverCheck(result);
if (result.problems.length > 0) {
  process.stderr.write(output);
  process.exit(1);
}
process.stdout.write(output);
