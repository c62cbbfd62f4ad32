// API reports: which packages and entry points have one, where the files live, and how a report is
// generated from a package's built declarations with API Extractor. Used by api-report.ts (write
// the reports) and semver-check.ts (compare them). See contributing/decisions/0005-api-reports.md.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import {
  Extractor,
  ExtractorConfig,
  ExtractorLogLevel,
  type ExtractorMessage,
} from '@microsoft/api-extractor';
import { sortLiteralUnions } from './semver-rules.js';

/** A public (non-private) workspace package. */
export interface PublicPackage {
  readonly name: string;
  readonly version: string;
  /** Absolute folder. */
  readonly path: string;
  /** Folder relative to the repository root, with forward slashes. */
  readonly dir: string;
  readonly entries: readonly ApiEntry[];
}

/** One entry point of a package's `exports` map, with the report that describes it. */
export interface ApiEntry {
  /** The `exports` key: `.` or a subpath such as `./vitest`. */
  readonly subpath: string;
  /** The built declaration file, relative to the package folder (`dist/index.d.ts`). */
  readonly types: string;
  /** The report's name: `core` for `.`, `testing-vitest` for `./vitest` of `@agentry/testing`. */
  readonly reportName: string;
}

const skippedFolders = new Set(['node_modules', 'dist', 'api', 'src', 'test', '.turbo']);

/** Every public package under `packages/`, sorted by name. */
export function listPublicPackages(root: string): PublicPackage[] {
  const found: PublicPackage[] = [];
  const visit = (folder: string, depth: number): void => {
    const manifestPath = join(folder, 'package.json');
    if (existsSync(manifestPath)) {
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as PackageManifest;
      if (!manifest.private && manifest.name) found.push(describePackage(root, folder, manifest));
      return;
    }
    if (depth === 0) return;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory() && !skippedFolders.has(entry.name) && !entry.name.startsWith('.')) {
        visit(join(folder, entry.name), depth - 1);
      }
    }
  };
  const packagesFolder = join(root, 'packages');
  if (existsSync(packagesFolder)) visit(packagesFolder, 3);
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

interface PackageManifest {
  name?: string;
  version?: string;
  private?: boolean;
  types?: string;
  exports?: Record<string, unknown> | string;
}

