import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfiguration } from '../index.js';

describe('loadConfiguration', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'agentry-config-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  const file = async (name: string, text: string) => {
    const path = join(directory, name);
    await writeFile(path, text);
    return path;
  };

  it('reads JSON', async () => {
    expect(await loadConfiguration(await file('a.json', '{"schemaVersion":"1.0.0"}'))).toEqual({
      schemaVersion: '1.0.0',
    });
  });

  it('names the line and column of a JSON syntax error', async () => {
    const path = await file('bad.json', '{\n  "a": 1,\n}\n');
    await expect(loadConfiguration(path)).rejects.toMatchObject({
      code: 'config_load_failed',
      details: { file: path, line: 3, column: 1 },
    });
  });

  it('reads a JavaScript module default export, or the value its function returns', async () => {
    expect(
      await loadConfiguration(await file('a.mjs', 'export default { schemaVersion: "1.0.0" };')),
    ).toEqual({ schemaVersion: '1.0.0' });
    expect(
      await loadConfiguration(
        await file('b.mjs', 'export default async () => ({ from: "function" });'),
      ),
    ).toEqual({ from: 'function' });
  });

  it('reads a TypeScript module through jiti', async () => {
    const path = await file(
      'c.ts',
      'const version: string = "1.0.0";\nexport default { schemaVersion: version };\n',
    );
    expect(await loadConfiguration(path)).toEqual({ schemaVersion: '1.0.0' });
  });

  it('refuses a module without a default export, a missing file and an unknown extension', async () => {
    await expect(
      loadConfiguration(await file('d.mjs', 'export const x = 1;')),
    ).rejects.toMatchObject({ code: 'config_load_failed' });
    await expect(loadConfiguration(join(directory, 'missing.json'))).rejects.toMatchObject({
      code: 'config_load_failed',
    });
    await expect(loadConfiguration(await file('e.yaml', 'a: 1'))).rejects.toMatchObject({
      code: 'config_load_failed',
    });
  });
});
