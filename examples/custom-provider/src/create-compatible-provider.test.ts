import {
  AgentryError,
  createAgent,
  type Credential,
  type CredentialSource,
  type ModelRequest,
} from '@agentry/core';
import { startEmulator, type Emulator } from '@agentry/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createCompatibleProvider,
  DEFAULT_COMPATIBLE_CAPABILITIES,
  type CompatibleProvider,
} from './index.js';

const options = { endpoint: 'http://localhost:11434/v1', models: [{ name: 'llama3.2' }] };

const hi: ModelRequest = { messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] };

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    return AgentryError.isInstance(error) ? error.code : String(error);
  }
}

describe('createCompatibleProvider', () => {
  let emulator: Emulator;
  const providers: CompatibleProvider[] = [];
  const create = (extra: Partial<Parameters<typeof createCompatibleProvider>[0]> = {}) => {
    const provider = createCompatibleProvider({
      endpoint: emulator.baseURL('openai-chat'),
      models: [{ name: 'llama3.2' }, { name: 'llava', capabilities: { supportsVision: true } }],
      ...extra,
    });
    providers.push(provider);
    return provider;
  };

  beforeAll(async () => {
    emulator = await startEmulator();
  });
  beforeEach(() => emulator.reset());
  afterAll(async () => {
    await Promise.all(providers.map((provider) => provider.close()));
    await emulator.close();
  });

  describe('options', () => {
    it('refuses an endpoint that is not http(s), an empty model list, a model listed twice and a bad pool', () => {
      expect(() => createCompatibleProvider({ ...options, endpoint: 'localhost:11434' })).toThrow(
        expect.objectContaining({
          code: 'validation_failed',
          details: { path: 'endpoint', value: 'localhost:11434' },
        }),
      );
      expect(codeOf(() => createCompatibleProvider({ ...options, models: [] }))).toBe(
        'validation_failed',
      );
      expect(
        codeOf(() =>
          createCompatibleProvider({ ...options, models: [{ name: 'a' }, { name: 'a' }] }),
        ),
      ).toBe('validation_failed');
      expect(
        codeOf(() =>
          createCompatibleProvider({ ...options, connectionPool: { maxConnections: 0 } }),
        ),
      ).toBe('validation_failed');
    });

    it('lists its models with default capabilities, overridden per model', () => {
      const [llama, llava] = create().models();
      expect(llama?.capabilities).toEqual(DEFAULT_COMPATIBLE_CAPABILITIES);
      expect(llava?.capabilities.supportsVision).toBe(true);
      expect(
        codeOf(() =>
          createCompatibleProvider({
            ...options,
            models: [{ name: 'a', capabilities: { maxConcurrency: 0 } }],
          }),
        ),
      ).toBe('validation_failed');
    });
  });

  describe('validateApiKey', () => {
    it('accepts any key without spaces and never repeats the key', () => {
      const provider = create();
      const key = 'sk-' + 'x'.repeat(24);
      expect(provider.validateApiKey(key)).toBeUndefined();
      expect(provider.validateApiKey(' ')).toContain('empty');
      expect(provider.validateApiKey(`${key} `)).not.toContain(key);
    });
  });

  describe('createModel', () => {
    it('refuses a model that is not listed with unknown_model, naming the known ones', () => {
      const error = (() => {
        try {
          create().createModel('gpt-4o');
        } catch (caught) {
          return caught as AgentryError;
        }
        throw new Error('expected createModel to throw');
      })();
      expect(error.code).toBe('unknown_model');
      expect(error.message).toContain('llama3.2');
    });

    it('sends the key of the settings to the endpoint of the settings', async () => {
      const other = await startEmulator();
      try {
        other.enqueue({ text: 'Hello from elsewhere.' });
        const key = 'sk-' + 'y'.repeat(24);
        const model = create({ apiKey: 'sk-' + 'z'.repeat(24) }).createModel('llama3.2', {
          apiKey: key,
          endpoint: other.baseURL('openai-chat'),
        });
        const response = await model.generate(hi);
        expect(response.content).toEqual([{ type: 'text', text: 'Hello from elsewhere.' }]);
        expect(other.requests[0]?.headers.authorization).toBe(`Bearer ${key}`);
        expect(emulator.requests).toHaveLength(0);
      } finally {
        await other.close();
      }
    });

    it('reads the credential on every call, so a rotated key is used at once', async () => {
      const keys = ['sk-' + 'a'.repeat(24), 'sk-' + 'b'.repeat(24)];
      let calls = 0;
      const credentials: CredentialSource = {
        get: () => Promise.resolve<Credential>({ scheme: 'bearer', value: keys[calls++ % 2]! }),
      };
      emulator.setDefault({ text: 'ok' });
      const model = create({ credentials }).createModel('llama3.2');
      await model.generate(hi);
      await model.generate(hi);
      expect(emulator.requests.map((request) => request.headers.authorization)).toEqual(
        keys.map((key) => `Bearer ${key}`),
      );
    });

    it('sends no authorization header without a key, and the configured headers', async () => {
      emulator.enqueue({ text: 'ok' });
      await create({ headers: { 'x-gateway-route': 'gpu-1' } })
        .createModel('llama3.2')
        .generate(hi);
      expect(emulator.requests[0]?.headers).not.toHaveProperty('authorization');
      expect(emulator.requests[0]?.headers['x-gateway-route']).toBe('gpu-1');
    });

    it('sends images to a model with vision', async () => {
      emulator.enqueue({ text: 'A cat.' });
      const request: ModelRequest = {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image', image: new Uint8Array([1, 2, 3]), mediaType: 'image/png' },
            ],
          },
        ],
      };
      await create().createModel('llava').generate(request);
      expect(JSON.stringify(emulator.requests[0]?.body)).toContain('data:image/png;base64,AQID');
    });

    it('answers through an agent', async () => {
      emulator.enqueue({ text: 'Hello there.' });
      const agent = createAgent({ model: create().createModel('llama3.2') });
      expect((await agent.send('Hi')).text).toBe('Hello there.');
    });
  });
});
