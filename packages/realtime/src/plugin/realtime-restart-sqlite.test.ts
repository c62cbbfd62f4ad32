import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Agentry, RealtimeLog } from '@agentry/core';
import { createSqliteRealtimeLog } from '@agentry/store-sqlite';
import { mockText, mockToolCall } from '@agentry/testing';
import { realtimeChannels } from './channel-names.js';
import { createGate, readAll, realtimeInstance } from './__fixtures__/realtime-instance.js';

// The restart on a durable log: the first process's log handle is closed without its instance
// shutting down (as when the process is killed: nothing more of it lands), and a second instance
// opens the same file.

let directory = '';
const cleanups: (() => Promise<void>)[] = [];
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'agentry-realtime-restart-'));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  rmSync(directory, { recursive: true, force: true });
});

describe('realtime() on an SQLite log', () => {
  it('ends an agent run a stopped process left open, keeping everything appended before, exactly once', async () => {
    const path = join(directory, 'realtime.db');
    const gate = createGate();
    const firstLog: RealtimeLog = createSqliteRealtimeLog({ path });
    const first = await realtimeInstance({
      realtime: { log: firstLog },
      script: [mockToolCall('wait', {}), mockText('never')],
    });
    const agent = first.agentry.createAgent({ tools: [gate.tool], context: { sessionId: 's-1' } });
    const run = agent.send('Wait.');
    cleanups.push(async () => {
      run.abort('test over');
      await run.then(
        () => undefined,
        () => undefined,
      );
      gate.release();
      await first.agentry.shutdown();
    });
    await vi.waitFor(() => expect(gate.waiting).toBe(1));
    const channel = realtimeChannels.run(run.id);
    await vi.waitFor(async () =>
      expect((await readAll(firstLog, channel)).length).toBeGreaterThan(2),
    );
    const before = await readAll(firstLog, channel);
    await firstLog.close();

    const secondLog = createSqliteRealtimeLog({ path });
    let second: Agentry | undefined;
    cleanups.push(async () => {
      await second?.shutdown();
      await secondLog.close();
    });
    second = (await realtimeInstance({ realtime: { log: secondLog } })).agentry;
    await vi.waitFor(async () => expect((await secondLog.info(channel))?.closed).toBe(true));
    const after = await readAll(secondLog, channel);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length)).toEqual([
      expect.objectContaining({ type: 'RUN_ERROR', code: 'aborted' }),
    ]);
    const onSession = await readAll(secondLog, realtimeChannels.session('s-1'));
    expect(onSession.at(-1)).toMatchObject({ type: 'RUN_ERROR', code: 'aborted' });

    // A third start finds nothing left open: the run is ended once.
    await second.shutdown();
    second = (await realtimeInstance({ realtime: { log: secondLog } })).agentry;
    await second.realtime.close();
    expect(await readAll(secondLog, channel)).toEqual(after);
  });
});
