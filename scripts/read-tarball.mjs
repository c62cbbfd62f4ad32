// Reads a packed npm tarball (a gzipped tar) in process, so that `pack-all.mjs` can check what it
// packed without a `tar` command. Only what npm and pnpm write is understood: ustar headers, the
// `prefix` field for long names, and pax headers (`x`) carrying a `path`.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const block = 512;

/**
 * The entries of a gzipped tarball, by path (the `package/` prefix kept), as bytes.
 *
 * @param {string} file the `.tgz` file
 * @returns {Map<string, Buffer>}
 */
export function readTarball(file) {
  const tar = gunzipSync(readFileSync(file));
  /** @type {Map<string, Buffer>} */
  const entries = new Map();
  /** @type {string | undefined} */
  let paxPath;
  for (let offset = 0; offset + block <= tar.length;) {
    const header = tar.subarray(offset, offset + block);
    if (header.every((byte) => byte === 0)) break;
    const name = text(header, 0, 100);
    const prefix = text(header, 345, 155);
    const size = Number.parseInt(text(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    if (!Number.isInteger(size) || size < 0) {
      throw new Error(`${file} is not a tarball: a header at byte ${offset} has no valid size.`);
    }
    const body = tar.subarray(offset + block, offset + block + size);
    if (type === 'x') {
      paxPath = /\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1];
    } else {
      if (type === '0' || type === '\0') {
        entries.set(paxPath ?? (prefix ? `${prefix}/${name}` : name), Buffer.from(body));
      }
      paxPath = undefined;
    }
    offset += block + Math.ceil(size / block) * block;
  }
  return entries;
}

/**
 * @param {Buffer} bytes
 * @param {number} start
 * @param {number} length
 */
function text(bytes, start, length) {
  const field = bytes.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

const dependencyFields = ['dependencies', 'peerDependencies', 'optionalDependencies'];

/**
 * What is wrong with a packed package, as sentences (none when it can be installed outside the
 * workspace): a `workspace:` range left in its manifest, an Agentry package it needs that is not
 * packed beside it, or an entry point missing from the tarball (the package was not built).
 *
 * @param {Map<string, Buffer>} entries the tarball's entries, from `readTarball`
 * @param {ReadonlyMap<string, string>} packed every packed package's name and version
 * @returns {string[]}
 */
export function tarballProblems(entries, packed) {
  const raw = entries.get('package/package.json');
  if (!raw) return ['it has no package/package.json'];
  const manifest = JSON.parse(raw.toString('utf8'));
  const problems = [];
  for (const field of [...dependencyFields, 'devDependencies']) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) {
        problems.push(`${field}.${name} is still "${range}"`);
      }
    }
  }
  for (const field of dependencyFields) {
    for (const name of Object.keys(manifest[field] ?? {})) {
      const optional =
        field === 'peerDependencies' && manifest.peerDependenciesMeta?.[name]?.optional;
      if (name.startsWith('@agentry/') && !optional && !packed.has(name)) {
        problems.push(`${field}.${name} is not among the packed packages`);
      }
    }
  }
  for (const target of entryPoints(manifest)) {
    if (!entries.has(`package/${target.replace(/^\.\//, '')}`)) {
      problems.push(`${target} is missing: build the package before packing it`);
    }
  }
  return problems;
}

/**
 * The files a manifest's `main`, `bin` and `exports` (`default` and `types` conditions) point at.
 *
 * @param {Record<string, any>} manifest
 * @returns {Set<string>}
 */
function entryPoints(manifest) {
  const targets = new Set();
  if (typeof manifest.main === 'string') targets.add(manifest.main);
  const bins =
    typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
  for (const bin of bins) targets.add(bin);
  /** @param {unknown} value */
  const walk = (value) => {
    if (typeof value !== 'object' || value === null) return;
    for (const [key, target] of Object.entries(value)) {
      if (typeof target === 'string' && (key === 'default' || key === 'types')) targets.add(target);
      else walk(target);
    }
  };
  if (typeof manifest.exports === 'string') targets.add(manifest.exports);
  else walk(manifest.exports);
  return targets;
}
