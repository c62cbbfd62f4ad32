import { afterEach, describe, expect, it } from 'vitest';
import { readSse, startTestServer, type TestServer } from '../__fixtures__/realtime-test-server.js';

let current: TestServer | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

describe('live=sse', () => {
  it('delivers an append made atomically with the close, whenever it lands relative to the connect', async () => {
    current = await startTestServer({ auth: 'none' });
    for (let index = 0; index < 60; index += 1) {
      const channel = `run/race-${index}`;
      await current.log.create(channel, { contentType: 'text/plain' });
      await current.log.append(channel, [new TextEncoder().encode('initial')]);
      const tail = (await current.log.info(channel))!.tailOffset;
      const reading = fetch(
        `${current.url}/realtime/streams/${channel}?offset=${tail}&live=sse`,
      ).then((response) => readSse(response, () => false));
      // Spread the append over the whole connect: before the request arrives, while it reads, after.
      for (let wait = 0; wait < index % 12; wait += 1)
        await new Promise((resolve) => setImmediate(resolve));
      await current.log.append(channel, [new TextEncoder().encode('final')], { close: true });
      const events = await reading;
      expect(
        events
          .filter((event) => event.event === 'data')
          .map((event) => event.data)
          .join(''),
        `iteration ${index}`,
      ).toBe('final');
      expect(JSON.parse(events[events.length - 1]!.data)).toMatchObject({ streamClosed: true });
    }
  });
});
