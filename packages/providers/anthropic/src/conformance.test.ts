import { describeProviderConformance } from '@agentry/testing/vitest';
import { createAnthropic } from './index.js';

// The emulator renders thinking blocks, thinking tokens (usage.output_tokens_details) and cache
// reads, so the kit checks that all three come through.
describeProviderConformance({
  name: 'createAnthropic',
  api: 'anthropic',
  modelId: 'claude-sonnet-5-5',
  capabilities: { reasoning: true, reasoningTokens: true, cachedInputTokens: true },
  createModel: ({ baseURL, apiKey, modelId }) =>
    createAnthropic({ apiKey, endpoint: baseURL }).createModel(modelId),
});
