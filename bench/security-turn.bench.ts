/**
 * Security turn benchmark, against the target of the access-control work: an agent turn with one
 * tool call, sent on behalf of a user through `@agentry/security` (the send and the tool call
 * authorized by a policy, the send admitted by an in-memory rate limit), adds at most 10 µs
 * (median) over the same turn in an instance without security.
 *
 * Both instances are made by `createAgentry` with the same instant in-process model, which answers
 * a user message with a tool call and a tool result with `ok`; both agents have the same tool and
 * the same scope. The secured instance's policy grants the user the send, the tool and nothing
 * else of note; its limit is far above the rate of the loop, so no turn waits. The decision cache
 * is off (the default), so every decision is made afresh.
 *
 * Method: batches of 200 turns run in pairs, one batch on each instance back to back (which goes
 * first alternates); each batch records the CPU time (user and system) per turn, which other
 * processes on the machine do not inflate, and the figure is the median of the 80 paired
 * differences. The compiled benchmark runs on the built packages under plain `node`.
 */
import { randomUUID } from 'node:crypto';
import {
  createAgentry,
  defineTool,
  type Agent,
  type Agentry,
  type LanguageModel,
  type ModelRequest,
  type ModelStreamPart,
} from '@agentry/core';
import { security } from '@agentry/security';
import { createMockProvider, providerConfiguration } from '@agentry/testing';
import { z } from 'zod';
import { instantModel, median } from './instant-model.js';

const usage = { inputTokens: 1, outputTokens: 1, totalTokens: 2 };
const callParts: readonly ModelStreamPart[] = [
  { type: 'tool-call-start', toolCallId: 'c1', toolName: 'lookup' },
  { type: 'tool-call-end', toolCallId: 'c1', toolName: 'lookup', input: '{"q":"x"}' },
  { type: 'response-end', finishReason: 'tool-calls', usage },
];
const answerParts: readonly ModelStreamPart[] = [
  { type: 'text-start', id: 't' },
  { type: 'text-delta', id: 't', delta: 'ok' },
  { type: 'text-end', id: 't' },
  { type: 'response-end', finishReason: 'stop', usage },
];

/** Calls `lookup` for a user message, answers `ok` to its result; never waits on anything. */
const toolModel: LanguageModel = {
  ...instantModel,
  modelId: 'gpt-4o',
  // eslint-disable-next-line @typescript-eslint/require-await
  async *stream(request: ModelRequest) {
    const parts = request.messages.at(-1)?.role === 'tool' ? answerParts : callParts;
    for (const part of parts) yield part;
  },
};

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks something up.',
  input: z.object({ q: z.string() }),
  execute: () => ({ found: true }),
});

const base = providerConfiguration({
  type: 'openai',
  model: 'gpt-4o',
  authentication: { type: 'api_key', configuration: { apiKey: '${env:MOCK_KEY}' } },
});
const securitySection = {
  encryption: { algorithm: 'AES-256-GCM', keyRotation: false, atRest: false, inTransit: false },
  accessControl: {
    rbac: true,
    subjects: { alice: ['member'] },
    permissions: [
      { id: 'talk', roles: ['member'], resource: 'agents:*', actions: ['update'] },
      { id: 'lookup', roles: ['member'], resource: 'tools:lookup', actions: ['read'] },
    ],
    rateLimiting: {
      enabled: true,
      requestsPerMinute: 100_000_000,
      burstLimit: 100_000_000,
      penaltyStrategy: 'reject',
    },
  },
  auditLogging: false,
  dataMasking: false,
};

async function instance(secured: boolean): Promise<{ agentry: Agentry; agent: Agent }> {
  const agentry = await createAgentry({
    config: secured ? { ...base, security: securitySection } : base,
    env: { MOCK_KEY: ['mock', randomUUID()].join('-') },
    plugins: [
      { name: 'instant', version: '1.0.0', providers: [createMockProvider({ model: toolModel })] },
      ...(secured ? [security()] : []),
    ],
  });
  const agent = agentry.createAgent({ tools: [lookup], context: { permissions: ['tools:*'] } });
  return { agentry, agent };
}

async function turns(target: { agentry: Agentry; agent: Agent }, count: number): Promise<number> {
  const principal = { id: 'alice' };
  const started = process.cpuUsage();
  for (let index = 0; index < count; index += 1) {
    // A fresh agent every 20 turns keeps the conversation short, as in a chat turn.
    if (index % 20 === 19)
      target.agent = target.agentry.createAgent({
        tools: [lookup],
        context: { permissions: ['tools:*'] },
      });
    const result = await target.agent.send('look it up', { principal }).result;
    if (result.text !== 'ok') throw new Error('unexpected answer');
  }
  const used = process.cpuUsage(started);
  return (used.user + used.system) / count;
}

const plain = await instance(false);
const secured = await instance(true);
// The instances alternate which goes first, so that neither always follows the other's garbage.
const batch = async (first: typeof plain, second: typeof plain) => {
  const a = await turns(first, 200);
  const b = await turns(second, 200);
  return [a, b] as const;
};
for (let warm = 0; warm < 30; warm += 1) await batch(plain, secured);
const plainTimes: number[] = [];
const securedTimes: number[] = [];
const differences: number[] = [];
for (let round = 0; round < 80; round += 1) {
  const swap = round % 2 === 1;
  const [a, b] = swap ? await batch(secured, plain) : await batch(plain, secured);
  const [plainTime, securedTime] = swap ? [b, a] : [a, b];
  plainTimes.push(plainTime);
  securedTimes.push(securedTime);
  differences.push(securedTime - plainTime);
}
await plain.agentry.shutdown();
await secured.agentry.shutdown();

// The median of the paired differences: each pair ran back to back on the same machine state.
const overhead = median(differences);
const rows = [
  ['security on a tool turn (median, µs)', overhead.toFixed(2), '<= 10', overhead <= 10],
  ['  turn without security (µs, floor)', median(plainTimes).toFixed(2), '', true],
  ['  turn with security (µs)', median(securedTimes).toFixed(2), '', true],
] as const;
for (const [name, value, target, ok] of rows)
  console.log(`${ok ? 'ok  ' : 'MISS'} ${name.padEnd(38)} ${value.padStart(10)}  ${target}`);
if (rows.some(([, , , ok]) => !ok)) process.exitCode = 1;
