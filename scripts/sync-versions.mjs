// Writes each package's version from its package.json into its src/version.ts, so that the
// exported VERSION (used in User-Agent headers and plug-in range checks) matches what is published.
// Run after `changeset version` (the root script `version-packages` does both).
import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['packages', 'packages/providers', 'packages/stores'];
for (const root of roots) {
  if (!existsSync(root)) continue;
  for (const name of readdirSync(root)) {
    const manifest = join(root, name, 'package.json');
    const versionFile = join(root, name, 'src', 'version.ts');
    if (!existsSync(manifest) || !existsSync(versionFile)) continue;
    const { version } = JSON.parse(readFileSync(manifest, 'utf8'));
    const source = readFileSync(versionFile, 'utf8');
    const updated = source.replace(
      /export const VERSION = '[^']*'/,
      `export const VERSION = '${version}'`,
    );
    if (updated !== source) {
      writeFileSync(versionFile, updated);
      process.stdout.write(`${versionFile}: ${version}\n`);
    }
  }
}
