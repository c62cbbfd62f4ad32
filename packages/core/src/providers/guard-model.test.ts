import { describe, expect, it } from 'vitest';
import { AgentryError } from '../errors/agentry-error.js';
import type { LanguageModel } from '../model/language-model.js';
import type { ModelRequest } from '../model/model-request.js';
import type { ModelResponse } from '../model/model-response.js';
import type { ModelStreamPart } from '../model/model-stream-part.js';
import type { ModelCapabilities } from '../schemas/model-capabilities.js';
import { guardModel } from './guard-model.js';

const response: ModelResponse = {
  content: [{ type: 'text', text: 'hi' }],
  finishReason: 'stop',
  usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
};

const parts: ModelStreamPart[] = [
  { type: 'text-start', id: 't' },
  { type: 'text-delta', id: 't', delta: 'hi' },
  { type: 'text-end', id: 't' },
  { type: 'response-end', finishReason: 'stop', usage: response.usage },
];

/**
 * A model whose calls finish only when the test says so: `generate` waits for `finishNext()`, a
 * stream waits before each part until `finishNext()` lets it go on. It counts calls and the calls
 * running now.
 */
function slowModel(capabilities: Partial<ModelCapabilities> = {}) {
  const gates: (() => void)[] = [];
  const gate = () => new Promise<void>((resolve) => gates.push(resolve));
  const state = { calls: 0, running: 0, maxRunning: 0, closedStreams: 0 };
  const enter = () => {
    state.calls += 1;
    state.running += 1;
    state.maxRunning = Math.max(state.maxRunning, state.running);
  };
  const model: LanguageModel = {
    specificationVersion: 'v1',
    provider: 'openai',
    modelId: 'gpt-test',
    capabilities: {
      maxTokens: 1024,
      supportsStreaming: true,
      supportsFunctions: true,
      supportsVision: true,
      maxConcurrency: 2,
      ...capabilities,
    },
    async generate() {
      enter();
      try {
        await gate();
        return response;
      } finally {
        state.running -= 1;
      }
    },
    stream() {
      return (async function* () {
        enter();
        try {
          for (const part of parts) {
            await gate();
            yield part;
          }
        } finally {
          state.running -= 1;
          state.closedStreams += 1;
        }
      })();
    },
  };
  return {
    model,
    state,
    /** Lets every call waiting now take one step. */
    finishNext() {
      for (const open of gates.splice(0)) open();
    },
    get waitingGates() {
      return gates.length;
    },
  };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

const textRequest: ModelRequest = {
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
};

const imageRequest: ModelRequest = {
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: [{ type: 'text', text: 'hi' }] },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is this?' },
        { type: 'image', image: 'https://example.com/cat.png' },
      ],
    },
  ],
};

async function collect(stream: AsyncIterable<ModelStreamPart>, onPart?: () => void) {
  const seen: ModelStreamPart[] = [];
  for await (const part of stream) {
    seen.push(part);
    onPart?.();
  }
  return seen;
}

