/** The entries of a gzipped tarball, by path (the `package/` prefix kept), as bytes. */
export function readTarball(file: string): Map<string, Buffer>;

/**
 * What is wrong with a packed package, as sentences (none when it can be installed outside the
 * workspace).
 */
export function tarballProblems(
  entries: ReadonlyMap<string, Buffer>,
  packed: ReadonlyMap<string, string>,
): string[];
