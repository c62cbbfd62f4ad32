import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRealtimeOffset, type RealtimeEntry } from '@agentry/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testedDrivers } from '../__fixtures__/drivers.js';
import type { SqliteDriverName } from '../drivers/sqlite-connection.js';
import { createSqliteRealtimeLog } from './sqlite-realtime-log.js';

const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const childScript = join(packageDirectory, 'src', '__fixtures__', 'child-realtime-log.ts');
const batchSize = 5;

let directory = '';
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'agentry-sqlite-realtime-restart-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

/**
 * Starts a child that appends forever and SIGKILLs it once it reported `resolvedBefore` resolved
 * appends; returns its epoch and every append it reported as resolved.
 */
async function appendThenKill(
  driver: SqliteDriverName,
  file: string,
  synchronous: 'full' | 'normal',
  resolvedBefore: number,
): Promise<{ epoch: string; resolved: Map<number, string[]> }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=@agentry/source',
      childScript,
      'append-forever',
      file,
      'run/r-1',
      String(batchSize),
      synchronous,
    ],
    {
      cwd: packageDirectory,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AGENTRY_TEST_SQLITE_DRIVER: driver },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if ((stdout.match(/^ok /gm)?.length ?? 0) >= resolvedBefore) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${String(code)}: ${stderr}`));
    });
  });
  await new Promise((resolve) => child.once('close', resolve));
  const lines = stdout.split('\n');
  const epoch = /^ready ([0-9a-f]{12})$/.exec(lines[0] ?? '')?.[1];
  if (epoch === undefined) throw new Error(`child said ${JSON.stringify(lines[0])}: ${stderr}`);
  const resolved = new Map<number, string[]>();
  for (const line of lines.slice(1)) {
    // The last line may have been cut by the kill; a complete one ends with a newline.
    const [word, batch, ...offsets] = line.split(' ');
    if (word === 'ok' && offsets.length === batchSize) resolved.set(Number(batch), offsets);
  }
  return { epoch, resolved };
}

async function readAll(
  file: string,
  driver: SqliteDriverName,
): Promise<{
  epoch: string | undefined;
  entries: RealtimeEntry[];
}> {
  const log = createSqliteRealtimeLog({ path: file, driver });
  try {
    const info = await log.info('run/r-1');
    const entries: RealtimeEntry[] = [];
    for (let cursor = '-1'; ;) {
      const page = await log.read('run/r-1', cursor, { limit: 10_000 });
      entries.push(...page.entries);
      cursor = page.nextOffset;
      if (page.upToDate) break;
    }
    // Appending after the restart continues the same history: the next offset, same epoch.
    const next = await log.append('run/r-1', [JSON.stringify({ after: 'restart' })]);
    expect(parseRealtimeOffset(next.offsets[0]!)).toEqual({
      epoch: info?.epoch,
      seq: entries.length + 1,
    });
    return { epoch: info?.epoch, entries };
  } finally {
    await log.close();
  }
}

for (const driver of testedDrivers)
  describe(`createSqliteRealtimeLog (${driver}) across a SIGKILL`, () => {
    for (const synchronous of ['full', 'normal'] as const)
      it(`keeps every append that resolved, the epoch and whole batches (synchronous ${synchronous})`, async () => {
        const file = join(directory, 'realtime.db');
        const { epoch, resolved } = await appendThenKill(driver, file, synchronous, 60);
        expect(resolved.size).toBeGreaterThanOrEqual(60);
        const after = await readAll(file, driver);
        expect(after.epoch).toBe(epoch);
        const byOffset = new Map(after.entries.map((entry) => [entry.offset, entry]));
        for (const [batch, offsets] of resolved)
          offsets.forEach((offset, index) => {
            const entry = byOffset.get(offset);
            expect(entry, `resolved entry ${offset} of batch ${batch}`).toBeDefined();
            expect(JSON.parse(entry!.data as string)).toMatchObject({ batch, index });
          });
        // Offsets run 1…n with no hole, and every batch in the file is whole and in one piece.
        expect(after.entries.map((entry) => parseRealtimeOffset(entry.offset)?.seq)).toEqual(
          after.entries.map((_, index) => index + 1),
        );
        expect(after.entries.length % batchSize).toBe(0);
        for (let start = 0; start < after.entries.length; start += batchSize) {
          const batch = after.entries
            .slice(start, start + batchSize)
            .map((entry) => JSON.parse(entry.data as string) as { batch: number; index: number });
          expect(batch.map((item) => item.index)).toEqual([0, 1, 2, 3, 4]);
          expect(new Set(batch.map((item) => item.batch)).size).toBe(1);
        }
      }, 60_000);
  });
