// Runs in a child process: re-encrypts a SQLite store under the key `k-new`, slowly (each seal
// waits a few milliseconds, as a remote KMS would), writing "progress <after>" to stdout after each
// page, until done ("done") or killed.
//   reencrypt <path> <batchSize>   (keys as hex in AGENTRY_TEST_KEYS)
import { createSqliteStore } from '@agentry/store-sqlite';
import { reencryptStore } from '../index.js';
import { createTestSealer } from './sealer.js';

const [command, path, batchSizeText] = process.argv.slice(2);
const keys = process.env['AGENTRY_TEST_KEYS'];
if (command !== 'reencrypt' || path === undefined || keys === undefined)
  throw new Error('Usage: reencrypt-child reencrypt <path> <batchSize> (AGENTRY_TEST_KEYS set)');

const store = createSqliteStore({ path });
const sealer = createTestSealer({ keys, active: 'k-new', sealDelayMs: 3 });
await reencryptStore(store, {
  sealer,
  tenant: 'acme',
  batchSize: Number(batchSizeText),
  onProgress: ({ after }) => {
    if (after !== undefined) process.stdout.write(`progress ${after}\n`);
  },
});
process.stdout.write('done\n');
await store.close();
