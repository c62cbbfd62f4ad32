#!/usr/bin/env node
// Checks that every public interface and type alias of the published packages has an `@example`
// in its TSDoc, reading the JSON that TypeDoc writes beside the HTML site (`typedoc --json`).
//
//   node scripts/check-doc-examples.mjs docs/api/api.json              # list and check
//   node scripts/check-doc-examples.mjs docs/api/api.json --typecheck  # also type-check examples
//
// A type whose use is plain from its name (a literal union such as `ProviderType`) is listed in
// `obvious` below with the reason. `pending` holds the types that had no example when this check
// was introduced; it may only shrink: an entry that gains an example must be removed from it. Any
// other type without an example fails the check, so a new public type needs an example (or an
// entry in `obvious` that a reviewer accepts).
//
// With --typecheck, every ```ts block of those examples that is a complete module (it imports what
// it uses and declares with `declare const` the values it takes as given) is written to
// `<package>/.doc-examples/` and compiled with the package's tsconfig (strict, NodeNext, the
// package's own dependencies). Older examples that are fragments (no import) are counted and
// listed with --fragments; they are not compiled.
//
// --allowlist <file.json> replaces both lists with `{ "obvious": {…}, "pending": […] }` (for the
// script's own tests).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Types whose use is plain from the name alone: `package.Name` → reason. */
const builtInObvious = {
  '@agentry/core.ProviderType':
    "the provider names a configuration's `type` accepts: a plain union of string literals",
};

/**
 * Types without an example when this check was introduced; only ever removed from. The emulator's
 * two wire-level types serve only its internal `WireFormat`, and the conformance options are being
 * reworked (scenarios and `serve(scenario)`); each gets its example with that work.
 */
const builtInPending = [
  '@agentry/testing.NormalizedReply',
  '@agentry/testing.SseEvent',
  '@agentry/testing.PluginConformanceOptions',
  '@agentry/testing.ProviderConformanceCapabilities',
  '@agentry/testing.StateStoreConformanceOptions',
];

const kinds = { 256: 'interface', 2097152: 'type' };
const containerKinds = new Set([1, 2, 4]); // project, module, namespace

function usage(message) {
  console.error(
    `${message}\nUsage: node scripts/check-doc-examples.mjs <typedoc.json> [--typecheck] [--fragments] [--allowlist <file.json>]`,
  );
  process.exit(2);
}

const args = process.argv.slice(2);
const jsonPath = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--allowlist');
if (!jsonPath) usage('Missing the path of the JSON that `typedoc --json` wrote.');
const typecheck = args.includes('--typecheck');
const allowlistIndex = args.indexOf('--allowlist');
const allowlistPath = allowlistIndex === -1 ? undefined : args[allowlistIndex + 1];
if (allowlistIndex !== -1 && (allowlistPath === undefined || allowlistPath.startsWith('--'))) {
  usage('--allowlist needs the path of a JSON file.');
}
const allowlist = allowlistPath
  ? JSON.parse(readFileSync(allowlistPath, 'utf8'))
  : { obvious: builtInObvious, pending: builtInPending };
const obvious = allowlist.obvious ?? {};
const pending = allowlist.pending ?? [];

let project;
try {
  project = JSON.parse(readFileSync(jsonPath, 'utf8'));
} catch (error) {
  usage(`Cannot read ${jsonPath}: ${error.message}. Run \`typedoc --json ${jsonPath}\` first.`);
}

/** Every public interface and type alias, with its package, source file and examples. */
function collect(reflection, packageName, found) {
  for (const child of reflection.children ?? []) {
    const pkg = packageName ?? child.name;
    if (kinds[child.kind]) {
      const examples = (child.comment?.blockTags ?? []).filter((t) => t.tag === '@example');
      found.push({
        kind: kinds[child.kind],
        key: `${pkg}.${child.name}`,
        pkg,
        name: child.name,
        file: child.sources?.[0]?.fileName,
        examples: examples.map((t) => t.content.map((part) => part.text).join('')),
      });
    }
    if (containerKinds.has(child.kind)) collect(child, pkg, found);
  }
  return found;
}

const types = collect(project, undefined, []);
const keys = new Set(types.map((t) => t.key));
const missing = types.filter((t) => t.examples.length === 0);
const problems = [];

