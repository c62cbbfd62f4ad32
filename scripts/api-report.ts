// Writes the API report of every public package from its build:
//   npx -y pnpm@10 run api:report    builds, then writes packages/<pkg>/api/<name>.api.md
//   npx -y pnpm@10 run api:release   copies each report to api/released/ as the released baseline
//                                    (part of `version-packages`, after the versions move)
// Optional package names after the flags limit the run: `tsx scripts/api-report.ts @agentry/core`.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ApiReportError,
  currentReportPath,
  generateApiReport,
  listPublicPackages,
  releasedReportHeader,
  releasedReportPath,
  reportNamesIn,
  type PublicPackage,
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

const show = (path: string) => relative(root, path).split('\\').join('/');

function writeReports(pkg: PublicPackage): void {
  const names = new Set<string>();
  for (const entry of pkg.entries) {
    const text = generateApiReport(pkg, entry);
    const path = currentReportPath(pkg, entry.reportName);
    names.add(entry.reportName);
    const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    process.stdout.write(`${before === text ? 'unchanged' : 'wrote    '} ${show(path)}\n`);
  }
  for (const name of reportNamesIn(join(pkg.path, 'api'))) {
    if (names.has(name)) continue;
    rmSync(currentReportPath(pkg, name));
    process.stdout.write(`removed   ${show(currentReportPath(pkg, name))} (no such entry point)\n`);
  }
}

function recordRelease(pkg: PublicPackage): void {
  const current = reportNamesIn(join(pkg.path, 'api'));
  if (current.length === 0) {
    throw new ApiReportError(
      `${pkg.name} has no report in ${pkg.dir}/api/: run \`npx -y pnpm@10 run api:report\` first.`,
    );
  }
  for (const name of current) {
    const path = releasedReportPath(pkg, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(
      path,
      releasedReportHeader(pkg) + readFileSync(currentReportPath(pkg, name), 'utf8'),
    );
    process.stdout.write(`released  ${show(path)} (${pkg.name} ${pkg.version})\n`);
  }
  for (const name of reportNamesIn(join(pkg.path, 'api', 'released'))) {
    if (current.includes(name)) continue;
    rmSync(releasedReportPath(pkg, name));
    process.stdout.write(`removed   ${show(releasedReportPath(pkg, name))}\n`);
  }
}

try {
  for (const pkg of packages) {
    if (release) recordRelease(pkg);
    else writeReports(pkg);
  }
} catch (error) {
  if (!(error instanceof ApiReportError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
