/**
 * SQLite's result codes by number (sqlite3.h), to name a `node:sqlite` error's `errcode` the way
 * better-sqlite3 names its errors' `code`. An extended code is its primary code (the low byte)
 * plus a qualifier in the high bits.
 */
const primaryCodes: Readonly<Record<number, string>> = {
  1: 'ERROR',
  2: 'INTERNAL',
  3: 'PERM',
  4: 'ABORT',
  5: 'BUSY',
  6: 'LOCKED',
  7: 'NOMEM',
  8: 'READONLY',
  9: 'INTERRUPT',
  10: 'IOERR',
  11: 'CORRUPT',
  12: 'NOTFOUND',
  13: 'FULL',
  14: 'CANTOPEN',
  15: 'PROTOCOL',
  16: 'EMPTY',
  17: 'SCHEMA',
  18: 'TOOBIG',
  19: 'CONSTRAINT',
  20: 'MISMATCH',
  21: 'MISUSE',
  22: 'NOLFS',
  23: 'AUTH',
  24: 'FORMAT',
  25: 'RANGE',
  26: 'NOTADB',
  27: 'NOTICE',
  28: 'WARNING',
};

/** The qualifiers of the extended codes, by primary code, indexed by `code >> 8`. */
const extendedCodes: Readonly<Record<number, readonly (string | undefined)[]>> = {
  1: [undefined, 'MISSING_COLLSEQ', 'RETRY', 'SNAPSHOT'],
  4: [undefined, undefined, 'ROLLBACK'],
  5: [undefined, 'RECOVERY', 'SNAPSHOT', 'TIMEOUT'],
  6: [undefined, 'SHAREDCACHE', 'VTAB'],
  8: [undefined, 'RECOVERY', 'CANTLOCK', 'ROLLBACK', 'DBMOVED', 'CANTINIT', 'DIRECTORY'],
  10: [
    undefined,
    'READ',
    'SHORT_READ',
    'WRITE',
    'FSYNC',
    'DIR_FSYNC',
    'TRUNCATE',
    'FSTAT',
    'UNLOCK',
    'RDLOCK',
    'DELETE',
    'BLOCKED',
    'NOMEM',
    'ACCESS',
    'CHECKRESERVEDLOCK',
    'LOCK',
    'CLOSE',
    'DIR_CLOSE',
    'SHMOPEN',
    'SHMSIZE',
    'SHMLOCK',
    'SHMMAP',
    'SEEK',
    'DELETE_NOENT',
    'MMAP',
    'GETTEMPPATH',
    'CONVPATH',
    'VNODE',
    'AUTH',
    'BEGIN_ATOMIC',
    'COMMIT_ATOMIC',
    'ROLLBACK_ATOMIC',
    'DATA',
    'CORRUPTFS',
    'IN_PAGE',
  ],
  11: [undefined, 'VTAB', 'SEQUENCE', 'INDEX'],
  14: [undefined, 'NOTEMPDIR', 'ISDIR', 'FULLPATH', 'CONVPATH', 'DIRTYWAL', 'SYMLINK'],
  19: [
    undefined,
    'CHECK',
    'COMMITHOOK',
    'FOREIGNKEY',
    'FUNCTION',
    'NOTNULL',
    'PRIMARYKEY',
    'TRIGGER',
    'UNIQUE',
    'VTAB',
    'ROWID',
    'PINNED',
    'DATATYPE',
  ],
  23: [undefined, 'USER'],
  27: [undefined, 'RECOVER_WAL', 'RECOVER_ROLLBACK', 'RBU'],
  28: [undefined, 'AUTOINDEX'],
};

/**
 * Names a SQLite result code: `5` is `SQLITE_BUSY`, `1555` (a primary key constraint)
 * `SQLITE_CONSTRAINT_PRIMARYKEY`. An extended code this table does not know is named by its
 * primary code; a number that is no result code is `SQLITE_UNKNOWN_<n>`.
 *
 * @internal
 * @example
 * ```ts
 * sqliteCodeName(264); // 'SQLITE_READONLY_RECOVERY'
 * ```
 */
export function sqliteCodeName(code: number): string {
  const primary = primaryCodes[code & 0xff];
  if (primary === undefined) return `SQLITE_UNKNOWN_${code}`;
  const extended = extendedCodes[code & 0xff]?.[code >> 8];
  return extended === undefined ? `SQLITE_${primary}` : `SQLITE_${primary}_${extended}`;
}
