// Builds every public (non-private) package of the workspace and packs each into one folder, as
// `pnpm pack` makes it for the registry: `workspace:` ranges become the versions packed beside
// them. An app outside this repository then installs the tarballs with plain npm, before any
// release; see docs/guides/use-in-your-project.md.
//
//   npx -y pnpm@10 run pack:all [--out <dir>] [--skip-build]
//
// --out         the folder for the tarballs (default `.packs/` at the repository root); tarballs
//               already in it are removed first, so it holds one version of each package
// --skip-build  pack what `dist/` holds now (each tarball is still checked for its entry points)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readTarball, tarballProblems } from './read-tarball.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const usage = 'Usage: npx -y pnpm@10 run pack:all [--out <dir>] [--skip-build]';

let options;
try {
  ({ values: options } = parseArgs({
    options: {
      out: { type: 'string', default: '.packs' },
      'skip-build': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${usage}`, 2);
}
if (options.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const out = resolve(root, options.out);
if (out === root) fail('--out must be a folder other than the repository root.', 2);

const publicPackages = listWorkspace().filter((entry) => !entry.private && entry.name);
if (publicPackages.length === 0) fail('The workspace has no public package to pack.', 1);
const filters = publicPackages.map((entry) => `--filter=${entry.name}`);

if (!options['skip-build']) {
  heading(`Building ${publicPackages.length} packages`);
  pnpm(['exec', 'turbo', 'run', 'build', ...filters, '--output-logs=errors-only']);
}

heading(`Packing into ${relative(process.cwd(), out) || '.'}`);
mkdirSync(out, { recursive: true });
for (const file of readdirSync(out)) if (file.endsWith('.tgz')) rmSync(join(out, file));
const packed = toArray(
  JSON.parse(pnpm([...filters, 'pack', '--pack-destination', out, '--json'], { capture: true })),
);

const versions = new Map(packed.map((entry) => [entry.name, entry.version]));
const report = [];
let broken = false;
for (const entry of packed.sort((a, b) => a.name.localeCompare(b.name))) {
  const problems = tarballProblems(readTarball(entry.filename), versions);
  for (const problem of problems) {
    process.stderr.write(`${basename(entry.filename)}: ${problem}\n`);
    broken = true;
  }
  const kilobytes = Math.round(statSync(entry.filename).size / 1024);
  report.push(
    `  ${basename(entry.filename).padEnd(34)} ${`${entry.name} ${entry.version}`.padEnd(30)} ${kilobytes} kB`,
  );
}
if (broken) fail('Some tarballs cannot be installed outside the workspace (above).', 1);

const tarball = (name) => packed.find((entry) => entry.name === name)?.filename;
const example = ['@agentry/core', '@agentry/openai'].map(tarball).filter(Boolean);
process.stdout.write(
  [
    `Packed ${packed.length} packages into ${out}:`,
    ...report,
    '',
    'Install them in a project outside this repository with npm, core and what you use in one command:',
    `  npm install ${example.join(' ')}`,
    '',
  ].join('\n'),
);

/** The workspace's projects, as `pnpm ls -r --json --depth -1` lists them. */
function listWorkspace() {
  return JSON.parse(pnpm(['ls', '-r', '--json', '--depth', '-1'], { capture: true }));
}

/**
 * Runs pnpm in the repository root: the pnpm that runs this script when there is one (so
 * `pnpm run pack:all` needs no second download), else `npx -y pnpm@10`. Returns standard output
 * when `capture` is set; a failure ends the script with pnpm's exit code.
 */
function pnpm(args, { capture = false } = {}) {
  const execPath = process.env.npm_execpath;
  const own = execPath && /pnpm/i.test(basename(execPath));
  const [command, prefix] = own ? [process.execPath, [execPath]] : ['npx', ['-y', 'pnpm@10']];
  const result = spawnSync(command, [...prefix, ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    shell: !own && process.platform === 'win32',
  });
  if (result.error) fail(`Could not run pnpm ${args.join(' ')}: ${result.error.message}`, 1);
  if (result.status !== 0) fail(`pnpm ${args.join(' ')} failed (exit ${result.status}).`, 1);
  return result.stdout;
}

/** `pnpm pack --json` prints one object for one package and an array for several. */
function toArray(value) {
  return Array.isArray(value) ? value : [value];
}

function heading(text) {
  process.stdout.write(`\n${text}\n`);
}

function fail(message, code) {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}
