// `npx -y pnpm@10 run check:semver` (after a build): fails when a committed API report is out of
// date, when the public API changed since the last release without a changeset of a large enough
// bump, or when a breaking changeset has no migration guide. Rules: contributing/releases.md.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSemver, formatSemverCheck } from './semver-check.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const result = checkSemver(root);
const output = formatSemverCheck(result);
if (result.problems.length > 0) {
  process.stderr.write(output);
  process.exit(1);
}
process.stdout.write(output);
