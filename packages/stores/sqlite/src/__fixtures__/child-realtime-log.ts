// Runs in a child process: appends batches to a realtime log channel until killed, writing
// "ok <batch> <offset>…" to stdout as each append resolves (stdout is a pipe, written
// synchronously on Linux), so the parent knows exactly which appends resolved before its SIGKILL.
//   append-forever <path> <channel> <batchSize> <synchronous>
import type { SqliteDriverName } from '../drivers/sqlite-connection.js';
import { createSqliteRealtimeLog } from '../index.js';

const [command, path, channel, batchSizeText, synchronous] = process.argv.slice(2);
if (command !== 'append-forever' || path === undefined || channel === undefined)
  throw new Error(
    'Usage: child-realtime-log append-forever <path> <channel> <batchSize> <synchronous>',
  );
const driver = process.env.AGENTRY_TEST_SQLITE_DRIVER as SqliteDriverName;
const batchSize = Number(batchSizeText);

const log = createSqliteRealtimeLog({
  path,
  driver,
  synchronous: synchronous === 'normal' ? 'normal' : 'full',
});
const info = await log.create(channel, { maxEntries: 1_000_000 });
process.stdout.write(`ready ${info.epoch}\n`);
for (let batch = 0; batch < 1_000_000; batch += 3) {
  // Three appends in flight at once, so they share group commits as a busy server's do.
  await Promise.all(
    [batch, batch + 1, batch + 2].map(async (number) => {
      const entries = Array.from({ length: batchSize }, (_, index) =>
        JSON.stringify({ batch: number, index, padding: 'x'.repeat(200) }),
      );
      const { offsets } = await log.append(channel, entries);
      process.stdout.write(`ok ${number} ${offsets.join(' ')}\n`);
    }),
  );
}
