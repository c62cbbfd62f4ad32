import { describeProviderConformance } from '@agentry/testing/vitest';
import { afterAll } from 'vitest';
import { createOpenAI, type OpenAIProvider } from './index.js';

const providers: OpenAIProvider[] = [];
afterAll(async () => {
  await Promise.all(providers.map((provider) => provider.close()));
});

describeProviderConformance({
  name: 'createOpenAI',
  api: 'openai-responses',
  modelId: 'gpt-5.4-mini',
  capabilities: { reasoning: true },
  createModel: ({ baseURL, apiKey, modelId }) => {
    const provider = createOpenAI({ api: 'responses', endpoint: baseURL, apiKey });
    providers.push(provider);
    return provider.createModel(modelId);
  },
});

describeProviderConformance({
  name: 'createOpenAI',
  api: 'openai-chat',
  modelId: 'gpt-5.4-mini',
  createModel: ({ baseURL, apiKey, modelId }) => {
    const provider = createOpenAI({ api: 'chat', endpoint: baseURL, apiKey });
    providers.push(provider);
    return provider.createModel(modelId);
  },
});
