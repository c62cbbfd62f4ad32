/**
 * Agent runtime benchmarks, against the targets of the agent-runtime work:
 * 1. one `send` turn on an instant model adds at most 15 µs (median) over calling the model directly;
 * 2. an idle agent retains at most 3 KB of heap;
 * 3. 100,000 agents can be created and held in one process.
 *
 * Method: the compiled benchmark runs on the built packages under plain `node` (a TypeScript loader
 * would slow both sides and hide the overhead). The same instant in-process model (it streams one text part and ends) is called directly
 * and through an agent, interleaved in batches so that both see the same machine state; each batch
 * runs 200 calls of one kind and records the mean per call; the figure is the median over batches.
 * Agents are renewed every 20 turns so the conversation stays short, as in a chat turn.
 *
 * The instant model does not read `options.signal`, so the agent never makes the run's
 * `AbortSignal` (it is made on first read). A second, informational pair uses a model that reads
 * the signal, as every HTTP provider does, called directly with a signal of its own: both sides
 * then pay for one `AbortSignal`, which costs a few microseconds on Node.js 20.
 */
import { createAgent, type LanguageModel } from '@agentry/core';
import {
  heapAfterGc,
  instantModel as model,
  instantParts as parts,
  median,
} from './instant-model.js';

/** The same model, but it reads the call's signal before answering, as an HTTP provider would. */
const signalReadingModel: LanguageModel = {
  ...model,
  // eslint-disable-next-line @typescript-eslint/require-await
  async *stream(_request, options) {
    if (options?.signal?.aborted) throw new Error('aborted');
    for (const part of parts) yield part;
  },
};

async function direct(target: LanguageModel, calls: number, withSignal: boolean): Promise<number> {
  const started = process.hrtime.bigint();
  for (let index = 0; index < calls; index += 1) {
    let text = '';
    const options = withSignal ? { signal: new AbortController().signal } : {};
    for await (const part of target.stream(
      { messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] },
      options,
    )) {
      if (part.type === 'text-delta') text += part.delta;
    }
    if (text !== 'ok') throw new Error('unexpected answer');
  }
  return Number(process.hrtime.bigint() - started) / 1000 / calls;
}

async function viaAgent(target: LanguageModel, calls: number): Promise<number> {
  let agent = createAgent({ model: target });
  const started = process.hrtime.bigint();
  for (let index = 0; index < calls; index += 1) {
    if (index % 20 === 19) agent = createAgent({ model: target });
    const result = await agent.send('hi');
    if (result.text !== 'ok') throw new Error('unexpected answer');
  }
  return Number(process.hrtime.bigint() - started) / 1000 / calls;
}

async function turnOverhead(target: LanguageModel, withSignal: boolean) {
  for (let warm = 0; warm < 60; warm += 1) {
    await direct(target, 200, withSignal);
    await viaAgent(target, 200);
  }
  const directTimes: number[] = [];
  const agentTimes: number[] = [];
  for (let batch = 0; batch < 40; batch += 1) {
    directTimes.push(await direct(target, 200, withSignal));
    agentTimes.push(await viaAgent(target, 200));
  }
  const overhead = median(agentTimes) - median(directTimes);
  return { direct: median(directTimes), agent: median(agentTimes), overhead };
}

function idleAgentBytes(count: number): number {
  const held: unknown[] = [];
  const before = heapAfterGc();
  for (let index = 0; index < count; index += 1) held.push(createAgent({ model }));
  const after = heapAfterGc();
  if (held.length !== count) throw new Error('lost agents');
  return (after - before) / count;
}

function hold(count: number): { seconds: number; heapMb: number } {
  const started = process.hrtime.bigint();
  const held = Array.from({ length: count }, () => createAgent({ model }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const heapMb = heapAfterGc() / 1024 / 1024;
  if (held.length !== count || held[count - 1]?.lifecycle !== 'idle')
    throw new Error('agents not held');
  return { seconds, heapMb };
}

if (!globalThis.gc) throw new Error('Run with node --expose-gc (the bench script does).');
const turn = await turnOverhead(model, false);
const signalTurn = await turnOverhead(signalReadingModel, true);
const bytes = idleAgentBytes(10_000);
const many = hold(100_000);

const rows = [
  ['send turn overhead (median, µs)', turn.overhead.toFixed(2), '<= 15', turn.overhead <= 15],
  ['  direct model call (median, µs)', turn.direct.toFixed(2), '', true],
  ['  agent send turn (median, µs)', turn.agent.toFixed(2), '', true],
  ['  overhead, model reads signal (µs)', signalTurn.overhead.toFixed(2), '', true],
  ['    direct call with a signal (µs)', signalTurn.direct.toFixed(2), '', true],
  ['idle agent heap (bytes)', bytes.toFixed(0), '<= 3072', bytes <= 3072],
  ['100,000 agents created (s)', many.seconds.toFixed(2), 'completes', true],
  ['  heap holding them (MB)', many.heapMb.toFixed(1), '', true],
] as const;
for (const [name, value, target, ok] of rows)
  console.log(`${ok ? 'ok  ' : 'MISS'} ${name.padEnd(34)} ${value.padStart(10)}  ${target}`);
if (rows.some(([, , , ok]) => !ok)) process.exitCode = 1;
