import type { IncomingMessage, ServerResponse } from 'node:http';
import { createGzip, constants as zlibConstants, type Gzip } from 'node:zlib';
import { AgentryError, toAgentryError, type Logger } from '@agentry/core';

/**
 * Headers every realtime response carries: browsers must not sniff a stream's bytes into another
 * type, and a stream may be read from another origin only through CORS, never embedded blindly.
 */
export const securityHeaders: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'cross-origin-resource-policy': 'cross-origin',
};

/** Errors that answer 413 rather than their code's status: a body over the limit. */
const payloadTooLarge = new WeakSet<object>();

/** Writes an `AgentryError` as its JSON body with its HTTP status. @internal */
export function sendError(
  response: ServerResponse,
  error: unknown,
  logger: Logger | undefined,
  extraHeaders: Record<string, string> = {},
  status?: number,
): void {
  const agentryError = AgentryError.isInstance(error) ? error : toAgentryError(error);
  if (agentryError.httpStatus >= 500)
    logger?.error({ err: agentryError.toJSON() }, 'realtime request failed');
  else
    logger?.debug(
      { code: agentryError.code, status: agentryError.httpStatus },
      agentryError.message,
    );
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = JSON.stringify({ error: agentryError.toJSON() });
  response.writeHead(
    status ?? (payloadTooLarge.has(agentryError) ? 413 : agentryError.httpStatus),
    {
      ...securityHeaders,
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(body),
      ...extraHeaders,
    },
  );
  response.end(body);
}

/**
 * Reads a request body up to `limit` bytes.
 *
 * @throws AgentryError `limit_exceeded` (sent as 413 by the caller) past the limit: the rest is
 *   discarded as it arrives, never buffered
 * @internal
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? '0');
    const tooLarge = () => {
      const error = new AgentryError({
        code: 'limit_exceeded',
        message: `The request body is larger than the ${limit} bytes this server accepts.`,
        details: {
          limit,
          received: Number.isFinite(declared) && declared > 0 ? declared : undefined,
        },
        suggestions: [
          'Split the data into several appends.',
          'Raise maxBodyBytes in createRealtimeServer options.',
        ],
      });
      payloadTooLarge.add(error);
      return error;
    };
    if (request.readableEnded) {
      // A framework's body parser (Express, Connect) read it already: use what it kept.
      const parsed = (request as IncomingMessage & { body?: unknown }).body;
      const bytes =
        parsed === undefined
          ? Buffer.alloc(0)
          : Buffer.isBuffer(parsed)
            ? parsed
            : Buffer.from(typeof parsed === 'string' ? parsed : JSON.stringify(parsed));
      if (bytes.length > limit) reject(tooLarge());
      else resolve(bytes);
      return;
    }
    // A body over the limit is read and dropped to its end before the 413 goes out (answering
    // while the client still sends makes many clients see a reset instead of the status), unless
    // it is much larger: past `discardLimit` bytes the 413 goes out at once.
    const discardLimit = Math.max(limit * 4, 16 * 1024 * 1024);
    if (declared > discardLimit) {
      request.resume();
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = declared > limit;
    let settled = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (!over && size > limit) {
        over = true;
        chunks.length = 0;
      }
      if (!over) chunks.push(chunk);
      else if (size > discardLimit && !settled) {
        settled = true;
        reject(tooLarge());
      }
    });
    request.on('end', () => {
      if (settled) return;
      settled = true;
      if (over) reject(tooLarge());
      else resolve(Buffer.concat(chunks));
    });
    request.on('error', reject);
  });
}

/** Tells whether the client takes gzip (`Accept-Encoding`, honouring `q=0`). @internal */
export function acceptsGzip(request: IncomingMessage): boolean {
  const header = request.headers['accept-encoding'];
  if (typeof header !== 'string') return false;
  return header.split(',').some((part) => {
    const [name, ...parameters] = part.trim().split(';');
    if (name?.trim().toLowerCase() !== 'gzip' && name?.trim() !== '*') return false;
    const q = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/**
 * A response body writer, gzip-compressed or not; `write` flushes each piece when compressed, so
 * an SSE event or heartbeat reaches the client at once.
 *
 * @internal
 */
export interface BodyWriter {
  write(chunk: string | Uint8Array): void;
  end(chunk?: string | Uint8Array): void;
}

/** Starts a body: headers first (with `content-encoding: gzip` when `gzip`). @internal */
export function startBody(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  gzip: boolean,
): BodyWriter {
  if (!gzip) {
    response.writeHead(status, headers);
    return {
      write: (chunk) => void response.write(chunk),
      end: (chunk) => void (chunk === undefined ? response.end() : response.end(chunk)),
    };
  }
  response.writeHead(status, { ...headers, 'content-encoding': 'gzip', vary: 'accept-encoding' });
  const zip: Gzip = createGzip({ flush: zlibConstants.Z_SYNC_FLUSH });
  zip.pipe(response);
  response.on('close', () => zip.destroy());
  return {
    write: (chunk) => {
      zip.write(chunk);
      zip.flush();
    },
    end: (chunk) => {
      if (chunk === undefined) zip.end();
      else zip.end(chunk);
    },
  };
}
