// pnpm hooks for installs in this repository only (they are not published).
//
// @agentry/store-sqlite declares better-sqlite3 as an optional peer dependency: its users install
// it only on a Node.js without node:sqlite (before 22.13). Here the store's tests run on Node 20
// too, so the repository installs it, as an optional dependency of the store: where no prebuilt
// binary can be downloaded and no compiler is found, its build fails and is skipped, and the
// install still succeeds (everything but the SQLite store on Node 20 works without it).
module.exports = {
  hooks: {
    readPackage(manifest) {
      if (manifest.name === '@agentry/store-sqlite') {
        const range = manifest.peerDependencies && manifest.peerDependencies['better-sqlite3'];
        if (range === undefined)
          throw new Error('@agentry/store-sqlite lost its better-sqlite3 peer');
        manifest.optionalDependencies = {
          ...manifest.optionalDependencies,
          'better-sqlite3': range,
        };
      }
      return manifest;
    },
  },
};
