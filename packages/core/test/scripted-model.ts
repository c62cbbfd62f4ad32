import type {
  AgentryError,
  LanguageModel,
  ModelRequest,
  ModelResponse,
  ModelStreamPart,
  ProviderFactory,
  ProviderType,
} from '../src/index.js';

/** One scripted answer: a response, or an error thrown instead. */
export type ScriptedTurn =
  ModelResponse | AgentryError | ((request: ModelRequest) => ModelResponse | AgentryError);

const capabilities = {
  maxTokens: 4096,
  supportsStreaming: true,
  supportsFunctions: true,
  supportsVision: false,
  maxConcurrency: 4,
};

/** A minimal scripted model for core's own unit tests (the rich one lives in @agentry/testing). */
export function scriptedModel(
  script: ScriptedTurn[],
  modelId = 'gpt-4o',
  provider: ProviderType = 'openai',
): LanguageModel & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = [];
  const next = (request: ModelRequest): ModelResponse => {
    requests.push(structuredClone(request));
    const turn = script.shift();
    if (turn === undefined) throw new Error('scripted model: script exhausted');
    const resolved = typeof turn === 'function' ? turn(request) : turn;
    if (resolved instanceof Error) throw resolved;
    return resolved;
  };
  return {
    specificationVersion: 'v1',
    provider,
    modelId,
    capabilities,
    requests,
    generate: (request) => Promise.resolve().then(() => next(request)),
    stream(request) {
      return (async function* (): AsyncGenerator<ModelStreamPart> {
        await Promise.resolve();
        const response = next(request);
        for (const [index, part] of response.content.entries()) {
          if (part.type === 'text') {
            yield { type: 'text-start', id: `t${index}` };
            yield { type: 'text-delta', id: `t${index}`, delta: part.text };
            yield { type: 'text-end', id: `t${index}` };
          } else if (part.type === 'tool-call') {
            yield { type: 'tool-call-start', toolCallId: part.toolCallId, toolName: part.toolName };
            yield { type: 'tool-call-delta', toolCallId: part.toolCallId, delta: part.input };
            yield {
              type: 'tool-call-end',
              toolCallId: part.toolCallId,
              toolName: part.toolName,
              input: part.input,
            };
          }
        }
        yield { type: 'response-end', finishReason: response.finishReason, usage: response.usage };
      })();
    },
  };
}

/** A text answer. */
export const textTurn = (text: string, tokens = 10): ModelResponse => ({
  content: [{ type: 'text', text }],
  finishReason: 'stop',
  usage: { inputTokens: tokens, outputTokens: tokens, totalTokens: tokens * 2 },
});

/** A provider factory for tests, serving `type` with a key check and the given models. */
export function fakeProvider(
  type: ProviderType,
  options: {
    validateApiKey?: (key: string) => string | undefined;
    createModel?: ProviderFactory['createModel'];
  } = {},
): ProviderFactory {
  return {
    specificationVersion: 'v1',
    type,
    models: () => [],
    validateApiKey: options.validateApiKey ?? (() => undefined),
    createModel: options.createModel ?? ((modelId) => scriptedModel([], modelId, type)),
  };
}
