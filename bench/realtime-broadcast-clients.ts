/**
 * Child process of the realtime broadcast benchmark: opens 10 WebSocket clients to `url`, and for
 * `agentry` subscribes each to `channel` from the tail; prints `ready` when every client is
 * listening, then `done` when each has received `expected` events (for `agentry`, the events in
 * `events` frames; for `bare`, one event per message).
 */
import WebSocket from 'ws';

const [url, mode, expectedText, clientsText] = process.argv.slice(2);
const expected = Number(expectedText);
const clients = Number(clientsText ?? '10');
const channel = 'run/bench';
const counts: number[] = Array.from({ length: clients }, () => 0);
let finished = 0;
let ready = 0;

/** Events in a message, counted the same way for both servers: `{"offset":` per event. */
function countEvents(text: string): number {
  if (!text.startsWith('{"type":"events"') && !text.startsWith('{"offset":')) return 0;
  let count = 0;
  let index = text.indexOf('{"offset":');
  while (index !== -1) {
    count++;
    index = text.indexOf('{"offset":', index + 10);
  }
  return count;
}

function listen(socket: WebSocket, index: number): void {
  socket.on('message', (data: Buffer) => {
    const before = counts[index]!;
    const text = data.toString('utf8');
    if (mode === 'agentry' && before === 0 && ready < clients && text.includes('"upToDate":true')) {
      // The first upToDate frame: the subscription is live.
      ready++;
      if (ready === clients) process.stdout.write('ready\n');
    }
    counts[index] = before + countEvents(text);
    if (before < expected && counts[index] >= expected) {
      finished++;
      if (finished === clients) process.stdout.write('done\n');
    }
  });
}

for (let index = 0; index < clients; index++) {
  const socket = new WebSocket(url!, 'agentry.realtime.v1', {
    headers: { authorization: 'Bearer bench' },
    perMessageDeflate: false,
  });
  listen(socket, index);
  socket.once('open', () => {
    if (mode === 'agentry') {
      socket.send(JSON.stringify({ type: 'subscribe', channel, offset: 'now' }));
    } else {
      ready++;
      if (ready === clients) process.stdout.write('ready\n');
    }
  });
  socket.once('close', (code) => {
    if (finished < clients) process.stderr.write(`client ${index} closed with ${code}\n`);
  });
}
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
