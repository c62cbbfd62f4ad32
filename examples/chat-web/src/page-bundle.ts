import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The page's HTML and its script, bundled for the browser. */
export interface PageBundle {
  readonly html: string;
  readonly script: string;
}

const pageDirectory = fileURLToPath(new URL('./page/', import.meta.url));

/**
 * Reads the page and bundles its script (`src/page/page.ts` with `@agentry/realtime/client`) for
 * the browser with esbuild, in memory, once when the server starts.
 *
 * The workspace's `@agentry/source` condition comes first, so that inside this repository the
 * page runs on the client's source, as the tests do; outside it the condition matches nothing and
 * the packages' built files are used.
 *
 * @example
 * ```ts
 * import { bundlePage } from './page-bundle.js';
 *
 * const page = await bundlePage();
 * console.log(page.html.length, page.script.length);
 * ```
 */
export async function bundlePage(): Promise<PageBundle> {
  const [html, result] = await Promise.all([
    readFile(`${pageDirectory}index.html`, 'utf8'),
    build({
      entryPoints: [`${pageDirectory}page.ts`],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      conditions: ['@agentry/source'],
      minify: true,
      sourcemap: 'inline',
      logLevel: 'silent',
    }),
  ]);
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no bundle for the page.');
  return { html, script: output.text };
}
