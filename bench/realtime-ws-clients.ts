/**
 * Child process of the realtime benchmarks: opens `count` WebSocket connections to `url` and keeps
 * them open, idle, until its stdin closes, so the clients' memory and sockets are not counted in
 * the measuring process. Prints `open <n>` once every connection is open.
 */
import WebSocket from 'ws';

const [url, countText, token] = process.argv.slice(2);
const count = Number(countText);
const sockets: WebSocket[] = [];
let open = 0;
let failed = 0;

function openOne(): Promise<void> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url!, 'agentry.realtime.v1', {
      headers: { authorization: `Bearer ${token ?? 'bench'}` },
      perMessageDeflate: false,
    });
    socket.once('open', () => {
      open++;
      resolve();
    });
    socket.once('error', (error) => {
      failed++;
      process.stderr.write(`connection failed: ${error.message}\n`);
      resolve();
    });
    sockets.push(socket);
  });
}

async function main(): Promise<void> {
  // A few hundred handshakes in flight at a time: the listen backlog would drop a burst of 10,000.
  const parallel = 200;
  for (let start = 0; start < count; start += parallel) {
    await Promise.all(Array.from({ length: Math.min(parallel, count - start) }, openOne));
  }
  process.stdout.write(`open ${open} failed ${failed}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    for (const socket of sockets) socket.terminate();
    process.exit(0);
  });
}

void main();
