import { AgentryError } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { checkTransport, checkTransports } from './check-transport.js';

function refusal(run: () => void): AgentryError {
  try {
    run();
  } catch (error) {
    if (AgentryError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal, but the URL passed');
}

const required = { inTransit: true, purpose: 'webhook' };
// Built at run time so that no literal in the source looks like a credential.
const password = ['pa', 'ss', 'word', '42'].join('');

describe('checkTransport', () => {
  it.each([
    ['https://api.example.com/v1'],
    ['wss://realtime.example.com/socket'],
    ['http://127.0.0.1:8080/hook'],
    ['http://127.8.9.10/'],
    ['ws://localhost:3000/realtime'],
    ['HTTP://LOCALHOST/'],
    ['http://[::1]:9000/'],
    ['http://[0:0:0:0:0:0:0:1]/'],
    ['http://[::ffff:127.0.0.1]/'],
    ['http://0x7f000001/'],
    ['http://2130706433/'],
    ['http://0177.0.0.1/'],
    ['http://127.1/'],
    ['redis://cache.example.com:6379'],
  ])('lets %s through', (url) => {
    expect(() => checkTransport(url, required)).not.toThrow();
  });

  it.each([
    ['http://api.example.com/v1', 'http://api.example.com/v1'],
    ['ws://realtime.example.com/socket', 'ws://realtime.example.com/socket'],
    ['HTTP://API.EXAMPLE.COM/v1', 'http://api.example.com/v1'],
    ['Ws://Example.com/', 'ws://example.com/'],
    ['http://127.0.0.1.evil.com/', 'http://127.0.0.1.evil.com/'],
    ['http://localhost.evil.com/', 'http://localhost.evil.com/'],
    ['http://localhost./', 'http://localhost./'],
    ['http://127.0.0.1@evil.com/', 'http://evil.com/'],
    ['http://evil.com#@127.0.0.1/', 'http://evil.com/'],
    ['http://evil.com\\@localhost/', 'http://evil.com/@localhost/'],
    ['http://0.0.0.0:8080/', 'http://0.0.0.0:8080/'],
    ['http://[::]/', 'http://[::]/'],
    ['http://[::2]/', 'http://[::2]/'],
    ['http://128.0.0.1/', 'http://128.0.0.1/'],
    ['http://10.0.0.5/internal', 'http://10.0.0.5/internal'],
  ])('refuses %s with insecure_transport', (url, shown) => {
    const error = refusal(() => checkTransport(url, required));
    expect(error.code).toBe('insecure_transport');
    expect(error.details).toMatchObject({ purpose: 'webhook', url: shown });
    expect(error.message).toContain('webhook');
    expect(error.message).toContain(shown);
  });

  it('names the URL without its credentials, query or fragment, and suggests the encrypted one', () => {
    const url = `http://admin:${password}@hooks.example.com:8080/in?token=${password}#frag`;
    const error = refusal(() => checkTransport(url, required));
    expect(error.details['url']).toBe('http://hooks.example.com:8080/in');
    expect(
      JSON.stringify({
        message: error.message,
        details: error.details,
        suggestions: error.suggestions,
      }),
    ).not.toContain(password);
    expect(error.suggestions[0]).toBe('Use https://hooks.example.com:8080/in for the webhook.');
    expect(error.suggestions.join(' ')).toContain('loopback');
  });

  it('suggests wss for ws', () => {
    const error = refusal(() =>
      checkTransport('ws://rt.example.com/s', { inTransit: true, purpose: 'realtime server' }),
    );
    expect(error.suggestions[0]).toBe('Use wss://rt.example.com/s for the realtime server.');
  });

  it('lets everything through when encryption in transit is not required', () => {
    expect(() =>
      checkTransport('http://api.example.com', { inTransit: false, purpose: 'x' }),
    ).not.toThrow();
  });

  it('refuses a URL that is not absolute with validation_failed, without echoing it', () => {
    const error = refusal(() => checkTransport(`hooks.example.com/${password}`, required));
    expect(error.code).toBe('validation_failed');
    expect(error.message).not.toContain(password);
    expect(error.details).toEqual({ purpose: 'webhook' });
  });
});

describe('checkTransports', () => {
  it('names every plain endpoint in one error', () => {
    const error = refusal(() =>
      checkTransports([
        { url: 'https://api.example.com', purpose: 'model API' },
        { url: 'http://hooks.example.com/in', purpose: 'webhook' },
        { url: 'ws://localhost:3000', purpose: 'local realtime' },
        { url: 'ws://rt.example.com', purpose: 'realtime server' },
      ]),
    );
    expect(error.code).toBe('insecure_transport');
    expect(error.details['endpoints']).toEqual([
      { purpose: 'webhook', url: 'http://hooks.example.com/in' },
      { purpose: 'realtime server', url: 'ws://rt.example.com/' },
    ]);
    expect(error.suggestions).toContain('Use wss://rt.example.com/ for the realtime server.');
  });

  it('passes when every endpoint is encrypted or loopback', () => {
    expect(() =>
      checkTransports([
        { url: 'https://api.example.com', purpose: 'model API' },
        { url: 'http://[::1]:8080', purpose: 'sidecar' },
      ]),
    ).not.toThrow();
  });
});