describe('guardModel', () => {
  it('does keep the provider, model id and capabilities', () => {
    const { model } = slowModel();
    const guarded = guardModel(model);
    expect(guarded).toMatchObject({
      specificationVersion: 'v1',
      provider: 'openai',
      modelId: 'gpt-test',
      capabilities: model.capabilities,
    });
  });

  it('does return a guarded model unchanged', () => {
    const guarded = guardModel(slowModel().model);
    expect(guardModel(guarded)).toBe(guarded);
  });

  describe('vision', () => {
    it('does refuse images to a model without vision before calling it', async () => {
      const { model, state } = slowModel({ supportsVision: false });
      const guarded = guardModel(model);
      const refusal = await guarded.generate(imageRequest).catch((error: unknown) => error);
      expect(AgentryError.isInstance(refusal)).toBe(true);
      expect(refusal).toMatchObject({
        code: 'invalid_request',
        recoverable: false,
        details: { provider: 'openai', modelId: 'gpt-test', path: ['messages', 2, 'content', 1] },
      });
      expect((refusal as Error).message).toContain('openai:gpt-test');
      expect((refusal as Error).message).toContain('messages[2]');
      await expect(collect(guarded.stream(imageRequest))).rejects.toMatchObject({
        code: 'invalid_request',
      });
      expect(state.calls).toBe(0);
    });

    it('does pass images to a model with vision', async () => {
      const fake = slowModel({ supportsVision: true });
      const pending = guardModel(fake.model).generate(imageRequest);
      await flush();
      fake.finishNext();
      await expect(pending).resolves.toEqual(response);
    });

    it('does pass text-only requests to a model without vision', async () => {
      const fake = slowModel({ supportsVision: false });
      const pending = guardModel(fake.model).generate(textRequest);
      await flush();
      fake.finishNext();
      await expect(pending).resolves.toEqual(response);
    });
  });

  describe('concurrency', () => {
    it('does run at most maxConcurrency generate calls at once', async () => {
      const fake = slowModel({ maxConcurrency: 2 });
      const guarded = guardModel(fake.model);
      const calls = Array.from({ length: 5 }, () => guarded.generate(textRequest));
      await flush();
      expect(fake.state.running).toBe(2);
      while (fake.state.calls < 5 || fake.state.running > 0) {
        fake.finishNext();
        await flush();
      }
      await expect(Promise.all(calls)).resolves.toHaveLength(5);
      expect(fake.state.maxRunning).toBe(2);
    });

    it('does free the slot when generate fails', async () => {
      const fake = slowModel({ maxConcurrency: 1 });
      let fail = true;
      const failing: LanguageModel = {
        ...fake.model,
        generate: (request, options) => {
          if (fail) {
            fail = false;
            return Promise.reject(new AgentryError({ code: 'network', message: 'down' }));
          }
          return fake.model.generate(request, options);
        },
      };
      const guarded = guardModel(failing);
      await expect(guarded.generate(textRequest)).rejects.toMatchObject({ code: 'network' });
      const next = guarded.generate(textRequest);
      await flush();
      expect(fake.state.running).toBe(1);
      fake.finishNext();
      await expect(next).resolves.toEqual(response);
    });

    it('does stop waiting for a slot when the signal aborts', async () => {
      const fake = slowModel({ maxConcurrency: 1 });
      const guarded = guardModel(fake.model);
      const first = guarded.generate(textRequest);
      const controller = new AbortController();
      const second = guarded.generate(textRequest, { signal: controller.signal });
      controller.abort();
      await expect(second).rejects.toMatchObject({ code: 'aborted' });
      await flush();
      fake.finishNext();
      await first;
      expect(fake.state.calls).toBe(1);
    });

    it('does hold a stream slot until the stream ends', async () => {
      const fake = slowModel({ maxConcurrency: 1 });
      const guarded = guardModel(fake.model);
      const firstStream = collect(guarded.stream(textRequest));
      const secondStream = collect(guarded.stream(textRequest));
      const generated = guarded.generate(textRequest);
      await flush();
      expect(fake.state.calls).toBe(1);
      while (fake.state.calls < 3 || fake.state.running > 0) {
        expect(fake.state.running).toBeLessThanOrEqual(1);
        fake.finishNext();
        await flush();
      }
      await expect(firstStream).resolves.toEqual(parts);
      await expect(secondStream).resolves.toEqual(parts);
      await expect(generated).resolves.toEqual(response);
      expect(fake.state.maxRunning).toBe(1);
    });

    it('does not take a slot for a stream nobody reads', async () => {
      const fake = slowModel({ maxConcurrency: 1 });
      const guarded = guardModel(fake.model);
      guarded.stream(textRequest);
      const pending = guarded.generate(textRequest);
      await flush();
      expect(fake.state.calls).toBe(1);
      fake.finishNext();
      await expect(pending).resolves.toEqual(response);
    });

    it('does free the slot when the consumer breaks out of for await', async () => {
      const fake = slowModel({ maxConcurrency: 1 });
      const guarded = guardModel(fake.model);
      const consumer = (async () => {
        for await (const part of guarded.stream(textRequest)) {
          if (part.type === 'text-start') break;
        }
      })();
      await flush();
      fake.finishNext();
      await consumer;
      expect(fake.state.closedStreams).toBe(1);
      const next = guarded.generate(textRequest);
      await flush();
      expect(fake.state.running).toBe(1);
      fake.finishNext();
      await expect(next).resolves.toEqual(response);
    });

    it('does free the slot when the stream throws', async () => {
      const fake = slowModel({ maxConcurrency: 1 });
      const broken: LanguageModel = {
        ...fake.model,
        stream: () =>
          (async function* (): AsyncGenerator<ModelStreamPart> {
            yield { type: 'text-start', id: 't' };
            await Promise.resolve();
            throw new AgentryError({ code: 'provider_unavailable', message: 'overloaded' });
          })(),
      };
      const guarded = guardModel(broken);
      await expect(collect(guarded.stream(textRequest))).rejects.toMatchObject({
        code: 'provider_unavailable',
      });
      const next = guarded.generate(textRequest);
      await flush();
      expect(fake.state.running).toBe(1);
      fake.finishNext();
      await expect(next).resolves.toEqual(response);
    });

    it('does stop a queued stream waiting for a slot when the signal aborts', async () => {
      const fake = slowModel({ maxConcurrency: 1 });
      const guarded = guardModel(fake.model);
      const first = guarded.generate(textRequest);
      const controller = new AbortController();
      const stream = collect(guarded.stream(textRequest, { signal: controller.signal }));
      await flush();
      controller.abort();
      await expect(stream).rejects.toMatchObject({ code: 'aborted' });
      fake.finishNext();
      await first;
      expect(fake.state.calls).toBe(1);
    });
  });
});
