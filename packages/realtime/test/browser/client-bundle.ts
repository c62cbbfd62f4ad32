/**
 * Bundles `@agentry/realtime/client` for the browser with esbuild (from source, minified, ESM),
 * as an application's bundler would: the browser tests load it, and the size check measures it.
 */
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const entry = fileURLToPath(new URL('../../src/client.ts', import.meta.url));
/** The repository root: input paths in the metafile are relative to it. */
const root = fileURLToPath(new URL('../../../../', import.meta.url));

export interface ClientBundle {
  /** The bundled module's text. */
  readonly code: string;
  /** Its size in bytes, minified. */
  readonly bytes: number;
  /** Its size in bytes, minified and gzipped. */
  readonly gzipBytes: number;
  /** Every module that went into it, relative to the repository root. */
  readonly inputs: readonly string[];
}

export async function bundleClient(): Promise<ClientBundle> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    conditions: ['@agentry/source'],
    logLevel: 'silent',
    absWorkingDir: root,
  });
  const code = result.outputFiles[0]!.text;
  return {
    code,
    bytes: Buffer.byteLength(code),
    gzipBytes: gzipSync(code, { level: 9 }).length,
    inputs: Object.keys(result.metafile.inputs),
  };
}