function describePackage(root: string, folder: string, manifest: PackageManifest): PublicPackage {
  const name = manifest.name!;
  const unscoped = name.replace(/^@[^/]+\//, '');
  const entries: ApiEntry[] = [];
  const exportsMap =
    typeof manifest.exports === 'object' && manifest.exports !== null ? manifest.exports : {};
  for (const [subpath, target] of Object.entries(exportsMap)) {
    const types = typesOf(target);
    if (!types || subpath.endsWith('.json')) continue;
    const suffix = subpath === '.' ? '' : `-${subpath.replace(/^\.\//, '').replace(/\//g, '-')}`;
    entries.push({
      subpath,
      types: types.replace(/^\.\//, ''),
      reportName: `${unscoped}${suffix}`,
    });
  }
  if (entries.length === 0 && manifest.types) {
    entries.push({
      subpath: '.',
      types: manifest.types.replace(/^\.\//, ''),
      reportName: unscoped,
    });
  }
  return {
    name,
    version: manifest.version ?? '0.0.0',
    path: folder,
    dir: relative(root, folder).split('\\').join('/'),
    entries,
  };
}

function typesOf(target: unknown): string | undefined {
  if (typeof target === 'string') return target.endsWith('.d.ts') ? target : undefined;
  if (typeof target !== 'object' || target === null) return undefined;
  const types = (target as Record<string, unknown>).types;
  return typeof types === 'string' ? types : undefined;
}

/** `packages/core/api/core.api.md`: the report of the code as it is. */
export function currentReportPath(pkg: PublicPackage, reportName: string): string {
  return join(pkg.path, 'api', `${reportName}.api.md`);
}

/** `packages/core/api/released/core.api.md`: the report as of the package's last release. */
export function releasedReportPath(pkg: PublicPackage, reportName: string): string {
  return join(pkg.path, 'api', 'released', `${reportName}.api.md`);
}

/** The report names that have a file in `folder` (`core` for `core.api.md`). */
export function reportNamesIn(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((file) => file.endsWith('.api.md'))
    .map((file) => file.slice(0, -'.api.md'.length))
    .sort();
}

const releasedHeader = /^<!-- API baseline of (\S+) ([^\s:]+): /;

/** The first line of a released report, naming the package and version it was recorded at. */
export function releasedReportHeader(pkg: PublicPackage): string {
  return (
    `<!-- API baseline of ${pkg.name} ${pkg.version}: the report as of that version's release, ` +
    'which check:semver compares the current report with. Written by `api:release`; do not ' +
    'edit. -->\n\n'
  );
}

/** Reads a released report: its text and the version it was recorded at. */
export function readReleasedReport(path: string): { text: string; version: string | undefined } {
  const text = readFileSync(path, 'utf8');
  return { text, version: releasedHeader.exec(text)?.[2] };
}

/** A report could not be generated: the declarations are missing or do not compile. */
export class ApiReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiReportError';
  }
}

/**
 * Generates the API report of one entry point from the package's built declarations and returns
 * its text (LF line ends). API Extractor brings its own TypeScript, the version the repository
 * uses; the report includes the unexported types the public API refers to, since changing them
 * changes the API too.
 */
export function generateApiReport(pkg: PublicPackage, entry: ApiEntry): string {
  const entryPath = resolve(pkg.path, entry.types);
  if (!existsSync(entryPath)) {
    throw new ApiReportError(
      `${pkg.dir}/${entry.types} is missing: the report of ${pkg.name} (${entry.subpath}) is made ` +
        'from the build. Run `npx -y pnpm@10 build` first (`npx -y pnpm@10 run api:report` builds ' +
        'and writes the reports).',
    );
  }
  const work = mkdtempSync(join(tmpdir(), 'agentry-api-report-'));
  try {
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder: pkg.path,
        mainEntryPointFilePath: entryPath,
        compiler: {
          overrideTsconfig: {
            compilerOptions: {
              target: 'ES2023',
              lib: ['ES2023'],
              module: 'NodeNext',
              moduleResolution: 'NodeNext',
              types: ['node'],
              strict: true,
              skipLibCheck: true,
            },
            files: [entryPath],
          },
        },
        apiReport: {
          enabled: true,
          reportFileName: entry.reportName,
          reportFolder: work,
          reportTempFolder: join(work, 'temp'),
          includeForgottenExports: true,
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        newlineKind: 'lf',
        messages: {
          compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Error } },
          extractorMessageReporting: {
            default: { logLevel: ExtractorLogLevel.None },
            'ae-missing-release-tag': {
              logLevel: ExtractorLogLevel.None,
              addToApiReportFile: false,
            },
          },
          tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
        },
      },
      configObjectFullPath: undefined,
      packageJsonFullPath: join(pkg.path, 'package.json'),
    });
    const errors: string[] = [];
    const result = Extractor.invoke(config, {
      localBuild: true,
      messageCallback: (message: ExtractorMessage) => {
        message.handled = true;
        if (message.logLevel === ExtractorLogLevel.Error)
          errors.push(message.formatMessageWithLocation(pkg.path));
      },
    });
    const reportPath = join(work, `${entry.reportName}.api.md`);
    if (!result.succeeded || !existsSync(reportPath)) {
      throw new ApiReportError(
        `API Extractor could not read ${pkg.dir}/${entry.types} (${pkg.name} ${entry.subpath}):\n` +
          (errors.join('\n') || `${result.errorCount} errors`) +
          '\nRebuild with `npx -y pnpm@10 build` and fix the errors above.',
      );
    }
    return readFileSync(reportPath, 'utf8')
      .replace(/\r\n/g, '\n')
      .split('\n')
      .map(sortLiteralUnions)
      .join('\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Writes the reports of every entry point of a package and removes those of entry points gone. */
export function writeApiReports(
  root: string,
  pkg: PublicPackage,
  log: (line: string) => void,
  generate: (pkg: PublicPackage, entry: ApiEntry) => string = generateApiReport,
): void {
  const show = (path: string) => relative(root, path).split('\\').join('/');
  const names = new Set<string>();
  for (const entry of pkg.entries) {
    const text = generate(pkg, entry);
    const path = currentReportPath(pkg, entry.reportName);
    names.add(entry.reportName);
    const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    log(`${before === text ? 'unchanged' : 'wrote    '} ${show(path)}`);
  }
  for (const name of reportNamesIn(join(pkg.path, 'api'))) {
    if (names.has(name)) continue;
    rmSync(currentReportPath(pkg, name));
    log(`removed   ${show(currentReportPath(pkg, name))} (no such entry point)`);
  }
}

/**
 * Records a package's committed reports as its released baseline, at its current version. Run
 * at release time only, after the versions moved and the reports were regenerated.
 */
export function recordReleasedReports(
  root: string,
  pkg: PublicPackage,
  log: (line: string) => void,
): void {
  const show = (path: string) => relative(root, path).split('\\').join('/');
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
    log(`released  ${show(path)} (${pkg.name} ${pkg.version})`);
  }
  for (const name of reportNamesIn(join(pkg.path, 'api', 'released'))) {
    if (current.includes(name)) continue;
    rmSync(releasedReportPath(pkg, name));
    log(`removed   ${show(releasedReportPath(pkg, name))}`);
  }
}
