// Writes the API report of every public package from its build:
//   npx -y pnpm@10 run api:report    builds, then writes packages/<pkg>/api/<name>.api.md
//   npx -y pnpm@10 run api:release   copies each report to api/released/ as the released baseline
//                                    (part of `version-packages`, after the versions move)
// Optional package names after the flags limit the run: `tsx scripts/api-report.ts @agentry/core`.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ApiReportError,
  listPublicPackages,
  recordReleasedReports,
  writeApiReports,
} from './api-reports.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const release = args.includes('--release');
const only = args.filter((arg) => !arg.startsWith('--'));
const packages = listPublicPackages(root).filter(
  (pkg) => only.length === 0 || only.includes(pkg.name),
);
const unknown = only.filter((name) => !packages.some((pkg) => pkg.name === name));
if (unknown.length > 0) {
  process.stderr.write(
    `No public package named ${unknown.join(', ')}. Public packages: ` +
      `${listPublicPackages(root)
        .map((pkg) => pkg.name)
        .join(', ')}.\n`,
  );
  process.exit(2);
}

const log = (line: string) => process.stdout.write(`${line}\n`);

try {
  for (const pkg of packages) {
    if (release) recordReleasedReports(root, pkg, log);
    else writeApiReports(root, pkg, log);
  }
} catch (error) {
  if (!(error instanceof ApiReportError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
