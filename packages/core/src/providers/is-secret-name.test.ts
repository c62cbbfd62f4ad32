import { describe, expect, it } from 'vitest';
import { isSecretName } from './is-secret-name.js';
import { sanitizeUrl } from './sanitize-url.js';

const secretNames = [
  'authorization',
  'proxy-authorization',
  'cf-aig-authorization',
  'x-api-key',
  'x-goog-api-key',
  'api-key',
  'api_key',
  'apiKey',
  'key',
  'access_key',
  'AWSAccessKeyId',
  'privateKey',
  'cookie',
  'set-cookie',
  'x-session-id',
  'access_token',
  'refresh_token',
  'id_token_hint',
  'X-Amz-Security-Token',
  'token',
  'client_secret',
  'clientSecret',
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'X-Amz-Signature',
  'X-Amz-Credential',
  'credentials',
  'webhookUrl',
];

const plainNames = [
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-limit-tokens',
  'anthropic-ratelimit-tokens-remaining',
  'max_tokens',
  'maxOutputTokens',
  'tokenEndpoint',
  'content-type',
  'x-request-id',
  'retry-after',
  'model',
  'keyword',
  'monkey',
  'tenant',
  'region',
];

describe('isSecretName', () => {
  it.each(secretNames)('does call %s a secret', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each(plainNames)('does not call %s a secret', (name) => {
    expect(isSecretName(name)).toBe(false);
  });

  it('is the rule of URL query parameters too, plus the URL-only names', () => {
    for (const name of secretNames) {
      const url = `https://host.example.com/p?${encodeURIComponent(name)}=v&tenant=acme`;
      expect(sanitizeUrl(url)).toBe('https://host.example.com/p?tenant=acme');
    }
    for (const name of plainNames) {
      const url = `https://host.example.com/p?${encodeURIComponent(name)}=v`;
      expect(sanitizeUrl(url)).toBe(url);
    }
    for (const name of ['sig', 'code', 'state', 'SIG']) {
      expect(isSecretName(name)).toBe(false);
      expect(sanitizeUrl(`https://h.example.com/cb?${name}=v`)).toBe('https://h.example.com/cb');
    }
  });
});
