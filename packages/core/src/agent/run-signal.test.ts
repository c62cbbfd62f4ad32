import { afterEach, describe, expect, it } from 'vitest';
import { scriptedModel, textTurn } from '../../test/scripted-model.js';
import {
  createAgent,
  type LanguageModel,
  type ModelCallOptions,
  type ModelMiddleware,
  type ModelStreamPart,
} from '../index.js';

const OriginalAbortController = globalThis.AbortController;

afterEach(() => {
  globalThis.AbortController = OriginalAbortController;
});

/** A model that waits until its call is aborted, recording what it was given. */
function waitingModel(seen: { options?: ModelCallOptions; reason?: unknown }): LanguageModel {
  const base = scriptedModel([]);
  return {
    ...base,
    stream(_request, options) {
      seen.options = options;
      const signal = options?.signal;
      return (async function* (): AsyncGenerator<ModelStreamPart> {
        await new Promise<void>((resolve) => {
          if (!signal) throw new Error('no signal given');
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
        seen.reason = signal?.reason;
        // Only reached without an abort, which would fail the test.
        if (!signal?.aborted) yield { type: 'text-start', id: 't' };
        throw new Error('aborted');
      })();
    },
  };
}

describe('the run signal', () => {
  it('is not made for a turn whose model never reads it', async () => {
    let made = 0;
    globalThis.AbortController = class extends OriginalAbortController {
      constructor() {
        super();
        made += 1;
      }
    };
    const agent = createAgent({ model: scriptedModel([textTurn('a'), textTurn('b')]) });
    await agent.send('one');
    await agent.send('two');
    expect(made).toBe(0);
  });

  it('reaches a model that reads it, and aborts with the run', async () => {
    const seen: { options?: ModelCallOptions; reason?: unknown } = {};
    const agent = createAgent({ model: waitingModel(seen) });
    const run = agent.send('wait');
    await new Promise((resolve) => setTimeout(resolve, 5));
    run.abort('the user left');
    await expect(run).rejects.toMatchObject({ code: 'aborted', message: 'the user left' });
    expect(seen.options?.signal?.aborted).toBe(true);
    expect(seen.reason).toBe('the user left');
  });

  it('survives a middleware that spreads the call options', async () => {
    const seen: { options?: ModelCallOptions; reason?: unknown } = {};
    const addHeader: ModelMiddleware = async (context, next) => {
      context.options = { ...context.options, headers: { 'x-trace': '1' } };
      await next();
    };
    const agent = createAgent({
      model: waitingModel(seen),
      middleware: { model: [addHeader] },
    });
    const run = agent.send('wait');
    await new Promise((resolve) => setTimeout(resolve, 5));
    run.abort('stop');
    await expect(run).rejects.toMatchObject({ code: 'aborted' });
    expect(seen.options?.headers).toEqual({ 'x-trace': '1' });
    expect(seen.options?.signal).toBeInstanceOf(AbortSignal);
    expect(seen.reason).toBe('stop');
  });
});
