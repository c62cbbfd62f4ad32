import { AgentryError, type FinishReason } from '@agentry/core';
import type { MockToolCall, MockTurn } from './mock-turn.js';

const finishReasons: ReadonlySet<FinishReason> = new Set<FinishReason>([
  'stop',
  'length',
  'tool-calls',
  'content-filter',
  'error',
  'other',
]);

const usageFields = [
  'inputTokens',
  'outputTokens',
  'totalTokens',
  'cachedInputTokens',
  'cacheWriteInputTokens',
  'reasoningTokens',
] as const;

/**
 * Throws when a turn cannot be played, naming the field, so a mistake in a script fails where it
 * was written rather than as a confusing stream. Turns may come from JavaScript or from a `respond`
 * function, so every field is checked at run time.
 *
 * @throws AgentryError `validation_failed` naming the first bad field
 * @internal
 */
export function checkMockTurn(turn: MockTurn, path: string): void {
  if (typeof turn !== 'object' || turn === null) {
    fail(path, 'must be an object (a MockTurn)', turn);
  }
  checkText(turn.text, `${path}.text`);
  checkText(turn.reasoning, `${path}.reasoning`);
  checkCount(turn.textChunks, `${path}.textChunks`, 1);
  checkDuration(turn.delayMs, `${path}.delayMs`);
  checkDuration(turn.chunkDelayMs, `${path}.chunkDelayMs`);
  if (turn.finishReason !== undefined && !finishReasons.has(turn.finishReason)) {
    fail(
      `${path}.finishReason`,
      `must be one of ${[...finishReasons].join(', ')}`,
      turn.finishReason,
    );
  }
  if (turn.usage !== undefined) {
    for (const field of usageFields) checkCount(turn.usage[field], `${path}.usage.${field}`, 0);
  }
  if (turn.error !== undefined && !AgentryError.isInstance(turn.error)) {
    fail(`${path}.error`, 'must be an AgentryError (build one with mockError)', turn.error);
  }
  if (turn.errorAfterParts !== undefined) {
    checkCount(turn.errorAfterParts.parts, `${path}.errorAfterParts.parts`, 0, true);
    if (!AgentryError.isInstance(turn.errorAfterParts.error)) {
      fail(
        `${path}.errorAfterParts.error`,
        'must be an AgentryError (build one with mockError)',
        turn.errorAfterParts.error,
      );
    }
  }
  if (turn.toolCalls !== undefined) {
    if (!Array.isArray(turn.toolCalls))
      fail(`${path}.toolCalls`, 'must be an array', turn.toolCalls);
    const toolCalls: readonly MockToolCall[] = turn.toolCalls;
    toolCalls.forEach((call, index) => {
      const callPath = `${path}.toolCalls[${index}]`;
      if (typeof call.toolName !== 'string' || call.toolName === '') {
        fail(`${callPath}.toolName`, 'must be a non-empty string', call.toolName);
      }
      if (
        call.toolCallId !== undefined &&
        (typeof call.toolCallId !== 'string' || call.toolCallId === '')
      ) {
        fail(`${callPath}.toolCallId`, 'must be a non-empty string', call.toolCallId);
      }
      checkCount(call.chunks, `${callPath}.chunks`, 1);
    });
  }
}

function checkText(value: unknown, path: string): void {
  if (value === undefined || typeof value === 'string') return;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return;
  fail(path, 'must be a string or an array of strings', value);
}

function checkCount(value: unknown, path: string, minimum: number, required = false): void {
  if (value === undefined && !required) return;
  if (typeof value === 'number' && Number.isInteger(value) && value >= minimum) return;
  fail(
    path,
    minimum === 0 ? 'must be a non-negative integer' : 'must be a positive integer',
    value,
  );
}

function checkDuration(value: unknown, path: string): void {
  if (value === undefined) return;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return;
  fail(path, 'must be a finite number of milliseconds, 0 or more', value);
}

function fail(path: string, rule: string, value: unknown): never {
  throw new AgentryError({
    code: 'validation_failed',
    message: `Mock turn field ${path} ${rule}; got ${describe(value)}. Fix the turn in the script or the respond function.`,
    details: { path, received: describe(value) },
    suggestions: [`Set ${path} to a value that ${rule.replace(/^must be/, 'is')}.`],
  });
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) {
    return Array.isArray(value) ? 'an array' : `an object (${value.constructor?.name ?? 'Object'})`;
  }
  return String(value);
}
