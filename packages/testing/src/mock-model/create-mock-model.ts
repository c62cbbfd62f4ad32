import {
  AgentryError,
  modelCapabilitiesSchema,
  providerTypeSchema,
  toAgentryError,
  type LanguageModel,
  type ModelCallOptions,
  type ModelCapabilities,
  type ModelRequest,
  type ModelResponse,
  type ModelStreamPart,
  type ProviderType,
} from '@agentry/core';
import { checkMockTurn } from './check-mock-turn.js';
import { MockStream } from './mock-stream.js';
import { globalTimers, interruptible, interruptibleDelay, type MockTimers } from './mock-timers.js';
import type { MockTurn } from './mock-turn.js';
import { planMockResponse, type MockPlan } from './plan-mock-response.js';

/**
 * Options of {@link createMockModel}: what the model answers (a `script` or a `respond`
 * function, not both), what it says it is, and the timers its delays run on.
 *
 * @example
 * ```ts
 * import { mockText, mockToolCall, type MockModelOptions } from '@agentry/testing';
 *
 * const options: MockModelOptions = {
 *   script: [mockToolCall('search', { query: 'agentry' }), mockText('Found it.')],
 *   modelId: 'gpt-4o',
 *   capabilities: { supportsVision: false },
 * };
 * ```
 */
export interface MockModelOptions {
  /**
   * The answers, one per call to `generate` or `stream`, in call order. The array is copied (later
   * edits to it do not apply) and each turn is checked when the model is created. Default `[]`.
   */
  script?: readonly MockTurn[];
  /**
   * What to do once every turn of `script` has been used: `true` answers every further call with
   * the last turn; `false` (the default) fails the call with `internal`, so a test that makes more
   * calls than it scripted fails loudly.
   */
  repeat?: boolean;
  /**
   * Computes each answer instead of a script: receives the call's request (the same copy that
   * `calls` records; do not change it) and the call's position from 0 (counted again from 0 after
   * `reset()`). It may be async; if it throws, the call fails with that error (wrapped as
   * `internal` unless it is an `AgentryError`).
   */
  respond?: (request: ModelRequest, callIndex: number) => MockTurn | Promise<MockTurn>;
  /**
   * The provider type the model claims: a built-in one or a third-party plug-in's own, such as
   * `acme`. Default `openai`.
   */
  provider?: ProviderType;
  /** The model id it reports, in `modelId` and in each response. Default `mock-model`. */
  modelId?: string;
  /**
   * Overrides some of the default capabilities: `maxTokens` 8192, `supportsStreaming`,
   * `supportsFunctions` and `supportsVision` true, `maxConcurrency` 16. The mock reports them but
   * does not enforce them.
   */
  capabilities?: Partial<ModelCapabilities>;
  /** The timers delays run on. Default: the global `setTimeout` and `clearTimeout`. */
  timers?: MockTimers;
}

/**
 * One call a {@link MockModel} received, as recorded in `calls`.
 *
 * @example
 * ```ts
 * await model.generate({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] });
 * const [call] = model.calls;
 * call?.method; // 'generate'
 * call?.request.messages.length; // 1
 * ```
 */
export interface MockModelCall {
  /** Which method was called. */
  readonly method: 'generate' | 'stream';
  /** A deep copy of the request, taken when the call was made, so later changes do not show. */
  readonly request: ModelRequest;
  /** A copy of the call options without the signal (see `hasSignal` and `signalAborted`). */
  readonly options: Omit<ModelCallOptions, 'signal'>;
  /** Whether the caller passed an `AbortSignal`. */
  readonly hasSignal: boolean;
  /**
   * Whether the call's signal is aborted, read when you look, so it turns `true` when the caller
   * aborts the call later; `false` without a signal.
   */
  readonly signalAborted: boolean;
}

/**
 * A scriptable {@link LanguageModel} for tests and examples, made by {@link createMockModel}: it
 * plays scripted turns and records every call.
 *
 * @example
 * ```ts
 * import { createMockModel, mockText, type MockModel } from '@agentry/testing';
 *
 * const model: MockModel = createMockModel({ script: [mockText('Hello!')] });
 * const response = await model.generate({ messages: [] });
 * model.calls.length; // 1
 * model.reset();
 * ```
 */
