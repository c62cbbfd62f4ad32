/**
 * A child process for the SIGKILL test: appends to an audit log on a SQLite file from 4
 * concurrent loops until it is killed, printing the count of durable appends as it goes.
 *
 * Usage: node --import tsx --conditions=@agentry/source append-forever.ts <db> <seed hex> <tag>
 */
import { createSqliteStore } from '@agentry/store-sqlite';
import { createAuditLog } from '../audit-log.js';
import { entry, signerFromSeed } from './audit-log-fixture.js';

const [database = '', seed = '', tag = 'child'] = process.argv.slice(2);
const log = createAuditLog({
  store: createSqliteStore({ path: database }),
  signer: signerFromSeed(seed),
  checkpoint: { everyEntries: 25, everyMs: 0 },
});
let durable = 0;
await Promise.all(
  Array.from({ length: 4 }, async (_, writer) => {
    for (let n = 0; ; n += 1) {
      await log.append(entry(n, { runId: `${tag}-${writer}` }));
      durable += 1;
      if (durable % 10 === 0) process.stdout.write(`${durable}\n`);
    }
  }),
);
