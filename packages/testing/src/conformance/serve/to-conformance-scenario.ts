import { resolveFailure } from '../../emulator/emulator-errors.js';
import type { EmulatorFailure } from '../../emulator/emulator-types.js';
import { normalizeReply } from '../../emulator/normalize-reply.js';
import { streamCut } from '../../emulator/stream-cut.js';
import type {
  ConformanceFailure,
  ConformanceRequest,
  ConformanceScenario,
  ConformanceTurn,
} from './serve-types.js';

/**
 * The scenario your `serve` is asked to encode for one scripted turn, as the provider conformance
 * kit builds it: a failure with its error type and message worked out, or a reply normalized as
 * the built-in wire formats see it (text and reasoning pieces, tool calls with ids and argument
 * pieces, usage filled in, a response id), with the cut the kit applies to its stream. A cut's
 * event count is the turn's own; the kit clamps it to the events `serve` returns. Use it to
 * unit-test your encoder against {@link conformanceScenarios}.
 *
 * @param turn - a scripted turn, such as `conformanceScenarios.parallelToolCalls`
 * @param request - the request it answers; its `body` sizes the default input token count
 * @example
 * ```ts
 * import { conformanceScenarios, toConformanceScenario } from '@agentry/testing';
 *
 * const scenario = toConformanceScenario(conformanceScenarios.resetMidStream, { body: {} });
 * scenario.kind === 'reply' && scenario.fault; // { kind: 'reset', afterEvents: 5 }
 * ```
 */
export function toConformanceScenario(
  turn: ConformanceTurn,
  request: Pick<ConformanceRequest, 'body'>,
): ConformanceScenario {
  if (turn.kind === 'error') return { kind: 'error', failure: toFailure(turn) };
  const cut = streamCut(turn, Number.MAX_SAFE_INTEGER);
  return {
    kind: 'reply',
    reply: normalizeReply(turn, request),
    fault:
      cut === undefined
        ? undefined
        : cut.kind === 'error'
          ? { kind: 'error', afterEvents: cut.afterEvents, failure: toFailure(cut.failure) }
          : { kind: cut.kind, afterEvents: cut.afterEvents },
  };
}

function toFailure(failure: EmulatorFailure): ConformanceFailure {
  const { status, error, message, headers } = resolveFailure(failure);
  return { status, error, message, headers: { ...headers } };
}
