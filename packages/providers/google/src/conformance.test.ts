import { describeProviderConformance } from '@agentry/testing/vitest';
import { createGoogle } from './index.js';

describeProviderConformance({
  name: 'createGoogle',
  api: 'google',
  modelId: 'gemini-3.5-flash',
  createModel: ({ baseURL, apiKey, modelId }) =>
    createGoogle({ apiKey, endpoint: baseURL }).createModel(modelId),
  capabilities: { reasoning: true },
});
