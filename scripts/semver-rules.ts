// The rules of `check:semver`, as pure functions over texts: how an API report is compared with
// its baseline, how a changeset is read, and which bump a change needs. semver-evaluate.ts applies
// them to packages and changesets, semver-check.ts reads the repository; contributing/releases.md
// states the rules.

export type Bump = 'patch' | 'minor' | 'major';

const bumpRank: Record<Bump, number> = { patch: 1, minor: 2, major: 3 };

/** The line that marks a changeset as breaking, at the start of a line of its body. */
export const BREAKING_MARKER = '**Breaking:**';

/**
 * The line that says why a change the API report calls breaking (a changed declaration line) does
 * not break users, such as a new optional parameter or a widened parameter type.
 */
export const NOT_BREAKING_MARKER = '**Not breaking:**';

/** A pending changeset, as `check:semver` reads it. */
export interface Changeset {
  /** The path shown in messages, for example `.changeset/named-stores.md`. */
  readonly file: string;
  /** Each package the changeset releases, with its bump. */
  readonly releases: ReadonlyMap<string, Bump>;
  /**
   * Whether a body line starts with {@link BREAKING_MARKER}, or the summary line is a
   * conventional summary with `!` (`feat(core)!: …`).
   */
  readonly breaking: boolean;
  /** Whether a body line starts with {@link NOT_BREAKING_MARKER}. */
  readonly notBreaking: boolean;
  /** Every `docs/migrations/<file>.md` the body links or names, README excluded. */
  readonly guides: readonly string[];
}

/** A changeset file that could not be read, with what is wrong. */
export class ChangesetFormatError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'ChangesetFormatError';
  }
}

/**
 * Reads a changeset: the YAML front matter of package names and bumps (`'@agentry/core': minor`),
 * the {@link BREAKING_MARKER} and the migration guides the body links.
 */
export function parseChangeset(file: string, text: string): Changeset {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trim() !== '---') {
    throw new ChangesetFormatError(file, 'the first line must be `---`, opening the front matter');
  }
  const end = lines.findIndex((line, index) => index > 0 && line.trim() === '---');
  if (end === -1) throw new ChangesetFormatError(file, 'the front matter is not closed by `---`');
  const releases = new Map<string, Bump>();
  for (const raw of lines.slice(1, end)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(['"]?)(@?[\w.-]+(?:\/[\w.-]+)?)\1\s*:\s*(['"]?)(\w+)\3\s*$/.exec(line);
    const name = match?.[2];
    const bump = match?.[4];
    if (!name || !bump) {
      throw new ChangesetFormatError(file, `cannot read the front-matter line "${line}"`);
    }
    if (bump === 'none') continue;
    if (!isBump(bump)) {
      throw new ChangesetFormatError(
        file,
        `"${name}" has the bump "${bump}"; use patch, minor or major`,
      );
    }
    releases.set(name, bump);
  }
  const body = lines.slice(end + 1);
  const summary = body.find((line) => line.trim() !== '')?.trim() ?? '';
  const breaking =
    body.some((line) => line.trimStart().startsWith(BREAKING_MARKER)) ||
    /^[a-z]+(?:\([^)]*\))?!:/.test(summary);
  const notBreaking = body.some((line) => line.trimStart().startsWith(NOT_BREAKING_MARKER));
  if (breaking && notBreaking) {
    throw new ChangesetFormatError(
      file,
      `it has both a ${BREAKING_MARKER} and a ${NOT_BREAKING_MARKER} line; keep the one that is true`,
    );
  }
  const guides = new Set<string>();
  for (const match of body.join('\n').matchAll(/docs\/migrations\/([\w.-]+\.md)/g)) {
    if (match[1] !== 'README.md') guides.add(`docs/migrations/${match[1]}`);
  }
  return { file, releases, breaking, notBreaking, guides: [...guides] };
}

function isBump(value: string): value is Bump {
  return value === 'patch' || value === 'minor' || value === 'major';
}

/** What changed between two API reports. */
export interface ApiDiff {
  /** Declaration lines present only in the baseline, as `<declaration>: <line>`. */
  readonly removed: readonly string[];
  /** Declaration lines present only in the current report, as `<declaration>: <line>`. */
  readonly added: readonly string[];
}

export type ApiChange = 'none' | 'additive' | 'breaking';

