import { describe, expect, it } from 'vitest';
import { isSecretKey, maskSecret, maskSecrets } from '../index.js';

describe('maskSecrets', () => {
  it('masks secret-named keys and reference paths, keeping everything else', () => {
    const masked = maskSecrets(
      {
        oauth2: {
          clientId: 'id',
          clientSecret: 'abcdefghijklmnopqrstu',
          tokenEndpoint: 'https://x',
        },
        list: [{ apiKey: 'short' }],
        custom: 'from-env-value-123456',
      },
      new Set(['custom']),
    );
    expect(masked).toEqual({
      oauth2: { clientId: 'id', clientSecret: '****rstu', tokenEndpoint: 'https://x' },
      list: [{ apiKey: '****' }],
      custom: '****3456',
    });
  });

  it('tells secret keys by name', () => {
    expect(
      ['apiKey', 'api_key', 'clientSecret', 'token', 'accessToken', 'password', 'webhookUrl'].every(
        isSecretKey,
      ),
    ).toBe(true);
    expect(['tokenEndpoint', 'maxTokens', 'tokensUsed', 'name'].some(isSecretKey)).toBe(false);
    expect(maskSecret(42)).toBe('****');
  });
});
