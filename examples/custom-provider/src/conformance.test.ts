import { describeProviderConformance } from '@agentry/testing/vitest';
import { afterAll } from 'vitest';
import { createCompatibleProvider, type CompatibleProvider } from './index.js';

const providers: CompatibleProvider[] = [];

afterAll(async () => {
  await Promise.all(providers.map((provider) => provider.close()));
});

describeProviderConformance({
  name: 'createCompatibleProvider',
  api: 'openai-chat',
  modelId: 'llama3.2',
  createModel({ baseURL, apiKey, modelId }) {
    const provider = createCompatibleProvider({
      endpoint: baseURL,
      apiKey,
      models: [{ name: modelId }],
      serverName: 'the emulator',
    });
    providers.push(provider);
    return provider.createModel(modelId);
  },
});