export interface MockModel extends LanguageModel {
  /**
   * The calls received so far, oldest first. The same array for the model's whole life, so a
   * reference taken earlier stays current.
   */
  readonly calls: readonly MockModelCall[];
  /**
   * Forgets every call and rewinds the script to its first turn (a `respond` function sees call
   * positions from 0 again). Calls already in flight play on.
   */
  reset(): void;
  /**
   * Streams the call's turn. Nothing happens until the first `next()`; the iterator's `return()`
   * (a `break` out of `for await`) stops it at once and leaves no timer or listener behind.
   */
  stream(
    request: ModelRequest,
    options?: ModelCallOptions,
  ): AsyncIterableIterator<ModelStreamPart> & {
    /** Stops the stream at once, cancelling any wait in progress, and resolves as done. */
    return(): Promise<IteratorResult<ModelStreamPart, undefined>>;
  };
}

const defaultCapabilities: ModelCapabilities = {
  maxTokens: 8192,
  supportsStreaming: true,
  supportsFunctions: true,
  supportsVision: true,
  maxConcurrency: 16,
};

/**
 * Creates a scriptable mock model: each call to `generate` or `stream` plays the next turn of
 * `script` (or the turn `respond` returns) and is recorded in `calls`.
 *
 * Streams send parts in the contract's order (reasoning, text, tool calls, then one
 * `response-end`); `generate` returns the same content. Delays run on `timers`, so fake timers
 * drive them. When the call's `signal` aborts, before or during a delay or between parts, the call
 * stops at once, clears its timer and removes its listener.
 *
 * @throws AgentryError `validation_failed` from `createMockModel` when both `script` and `respond`
 *   are given, a turn of the script is malformed, or the id, provider or capabilities are invalid
 * @throws AgentryError from `generate` (rejection) and from the stream's iterator: `internal` when
 *   the script is exhausted, `aborted` when the signal aborts, `validation_failed` when a turn
 *   from `respond` is malformed, and the turn's own `error`
 * @example
 * ```ts
 * import { createMockModel, mockText, mockToolCall } from '@agentry/testing';
 *
 * const model = createMockModel({
 *   script: [mockToolCall('weather', { city: 'Oslo' }), mockText('Sunny.', { textChunks: 2 })],
 * });
 * for await (const part of model.stream({ messages: [] })) console.log(part.type);
 * const answer = await model.generate({ messages: [] });
 * ```
 */
