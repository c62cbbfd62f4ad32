import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP proxy on loopback between the browser and the chat server: the network, to cut. */
export interface NetworkProxy {
  /** The proxy's address: `http://127.0.0.1:<port>/`. */
  readonly url: string;
  /** How many connections it has accepted so far. */
  readonly accepted: number;
  /** Cuts every open connection, as a network drop does; new ones go through. */
  drop(): void;
  /** While down, every connection is cut as soon as it opens (and open ones are cut now). */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

/** Starts a proxy that forwards each connection to `127.0.0.1:<targetPort>`. */
export async function startNetworkProxy(targetPort: number): Promise<NetworkProxy> {
  const open = new Set<Socket>();
  let down = false;
  let accepted = 0;
  const server = createServer((client) => {
    accepted += 1;
    if (down) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        open.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const drop = () => {
    for (const socket of open) socket.destroy();
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    get accepted() {
      return accepted;
    },
    drop,
    setDown(value) {
      down = value;
      if (down) drop();
    },
    close: () =>
      new Promise<void>((resolve) => {
        drop();
        server.close(() => resolve());
      }),
  };
}