const declarationStart =
  /^(?:export\s+)?(?:declare\s+)?(?:abstract\s+)?(?:default\s+)?(?:const|let|var|function|interface|type|class|enum|namespace|module)\s+([A-Za-z_$][\w$]*)/;

/**
 * The declaration lines of an API report, each keyed by the top-level declaration it belongs to
 * (`Agent:     abort(reason?: string): void;`), with how often each occurs. Only the TypeScript
 * block counts; comments (release tags, `@deprecated`, TSDoc kept inside unions), `import` lines,
 * blank lines and trailing spaces are left out, and the members of unions of string literals are
 * sorted, so reordering and documentation are not changes.
 */
export function apiDeclarationLines(report: string): Map<string, number> {
  const lines = report.split(/\r?\n/);
  const open = lines.findIndex((line) => line.trim() === '```ts');
  const close = lines.findIndex((line, index) => index > open && line.trim() === '```');
  const code = open === -1 ? lines : lines.slice(open + 1, close === -1 ? undefined : close);
  const counts = new Map<string, number>();
  let declaration = '(top level)';
  let inComment = false;
  for (const raw of code) {
    const line = raw.trimEnd();
    const trimmed = line.trim();
    if (inComment) {
      if (trimmed.includes('*/')) inComment = false;
      continue;
    }
    if (trimmed === '' || trimmed.startsWith('//')) continue;
    if (trimmed.startsWith('/*')) {
      if (!trimmed.includes('*/')) inComment = true;
      continue;
    }
    if (!raw.startsWith(' ') && trimmed.startsWith('import ')) continue;
    if (!raw.startsWith(' ')) {
      const name = declarationStart.exec(trimmed)?.[1];
      if (name) declaration = name;
      else if (trimmed.startsWith('export {') || trimmed.startsWith('export *')) {
        declaration = '(re-exports)';
      }
    }
    const key = `${declaration}: ${sortLiteralUnions(line)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

// A union of string literals (`"task" | "decision"`): the compiler prints its members in the order
// it first met each literal, which moves when unrelated code changes, so the order means nothing.
const literalUnion = /"[^"\\]*"(?:\s*\|\s*"[^"\\]*")+/g;

/**
 * Writes every union of string literals in a line with its members sorted. API reports are written
 * this way too (see `generateApiReport`), because the same sources built fresh or incrementally can
 * print such a union in two orders.
 */
export function sortLiteralUnions(line: string): string {
  return line.replace(literalUnion, (union) =>
    union
      .split('|')
      .map((member) => member.trim())
      .sort()
      .join(' | '),
  );
}

/** Compares a baseline report with the current one, line by declaration line. */
export function diffApiReports(baseline: string, current: string): ApiDiff {
  const before = apiDeclarationLines(baseline);
  const after = apiDeclarationLines(current);
  const removed: string[] = [];
  const added: string[] = [];
  for (const [line, count] of before) {
    for (let i = after.get(line) ?? 0; i < count; i += 1) removed.push(line);
  }
  for (const [line, count] of after) {
    for (let i = before.get(line) ?? 0; i < count; i += 1) added.push(line);
  }
  return { removed, added };
}

/** A removed or changed declaration line is breaking; lines only added are additive. */
export function classifyApiDiff(diff: ApiDiff): ApiChange {
  if (diff.removed.length > 0) return 'breaking';
  return diff.added.length > 0 ? 'additive' : 'none';
}

/**
 * The smallest bump a change needs at a version. From 1.0: breaking needs major, additive minor.
 * While 0.x every rule moves down one place: breaking needs minor, additive patch.
 */
export function requiredBump(version: string, change: ApiChange): Bump | undefined {
  if (change === 'none') return undefined;
  const zeroMajor = /^0\./.test(version);
  if (change === 'breaking') return zeroMajor ? 'minor' : 'major';
  return zeroMajor ? 'patch' : 'minor';
}

export function maxBump(bumps: Iterable<Bump>): Bump | undefined {
  let best: Bump | undefined;
  for (const bump of bumps) if (!best || bumpRank[bump] > bumpRank[best]) best = bump;
  return best;
}

export function bumpAtLeast(bump: Bump | undefined, needed: Bump): boolean {
  return bump !== undefined && bumpRank[bump] >= bumpRank[needed];
}

/** The version a bump leads to: `bumpVersion('0.1.0', 'minor')` is `0.2.0`. */
export function bumpVersion(version: string, bump: Bump): string {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) return version;
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (bump === 'major') return `${major + 1}.0.0`;
  if (bump === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}
