// A process that seals in a loop on a keyring kept in a SQLite file, printing how many seals it
// has made, until it is killed: the parent checks that a restart never reuses a count.
import { createSqliteStore } from '@agentry/store-sqlite';
import { createKeyring } from '../keyring.js';
import { fileKeyProvider } from '../file-key-provider.js';

const [file, keys] = process.argv.slice(2) as [string, string];
const store = createSqliteStore({ path: file });
const keyring = await createKeyring({
  algorithm: 'AES-256-GCM',
  provider: fileKeyProvider({ directory: keys }),
  store,
  counterBlock: 10,
});
const plaintext = new Uint8Array(16);
for (let sealed = 1; ; sealed += 1) {
  await keyring.seal(plaintext, { key: 'child' });
  if (sealed % 5 === 0) process.stdout.write(`sealed ${sealed}\n`);
}
