// The format of an application's own JSON document, for agentry migrate --migrations.
import { defineMigration } from '@agentry/core';

export const documentKind = 'profile';
export const currentVersion = '3';
export const versioning = {
  semantic: false,
  autoDetection: false,
  compatibilityMatrix: [],
  migrationStrategy: { type: 'manual', rollbackSupport: true, dataBackup: true },
};
export const migrations = [
  defineMigration({
    from: '1',
    to: '2',
    description: 'Split name into first and last.',
    up: ({ name, ...rest }) => {
      const [first, ...last] = name.split(' ');
      return { ...rest, first, last: last.join(' ') };
    },
  }),
  defineMigration({
    from: '2',
    to: '3',
    description: 'Drop the nickname.',
    breaking: true,
    up: ({ nickname: _nickname, ...rest }) => rest,
  }),
];
