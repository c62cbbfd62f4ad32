import type { LanguageModel } from '../model/language-model.js';
import type { ModelCallOptions, ModelRequest } from '../model/model-request.js';
import type { ModelResponse } from '../model/model-response.js';
import type { ModelStreamPart } from '../model/model-stream-part.js';
import { createSemaphore } from '../resilience/create-semaphore.js';
import type { Semaphore } from '../resilience/semaphore.js';
import { findImageRefusal } from './find-image-refusal.js';

const guardedModels = new WeakSet<LanguageModel>();

/**
 * Wraps a model so that its capabilities are enforced rather than only described:
 *
 * - when `capabilities.supportsVision` is false, a request whose messages hold an image part is
 *   refused with `invalid_request` (naming the model and the message) before the model is called;
 * - at most `capabilities.maxConcurrency` calls run at once; later calls wait in order for a slot,
 *   and stop waiting with `aborted` when their signal aborts. A stream takes its slot on the first
 *   `next()` and holds it until it ends, throws, or the consumer stops early (`break` in
 *   `for await`, which calls `return()`).
 *
 * The wrapper has the same `provider`, `modelId` and `capabilities`. A call that finds a free slot
 * goes straight to the model. Guarding a guarded model returns it unchanged.
 *
 * @param model - the model to guard
 * @throws AgentryError `validation_failed` when `capabilities.maxConcurrency` is not a positive
 *   integer. Its calls fail with `invalid_request` (images sent to a model without vision) and
 *   `aborted` (signal aborted while waiting for a slot), besides the model's own errors.
 * @example
 * ```ts
 * const model = guardModel(openai.createModel('gpt-4o-mini'));
 * for await (const part of model.stream(request, { signal })) {
 *   if (part.type === 'text-delta') process.stdout.write(part.delta);
 * }
 * ```
 */
export function guardModel(model: LanguageModel): LanguageModel {
  if (guardedModels.has(model)) return model;
  const semaphore = createSemaphore(model.capabilities.maxConcurrency);
  const checksImages = !model.capabilities.supportsVision;
  const guarded: LanguageModel = {
    specificationVersion: model.specificationVersion,
    provider: model.provider,
    modelId: model.modelId,
    capabilities: model.capabilities,
    generate(request, options) {
      if (checksImages) {
        const refusal = findImageRefusal(model, request);
        if (refusal !== undefined) return Promise.reject(refusal);
      }
      const release = semaphore.tryAcquire();
      if (release !== undefined) return generateHolding(model, request, options, release);
      return semaphore
        .acquire({ signal: options?.signal })
        .then((granted) => generateHolding(model, request, options, granted));
    },
    stream(request, options) {
      return {
        [Symbol.asyncIterator]: () =>
          createGuardedIterator(model, semaphore, checksImages, request, options),
      };
    },
  };
  guardedModels.add(guarded);
  return guarded;
}

function generateHolding(
  model: LanguageModel,
  request: ModelRequest,
  options: ModelCallOptions | undefined,
  release: () => void,
): Promise<ModelResponse> {
  let response: Promise<ModelResponse>;
  try {
    response = model.generate(request, options);
  } catch (error) {
    release();
    // What the model throws is passed on unchanged, whatever its type.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    return Promise.reject(error);
  }
  response.then(release, release);
  return response;
}

function createGuardedIterator(
  model: LanguageModel,
  semaphore: Semaphore,
  checksImages: boolean,
  request: ModelRequest,
  options: ModelCallOptions | undefined,
): AsyncIterator<ModelStreamPart> {
  let inner: AsyncIterator<ModelStreamPart> | undefined;
  let release: (() => void) | undefined;
  let starting: Promise<void> | undefined;
  let done = false;

  const finish = (): void => {
    done = true;
    const held = release;
    release = undefined;
    held?.();
  };

  // Opens the model's stream once a slot is held; a throwing `stream()` gives the slot back.
  const open = (granted: () => void): void => {
    release = granted;
    try {
      inner = model.stream(request, options)[Symbol.asyncIterator]();
    } catch (error) {
      finish();
      throw error;
    }
  };

  // Made once per stream rather than once per part: a long answer streams hundreds of parts.
  const onResult = (result: IteratorResult<ModelStreamPart>): IteratorResult<ModelStreamPart> => {
    if (result.done === true) finish();
    return result;
  };
  const onError = (error: unknown): never => {
    finish();
    throw error;
  };
  const pull = (): Promise<IteratorResult<ModelStreamPart>> => {
    if (done || inner === undefined) return Promise.resolve({ done: true, value: undefined });
    return inner.next().then(onResult, onError);
  };

  return {
    next() {
      if (done) return Promise.resolve({ done: true, value: undefined });
      if (inner !== undefined) return pull();
      if (starting !== undefined) return starting.then(pull);
      if (checksImages) {
        const refusal = findImageRefusal(model, request);
        if (refusal !== undefined) {
          done = true;
          return Promise.reject(refusal);
        }
      }
      const free = semaphore.tryAcquire();
      if (free !== undefined) {
        try {
          open(free);
        } catch (error) {
          // What the model throws is passed on unchanged, whatever its type.
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          return Promise.reject(error);
        }
        return pull();
      }
      starting = semaphore.acquire({ signal: options?.signal }).then(
        (granted) => {
          // The consumer gave up (return()) while this call waited for its slot.
          if (done) granted();
          else open(granted);
        },
        (error: unknown) => {
          done = true;
          throw error;
        },
      );
      return starting.then(pull);
    },
    return(value?: unknown) {
      const wasOpen = inner !== undefined && !done;
      finish();
      if (wasOpen && inner?.return !== undefined) {
        return inner.return(value);
      }
      return Promise.resolve({ done: true, value: value as undefined });
    },
  };
}
