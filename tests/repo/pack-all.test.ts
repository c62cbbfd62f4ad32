import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readTarball, tarballProblems } from '../../scripts/read-tarball.mjs';

const folder = mkdtempSync(join(tmpdir(), 'agentry-pack-all-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A ustar header for one entry; the reader needs the name, size, type and prefix fields. */
function header(name: string, size: number, type: string, prefix = ''): Buffer {
  const bytes = Buffer.alloc(512);
  bytes.write(name, 0, 100, 'utf8');
  bytes.write(size.toString(8).padStart(11, '0'), 124, 12, 'ascii');
  bytes.write(type, 156, 1, 'ascii');
  bytes.write('ustar\u000000', 257, 8, 'ascii');
  bytes.write(prefix, 345, 155, 'utf8');
  return bytes;
}

function entry(name: string, body: string, type = '0', prefix = ''): Buffer {
  const content = Buffer.from(body, 'utf8');
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header(name, content.length, type, prefix), content, padding]);
}

function writeTarball(name: string, entries: Buffer[]): string {
  const file = join(folder, name);
  writeFileSync(file, gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)])));
  return file;
}

const manifest = (fields: Record<string, unknown>) =>
  new Map([['package/package.json', Buffer.from(JSON.stringify(fields))]]);

describe('readTarball', () => {
  it('reads the entries of a tarball that npm packed', () => {
    const project = join(folder, 'project');
    mkdirSync(join(project, 'dist', 'deep'), { recursive: true });
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'packed-fixture', version: '1.2.3', main: './dist/index.js' }),
    );
    writeFileSync(join(project, 'dist', 'index.js'), 'export const one = 1;\n');
    writeFileSync(join(project, 'dist', 'deep', 'two.js'), 'export const two = 2;\n');
    const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', folder], {
      cwd: project,
      encoding: 'utf8',
      shell: process.platform === 'win32',
    }).trim();

    const entries = readTarball(join(folder, name));
    expect(JSON.parse(entries.get('package/package.json')!.toString('utf8'))).toMatchObject({
      name: 'packed-fixture',
      version: '1.2.3',
    });
    expect(entries.get('package/dist/deep/two.js')?.toString('utf8')).toBe(
      'export const two = 2;\n',
    );
    expect(tarballProblems(entries, new Map())).toEqual([]);
  });

  it('takes long paths from the ustar prefix and from pax headers, and skips folders', () => {
    const long = `package/${'nested/'.repeat(20)}file.js`;
    const file = writeTarball('long-names.tgz', [
      entry('package/dist/', '', '5'),
      entry('index.js', 'prefixed', '0', 'package/dist'),
      entry('PaxHeader', `${long.length + 12} path=${long}\n`, 'x'),
      entry(long.slice(0, 99), 'pax named'),
      entry('package/after.js', 'after'),
    ]);

    const entries = readTarball(file);
    expect([...entries.keys()]).toEqual(['package/dist/index.js', long, 'package/after.js']);
    expect(entries.get(long)?.toString('utf8')).toBe('pax named');
    expect(entries.get('package/after.js')?.toString('utf8')).toBe('after');
  });

  it('refuses a header whose size is not a number, naming the file and the offset', () => {
    const broken = header('package/x.js', 0, '0');
    broken.write('not octal!!', 124, 12, 'ascii');
    const file = writeTarball('broken.tgz', [broken]);
    expect(() => readTarball(file)).toThrow(`${file} is not a tarball: a header at byte 0`);
  });
});

describe('tarballProblems', () => {
  const packed = new Map([
    ['@agentry/core', '0.1.0'],
    ['@agentry/openai', '0.1.0'],
  ]);
  const built = (files: string[]) => new Map(files.map((path) => [`package/${path}`, Buffer.of()]));

  it('accepts a packed plug-in whose core peer is packed beside it and whose entries are built', () => {
    const entries = new Map([
      ...manifest({
        name: '@agentry/openai',
        main: './dist/index.js',
        exports: {
          '.': {
            '@agentry/source': './src/index.ts',
            types: './dist/index.d.ts',
            default: './dist/index.js',
          },
          './package.json': './package.json',
        },
        peerDependencies: { '@agentry/core': '>=0.1.0 <1.0.0' },
        devDependencies: { '@agentry/core': '0.1.0' },
      }),
      ...built(['dist/index.js', 'dist/index.d.ts']),
    ]);
    expect(tarballProblems(entries, packed)).toEqual([]);
  });

  it('names a workspace: range left in any dependency field', () => {
    const entries = manifest({
      dependencies: { '@agentry/core': 'workspace:*' },
      devDependencies: { '@agentry/testing': 'workspace:^' },
    });
    expect(tarballProblems(entries, packed)).toEqual([
      'dependencies.@agentry/core is still "workspace:*"',
      'devDependencies.@agentry/testing is still "workspace:^"',
    ]);
  });

  it('names an Agentry package needed but not packed, and lets an optional peer be missing', () => {
    const entries = manifest({
      dependencies: { '@agentry/store-sqlite': '0.1.0', zod: '^4.1.0' },
      peerDependencies: { '@agentry/core': '^0.1.0', '@agentry/workflows': '^0.1.0' },
      peerDependenciesMeta: { '@agentry/workflows': { optional: true } },
    });
    expect(tarballProblems(entries, packed)).toEqual([
      'dependencies.@agentry/store-sqlite is not among the packed packages',
    ]);
  });

  it('names each entry point missing from the tarball: main, bin and exports', () => {
    const entries = new Map([
      ...manifest({
        main: './dist/index.js',
        bin: { tool: './dist/cli.js' },
        exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
      }),
      ...built(['dist/index.d.ts']),
    ]);
    expect(tarballProblems(entries, packed)).toEqual([
      './dist/index.js is missing: build the package before packing it',
      './dist/cli.js is missing: build the package before packing it',
    ]);
  });

  it('says when there is no package.json at all', () => {
    expect(tarballProblems(new Map(), packed)).toEqual(['it has no package/package.json']);
  });
});
