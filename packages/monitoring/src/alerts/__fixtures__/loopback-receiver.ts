import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a {@link LoopbackReceiver} received. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A scripted answer: status, headers, body; `hang` never answers (for timeouts). */
export interface ScriptedAnswer {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly hang?: boolean;
}

/** An HTTP server on 127.0.0.1 that records requests and answers from a script (then 200). */
export interface LoopbackReceiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Answers the next requests with these, in order; afterwards `fallback` (default 200). */
  script(...answers: ScriptedAnswer[]): void;
  /** Checks each request before it is answered; a string returned is answered with 400 and that text. */
  check(checker: (request: ReceivedRequest) => string | undefined): void;
  fallback: ScriptedAnswer;
  close(): Promise<void>;
}

/** Starts a {@link LoopbackReceiver}; close it in `afterEach`. */
export async function startLoopbackReceiver(): Promise<LoopbackReceiver> {
  const requests: ReceivedRequest[] = [];
  const queue: ScriptedAnswer[] = [];
  let checker: ((request: ReceivedRequest) => string | undefined) | undefined;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received: ReceivedRequest = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      const problem = checker?.(received);
      if (problem !== undefined) {
        response.writeHead(400, { 'content-type': 'text/plain' }).end(problem);
        return;
      }
      const answer = queue.shift() ?? receiver.fallback;
      if (answer.hang) return;
      response.writeHead(answer.status ?? 200, answer.headers ?? {}).end(answer.body ?? 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: LoopbackReceiver = {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...answers) => queue.push(...answers),
    check: (next) => {
      checker = next;
    },
    fallback: { status: 200 },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}
