import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Agentry } from '@agentry/core';
import { mockText, mockToolCall } from '@agentry/testing';
import { realtimeChannels } from './channel-names.js';
import { createGate, readAll, realtimeInstance } from './__fixtures__/realtime-instance.js';

// agentry.realtime.attach(server) on a real loopback server: cancel is a command sent to the
// cancel route, and a reader going away cancels nothing.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function served() {
  const gate = createGate();
  const { agentry, log } = await realtimeInstance({
    script: [mockToolCall('wait', {}), mockText('Finished.')],
  });
  const server: Server = createServer();
  agentry.realtime.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realtime`;
  cleanups.push(async () => {
    gate.release();
    await agentry.shutdown();
    await new Promise((resolve) => server.close(resolve));
  });
  return { agentry, log, gate, base };
}

function startRun(agentry: Agentry, gate: ReturnType<typeof createGate>) {
  const agent = agentry.createAgent({ tools: [gate.tool], context: { userId: 'user-1' } });
  const run = agent.send('Wait.');
  const channel = realtimeChannels.run(run.id);
  const ticket = agentry.realtime.issueTicket({
    userId: 'user-1',
    channels: [channel],
    ttl: 60_000,
  });
  return { run, channel, ticket };
}

describe('realtime() attached to a server', () => {
  it('aborts a run on an authorized cancel command, and answers 404 once nothing runs', async () => {
    const { agentry, log, gate, base } = await served();
    const { run, channel, ticket } = startRun(agentry, gate);
    await vi.waitFor(() => expect(gate.waiting).toBe(1));
    const cancel = () =>
      fetch(`${base}/cancel/${channel}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ticket}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'The user pressed stop.' }),
      });
    const response = await cancel();
    expect(response.status).toBeLessThan(300);
    await expect(run).rejects.toMatchObject({ code: 'aborted' });
    await vi.waitFor(async () => expect((await log.info(channel))?.closed).toBe(true));
    const again = await cancel();
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('does not cancel a run when its reader disconnects', async () => {
    const { agentry, log, gate, base } = await served();
    const { run, channel, ticket } = startRun(agentry, gate);
    await vi.waitFor(() => expect(gate.waiting).toBe(1));
    const reader = new AbortController();
    const response = await fetch(`${base}/streams/${channel}?offset=-1&live=sse`, {
      headers: { authorization: `Bearer ${ticket}` },
      signal: reader.signal,
    });
    expect(response.status).toBe(200);
    // The tab closes mid-run.
    reader.abort();
    await response.body?.cancel().catch(() => undefined);
    gate.release();
    expect((await run).text).toBe('Finished.');
    await agentry.realtime.close();
    expect((await readAll(log, channel)).at(-1)).toMatchObject({ type: 'RUN_FINISHED' });
  });
});
