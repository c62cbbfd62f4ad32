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
 * The wrapper has the same `provider`, `modelId`, `capabilities` and `deprecation`. A call that finds a free slot
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
  const guard: Guard = { model, semaphore, checksImages };
  const guarded: LanguageModel = {
    specificationVersion: model.specificationVersion,
    provider: model.provider,
    modelId: model.modelId,
    capabilities: model.capabilities,
    ...(model.deprecation !== undefined ? { deprecation: model.deprecation } : {}),
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
      return new GuardedStream(guard, request, options);
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

/** What a guarded model's streams share. */
interface Guard {
  readonly model: LanguageModel;
  readonly semaphore: Semaphore;
  readonly checksImages: boolean;
}

/** A guarded call's stream: each iteration opens the model's stream anew, as the model's would. */
class GuardedStream implements AsyncIterable<ModelStreamPart> {
  readonly #guard: Guard;
  readonly #request: ModelRequest;
  readonly #options: ModelCallOptions | undefined;

  constructor(guard: Guard, request: ModelRequest, options: ModelCallOptions | undefined) {
    this.#guard = guard;
    this.#request = request;
    this.#options = options;
  }

  [Symbol.asyncIterator](): AsyncIterator<ModelStreamPart> {
    return new GuardedIterator(this.#guard, this.#request, this.#options);
  }
}

/**
 * The iterator of a guarded stream: a class, so that a stream costs one object and two handlers
 * rather than a closure per step of its life.
 */
class GuardedIterator implements AsyncIterator<ModelStreamPart> {
  readonly #guard: Guard;
  readonly #request: ModelRequest;
  readonly #options: ModelCallOptions | undefined;
  #inner: AsyncIterator<ModelStreamPart> | undefined;
  #release: (() => void) | undefined;
  #starting: Promise<void> | undefined;
  #done = false;
  // Made once per stream rather than once per part: a long answer streams hundreds of parts.
  readonly #onResult = (
    result: IteratorResult<ModelStreamPart>,
  ): IteratorResult<ModelStreamPart> => {
    if (result.done === true) this.#finish();
    return result;
  };
  readonly #onError = (error: unknown): never => {
    this.#finish();
    throw error;
  };

  constructor(guard: Guard, request: ModelRequest, options: ModelCallOptions | undefined) {
    this.#guard = guard;
    this.#request = request;
    this.#options = options;
  }

  next(): Promise<IteratorResult<ModelStreamPart>> {
    if (this.#done) return Promise.resolve({ done: true, value: undefined });
    if (this.#inner !== undefined) return this.#pull();
    if (this.#starting !== undefined) return this.#starting.then(() => this.#pull());
    const { model, semaphore, checksImages } = this.#guard;
    if (checksImages) {
      const refusal = findImageRefusal(model, this.#request);
      if (refusal !== undefined) {
        this.#done = true;
        return Promise.reject(refusal);
      }
    }
    const free = semaphore.tryAcquire();
    if (free !== undefined) {
      try {
        this.#open(free);
      } catch (error) {
        // What the model throws is passed on unchanged, whatever its type.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        return Promise.reject(error);
      }
      return this.#pull();
    }
    this.#starting = semaphore.acquire({ signal: this.#options?.signal }).then(
      (granted) => {
        // The consumer gave up (return()) while this call waited for its slot.
        if (this.#done) granted();
        else this.#open(granted);
      },
      (error: unknown) => {
        this.#done = true;
        throw error;
      },
    );
    return this.#starting.then(() => this.#pull());
  }

  return(value?: unknown): Promise<IteratorResult<ModelStreamPart>> {
    const inner = this.#inner;
    const wasOpen = inner !== undefined && !this.#done;
    this.#finish();
    if (wasOpen && inner.return !== undefined) return inner.return(value);
    return Promise.resolve({ done: true, value: value as undefined });
  }

  #finish(): void {
    this.#done = true;
    const held = this.#release;
    this.#release = undefined;
    held?.();
  }

  // Opens the model's stream once a slot is held; a throwing `stream()` gives the slot back.
  #open(granted: () => void): void {
    this.#release = granted;
    try {
      this.#inner = this.#guard.model.stream(this.#request, this.#options)[Symbol.asyncIterator]();
    } catch (error) {
      this.#finish();
      throw error;
    }
  }

  #pull(): Promise<IteratorResult<ModelStreamPart>> {
    const inner = this.#inner;
    if (this.#done || inner === undefined) return Promise.resolve({ done: true, value: undefined });
    return inner.next().then(this.#onResult, this.#onError);
  }
}
