import type { StreamFrame, TurnWriter } from '../../emulator/write-turn.js';
import { writeFrames } from '../../emulator/write-turn.js';
import type { ConformanceAnswer, ConformanceScenario, ConformanceTurn } from './serve-types.js';

/**
 * Writes what an author's `serve` answered: a body with its status and headers, or a stream of
 * events paced by the turn's `chunkDelayMs` and cut short as the scenario's fault says (the
 * answer's `faultEvent` for a malformed or an error fault). Returns what is wrong with the answer,
 * if anything; the response is then a 500 or the stream is destroyed.
 *
 * @example
 * ```ts
 * const problem = await writeAnswer(writer, scenario, await serve(scenario, request), turn);
 * ```
 * @internal
 */
export async function writeAnswer(
  writer: TurnWriter,
  scenario: ConformanceScenario,
  answer: ConformanceAnswer,
  turn: ConformanceTurn,
): Promise<string | undefined> {
  const { response } = writer;
  const shape = checkAnswer(answer);
  if (shape !== undefined) {
    response.statusCode = 500;
    response.end(shape);
    return shape;
  }
  const status = answer.status ?? (scenario.kind === 'error' ? scenario.failure.status : 200);
  response.statusCode = status;
  for (const [name, value] of Object.entries(answer.headers ?? {})) {
    if (value !== undefined) response.setHeader(name, value);
  }

  if (!('events' in answer)) {
    const { body } = answer;
    if (typeof body !== 'string' && !response.hasHeader('content-type')) {
      response.setHeader('content-type', 'application/json');
    }
    response.end(typeof body === 'string' ? body : JSON.stringify(body));
    return undefined;
  }

  response.flushHeaders();
  const fault = scenario.kind === 'reply' ? scenario.fault : undefined;
  const frames: StreamFrame[] = answer.events.map((text) => ({ kind: 'write', text }));
  if (fault === undefined) {
    await writeFrames(writer, frames, turn.kind === 'error' ? undefined : turn.chunkDelayMs);
    return undefined;
  }
  const at = Math.min(fault.afterEvents, frames.length);
  let problem: string | undefined;
  let last: StreamFrame;
  if (fault.kind === 'reset' || fault.kind === 'stall') {
    last = { kind: fault.kind };
  } else if (typeof answer.faultEvent === 'string') {
    last = { kind: 'last', text: answer.faultEvent };
  } else {
    problem = `the scenario asks for a ${fault.kind === 'error' ? 'vendor error event' : 'malformed event'} after ${fault.afterEvents} event(s), but the answer has no faultEvent; the kit reset the connection instead.`;
    last = { kind: 'reset' };
  }
  await writeFrames(
    writer,
    [...frames.slice(0, at), last],
    turn.kind === 'error' ? undefined : turn.chunkDelayMs,
  );
  return problem;
}

function checkAnswer(answer: unknown): string | undefined {
  if (typeof answer !== 'object' || answer === null) {
    return `serve returned ${String(answer)}; return { body } or { events }.`;
  }
  const record = answer as Record<string, unknown>;
  if ('events' in record) {
    const { events } = record;
    if (!Array.isArray(events) || events.some((event) => typeof event !== 'string')) {
      return 'serve returned events that are not an array of strings; return each event as the text that goes on the wire.';
    }
    return undefined;
  }
  if (!('body' in record)) {
    return `serve returned an object with neither body nor events (keys: ${Object.keys(record).join(', ') || 'none'}).`;
  }
  return undefined;
}
