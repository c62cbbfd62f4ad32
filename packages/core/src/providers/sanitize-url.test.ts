import { describe, expect, it } from 'vitest';
import { sanitizeUrl, sanitizeUrlsInText } from './sanitize-url.js';

const secret = (name: string) => [name, 'x'.repeat(20)].join('-');

describe('sanitizeUrl', () => {
  it('does remove the user name and password', () => {
    const url = `https://client:${secret('pw')}@auth.example.com/oauth/token`;
    expect(sanitizeUrl(url)).toBe('https://auth.example.com/oauth/token');
  });

  it.each([
    'api_key',
    'apiKey',
    'key',
    'access_token',
    'refresh_token',
    'client_secret',
    'password',
    'X-Amz-Signature',
    'X-Amz-Credential',
    'X-Goog-Signature',
    'sig',
    'code',
    'auth',
  ])('does remove the %s query parameter and keep the others', (name) => {
    const url = `https://host.example.com/v1/token?tenant=acme&${name}=${secret('s')}&region=eu`;
    expect(sanitizeUrl(url)).toBe('https://host.example.com/v1/token?tenant=acme&region=eu');
  });

  it('does remove every occurrence of a repeated secret parameter and the fragment', () => {
    expect(
      sanitizeUrl(`https://h.example.com/cb?key=${secret('a')}&key=${secret('b')}#access_token=t`),
    ).toBe('https://h.example.com/cb');
  });

  it('does accept a URL object and leave a clean URL as it is', () => {
    expect(sanitizeUrl(new URL('http://127.0.0.1:8080/v1/chat?model=m'))).toBe(
      'http://127.0.0.1:8080/v1/chat?model=m',
    );
  });

  it('does answer (invalid URL) for text that is not an absolute URL', () => {
    expect(sanitizeUrl(`not a url ${secret('k')}`)).toBe('(invalid URL)');
  });
});

describe('sanitizeUrlsInText', () => {
  it('does sanitise every URL in a message and keep the words around them', () => {
    const password = secret('pw');
    const key = secret('k');
    const text = `Request cannot be constructed from a URL that includes credentials: https://u:${password}@a.example.com/token?api_key=${key}&x=1 (then http://b.example.com/?token=${key})`;
    const clean = sanitizeUrlsInText(text);
    expect(clean).not.toContain(password);
    expect(clean).not.toContain(key);
    expect(clean).toBe(
      'Request cannot be constructed from a URL that includes credentials: https://a.example.com/token?x=1 (then http://b.example.com/)',
    );
  });

  it('does strip the user info of a URL it cannot parse', () => {
    const password = secret('pw');
    expect(sanitizeUrlsInText(`bad http://u:${password}@[::1/x`)).toBe('bad http://[::1/x');
  });

  it('does return text without URLs unchanged', () => {
    expect(sanitizeUrlsInText('connect ECONNREFUSED 127.0.0.1:443')).toBe(
      'connect ECONNREFUSED 127.0.0.1:443',
    );
  });
});