export function createMockModel(options: MockModelOptions = {}): MockModel {
  const { respond, repeat = false, timers = globalTimers } = options;
  const provider = options.provider ?? 'openai';
  const modelId = options.modelId ?? 'mock-model';
  const capabilities = { ...defaultCapabilities, ...options.capabilities };
  checkOptions(options, provider, modelId, capabilities);
  const script = [...(options.script ?? [])];
  script.forEach((turn, index) => checkMockTurn(turn, `script[${index}]`));

  const calls: MockModelCall[] = [];

  const abortedError = (signal: AbortSignal | undefined): AgentryError =>
    new AgentryError({
      code: 'aborted',
      message: `The call to mock model ${modelId} was aborted by its signal.`,
      details: { modelId },
      cause: signal?.reason,
    });

  const turnFor = async (request: ModelRequest, callIndex: number): Promise<MockTurn> => {
    if (respond !== undefined) {
      const turn = await respond(request, callIndex);
      checkMockTurn(turn, `respond(request, ${callIndex})`);
      return turn;
    }
    const turn = script[callIndex] ?? (repeat ? script.at(-1) : undefined);
    if (turn === undefined) {
      throw new AgentryError({
        code: 'internal',
        message: `mock script exhausted: call ${callIndex + 1} to mock model ${modelId} has no turn (the script holds ${script.length}). Add a turn to the script, or pass repeat: true to reuse the last one.`,
        details: { modelId, callIndex, scriptLength: script.length },
        suggestions: [
          'Add a turn to the script for every call the code under test makes.',
          'Pass repeat: true to answer further calls with the last turn.',
        ],
      });
    }
    return turn;
  };

  /** Records the call and returns how to play it; never throws, so `stream` cannot either. */
  const begin = (
    method: MockModelCall['method'],
    request: ModelRequest,
    callOptions: ModelCallOptions | undefined,
  ): (() => Promise<{ turn: MockTurn; plan: MockPlan }>) => {
    const callIndex = calls.length;
    const signal = callOptions?.signal;
    const { signal: _signal, ...rest } = callOptions ?? {};
    let copyError: AgentryError | undefined;
    let copy: { request: ModelRequest; options: Omit<ModelCallOptions, 'signal'> };
    try {
      copy = structuredClone({ request, options: rest });
    } catch (error) {
      copy = { request, options: rest };
      copyError = new AgentryError({
        code: 'invalid_request',
        message: `Mock model ${modelId} cannot copy the request of call ${callIndex + 1}: ${error instanceof Error ? error.message : String(error)}. Requests must hold plain data.`,
        details: { modelId, callIndex },
        suggestions: ['Remove functions and class instances from the request.'],
        cause: error,
      });
    }
    calls.push({
      method,
      request: copy.request,
      options: copy.options,
      hasSignal: signal !== undefined,
      get signalAborted() {
        return signal?.aborted ?? false;
      },
    });
    return async () => {
      if (copyError !== undefined) throw copyError;
      try {
        const turn = await turnFor(copy.request, callIndex);
        return { turn, plan: planMockResponse(turn, copy.request, { callIndex, modelId }) };
      } catch (error) {
        throw toAgentryError(error);
      }
    };
  };

  return {
    specificationVersion: 'v1',
    provider,
    modelId,
    capabilities,
    calls,
    reset() {
      calls.length = 0;
    },
    async generate(request: ModelRequest, callOptions?: ModelCallOptions): Promise<ModelResponse> {
      const prepare = begin('generate', request, callOptions);
      const signal = callOptions?.signal;
      const abortError = (): Error => abortedError(signal);
      const { turn, plan } = await interruptible<{ turn: MockTurn; plan: MockPlan }>(
        [signal],
        abortError,
        ({ resolve, reject }) => {
          prepare().then(resolve, reject);
          return undefined;
        },
      );
      if (turn.delayMs) await interruptibleDelay(turn.delayMs, timers, [signal], abortError);
      if (turn.error !== undefined) throw turn.error;
      if (turn.errorAfterParts !== undefined) throw turn.errorAfterParts.error;
      return plan.response;
    },
    stream(request: ModelRequest, callOptions?: ModelCallOptions) {
      const prepare = begin('stream', request, callOptions);
      const signal = callOptions?.signal;
      return new MockStream({ signal, timers, abortError: () => abortedError(signal), prepare });
    },
  };
}

function checkOptions(
  options: MockModelOptions,
  provider: unknown,
  modelId: unknown,
  capabilities: unknown,
): void {
  const problems: string[] = [];
  if (options.script !== undefined && options.respond !== undefined) {
    problems.push('pass either script or respond, not both');
  }
  if (options.respond !== undefined && options.repeat !== undefined) {
    problems.push('repeat applies to a script only');
  }
  if (options.script !== undefined && !Array.isArray(options.script)) {
    problems.push('script must be an array of turns');
  }
  if (options.respond !== undefined && typeof options.respond !== 'function') {
    problems.push('respond must be a function');
  }
  if (typeof modelId !== 'string' || modelId === '')
    problems.push('modelId must be a non-empty string');
  if (!providerTypeSchema.safeParse(provider).success) {
    problems.push(
      `provider ${JSON.stringify(provider)} must be a provider type (a lowercase name such as openai or acme)`,
    );
  }
  const parsed = modelCapabilitiesSchema.safeParse(capabilities);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    problems.push(`capabilities are invalid (${fields})`);
  }
  if (problems.length > 0) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `Invalid mock model options: ${problems.join('; ')}.`,
      details: { problems },
      suggestions: problems.map((problem) => `Fix the options: ${problem}.`),
    });
  }
}