for (const t of missing) {
  if (!(t.key in obvious) && !pending.includes(t.key)) {
    problems.push(`${t.key} (${t.kind}, ${t.file}) has no @example.`);
  }
}
for (const key of Object.keys(obvious)) {
  if (!keys.has(key))
    problems.push(`obvious lists ${key}, which is not a public type any more: remove it.`);
}
for (const key of pending) {
  const t = types.find((x) => x.key === key);
  if (!t) problems.push(`pending lists ${key}, which is not a public type any more: remove it.`);
  else if (t.examples.length > 0)
    problems.push(`${key} has an example now: remove it from pending.`);
}

for (const kind of ['interface', 'type']) {
  const all = types.filter((t) => t.kind === kind);
  const withExample = all.filter((t) => t.examples.length > 0).length;
  const exempt = all.filter((t) => t.key in obvious).length;
  console.log(
    `${kind === 'interface' ? 'interfaces' : 'type aliases'}: ${withExample} of ${all.length} have an example` +
      (exempt ? `, ${exempt} exempt as obvious` : ''),
  );
}
if (pending.length)
  console.log(`pending (no example yet, listed in the script): ${pending.length}`);

if (typecheck) problems.push(...typecheckExamples(types.filter((t) => t.examples.length > 0)));

if (problems.length) {
  console.error(`\n${problems.length} problem${problems.length === 1 ? '' : 's'}:`);
  for (const p of problems) console.error(`  - ${p}`);
  console.error(
    '\nAdd an @example (a complete ```ts module) to the TSDoc of each type above, or, when its use is' +
      ' plain from its name, list it in `obvious` in scripts/check-doc-examples.mjs with the reason.',
  );
  process.exit(1);
}

/** Writes each example to its package's `.doc-examples/` folder and runs tsc there. */
function typecheckExamples(documented) {
  const dirs = packageDirs();
  const byPackageDir = new Map();
  for (const t of documented) {
    const packageDir = dirs.get(t.pkg);
    if (!packageDir) continue;
    const list = byPackageDir.get(packageDir) ?? [];
    list.push(t);
    byPackageDir.set(packageDir, list);
  }
  const failures = [];
  const fragments = [];
  let compiled = 0;
  for (const [packageDir, list] of byPackageDir) {
    const outDir = join(packageDir, '.doc-examples');
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    const origins = new Map();
    for (const t of list) {
      t.examples.forEach((text, i) => {
        const blocks = [...text.matchAll(/```(?:ts|typescript)\n([\s\S]*?)```/g)].map((m) => m[1]);
        blocks.forEach((code, j) => {
          if (!/^import\s/m.test(code)) {
            fragments.push(t.key);
            return;
          }
          const file = `${t.name}.${i}.${j}.ts`;
          // A module even when the example imports nothing, so names do not clash across files.
          writeFileSync(join(outDir, file), `${code}\nexport {};\n`);
          compiled += 1;
          origins.set(file, t.key);
        });
      });
    }
    if (origins.size === 0) {
      rmSync(outDir, { recursive: true, force: true });
      continue;
    }
    writeFileSync(
      join(outDir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../tsconfig.json',
        compilerOptions: { noEmit: true, noUnusedLocals: false },
        include: ['./*.ts'],
      }),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', join(outDir, 'tsconfig.json')], {
      cwd: packageDir,
      encoding: 'utf8',
    });
    if (result.status !== 0) {
      const before = failures.length;
      for (const line of `${result.stdout}${result.stderr}`.split('\n')) {
        const match = /\.doc-examples\/([^(]+)\(/.exec(line);
        if (match) failures.push(`example of ${origins.get(match[1]) ?? match[1]}: ${line.trim()}`);
      }
      if (failures.length === before)
        failures.push(`tsc failed in ${relative(root, outDir)}: ${result.stdout}${result.stderr}`);
    }
    rmSync(outDir, { recursive: true, force: true });
  }
  console.log(
    `type-checked ${compiled} examples; ${fragments.length} older examples are fragments (no import), not compiled` +
      (args.includes('--fragments') ? `:\n  ${[...new Set(fragments)].join('\n  ')}` : ''),
  );
  return failures;
}

/** The folder of each workspace package, by its npm name. */
function packageDirs() {
  const dirs = new Map();
  for (const parent of ['packages', 'packages/providers', 'packages/stores']) {
    for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
      const dir = join(root, parent, entry.name);
      if (!entry.isDirectory() || !existsSync(join(dir, 'package.json'))) continue;
      dirs.set(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name, dir);
    }
  }
  return dirs;
}
