import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AgentryError } from '../errors/agentry-error.js';
import { toConnectionError } from './to-connection-error.js';

/** A port nothing listens on: taken from the system, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** What `fetch` rejects with when the socket fails with a system error. */
const fetchFailure = (code: string) =>
  new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });

describe('toConnectionError', () => {
  it('names the system error behind a refused fetch, with a hint, as a recoverable network error', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1/chat`;
    const thrown = await fetch(url, { method: 'POST' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    const error = toConnectionError(thrown, { provider: 'acme', server: 'Acme' });
    expect(error).toMatchObject({
      code: 'network',
      recoverable: true,
      message:
        'The connection to Acme failed (ECONNREFUSED). Is the server running and listening there?',
      details: { provider: 'acme' },
    });
    // A redacted copy of what fetch threw, its system error kept (see createProviderError).
    expect(error.cause).toMatchObject({
      name: 'TypeError',
      message: 'fetch failed',
      cause: { code: 'ECONNREFUSED' },
    });
  });

  it('is aborted whenever the call’s signal has aborted, whatever was thrown', async () => {
    const controller = new AbortController();
    controller.abort();
    const thrown = await fetch('http://127.0.0.1:9/', { signal: controller.signal }).then(
      () => undefined,
      (error: unknown) => error,
    );
    for (const error of [thrown, fetchFailure('ECONNRESET'), 'stream closed']) {
      expect(
        toConnectionError(error, { provider: 'acme', signal: controller.signal }),
      ).toMatchObject({
        code: 'aborted',
        recoverable: false,
        message: 'The call to acme was aborted.',
      });
    }
  });

  it('reports timeouts as timeout: a TimeoutError, or a connect, header or body timeout', () => {
    const timedOut = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(toConnectionError(timedOut, { provider: 'acme' })).toMatchObject({
      code: 'timeout',
      message: 'The connection to acme timed out (The operation was aborted due to timeout).',
    });
    expect(
      toConnectionError(fetchFailure('UND_ERR_HEADERS_TIMEOUT'), { provider: 'acme' }),
    ).toMatchObject({
      code: 'timeout',
      message: 'The connection to acme timed out (UND_ERR_HEADERS_TIMEOUT).',
    });
  });

  it('reads the system error down the cause chain, and hints at an unknown host', () => {
    const wrapped = new Error('request failed', { cause: fetchFailure('ENOTFOUND') });
    expect(toConnectionError(wrapped, { provider: 'acme' }).message).toBe(
      'The connection to acme failed (ENOTFOUND). Check the host name of the endpoint.',
    );
    expect(toConnectionError(fetchFailure('ECONNRESET'), { provider: 'acme' }).message).toBe(
      'The connection to acme failed (ECONNRESET).',
    );
  });

  it('falls back to the message, with URLs sanitised and credentials masked', () => {
    const secret = ['sk', 'proj', 'Z'.repeat(40)].join('-');
    const error = toConnectionError(
      new Error(
        `socket hang up at https://user:pw@acme.example/v1?api_key=${secret} using ${secret}`,
      ),
      { provider: 'acme' },
    );
    expect(error.code).toBe('network');
    expect(error.message).toContain(
      'The connection to acme failed (socket hang up at https://acme.example/v1',
    );
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain('user:pw');
    expect(toConnectionError(42, { provider: 'acme' }).message).toBe(
      'The connection to acme failed (42).',
    );
  });

  it('returns an AgentryError unchanged', () => {
    const mapped = new AgentryError({ code: 'provider_unavailable', message: 'bad event' });
    expect(toConnectionError(mapped, { provider: 'acme', signal: AbortSignal.abort() })).toBe(
      mapped,
    );
  });
});
