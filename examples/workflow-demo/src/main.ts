/**
 * The workflow demo: a durable order review journaled in SQLite. One order goes straight through;
 * a large one is reviewed by an agent (OpenAI through the official SDK: the local provider
 * emulator unless OPENAI_API_KEY is set), then waits for a person. The process "restarts" (every
 * object is dropped; only the SQLite file stays), recovers the waiting run, and a manager's
 * decision finishes it without running any finished step again.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentryError, createAgentry } from '@agentry/core';
import { openaiModels, openaiPlugin } from '@agentry/openai';
import { sqliteStore } from '@agentry/store-sqlite';
import { providerConfiguration, startEmulator, type Emulator } from '@agentry/testing';
import { createConfiguredWorkflowRunner, toMermaid, workflows } from '@agentry/workflows';
import { orderHandlers, orderReview } from './order-review.js';

const dim = (text: string) => `\x1b[2m${text}\x1b[0m`;
const bold = (text: string) => `\x1b[1m${text}\x1b[0m`;
const say = (line: string) => console.log(line);

const model = openaiModels.find((info) => info.name === 'gpt-5.4-mini');
if (!model) throw new Error('gpt-5.4-mini is not in the OpenAI catalogue.');
const realKey = process.env.OPENAI_API_KEY;
const emulator: Emulator | undefined = realKey
  ? undefined
  : await startEmulator({
      defaultTurn: { text: 'Nothing unusual: an espresso machine with a matching grinder.' },
    });
// A throwaway key of OpenAI's format, made at run time, when the emulator answers.
const apiKey = realKey ?? `sk-proj-${randomBytes(48).toString('hex').slice(0, 64)}`;
const directory = mkdtempSync(join(tmpdir(), 'agentry-workflow-demo-'));

// One OpenAI entry and its model (the configuration helper of @agentry/testing writes the rest of
// the required sections), plus the workflows section.
const config = {
  ...providerConfiguration({
    type: 'openai',
    model: model.name,
    capabilities: model.capabilities,
    ...(emulator ? { endpoint: emulator.baseURL('openai-responses') } : {}),
    authentication: { type: 'api_key', configuration: { apiKey: '${env:OPENAI_API_KEY}' } },
  }),
  workflows: { workflows: { 'order-review': orderReview }, defaults: { store: 'sqlite' } },
};

/** Everything a process would make at start-up: Agentry, its SQLite store, a runner. */
async function startUp() {
  const agentry = await createAgentry({
    config,
    env: { OPENAI_API_KEY: apiKey },
    plugins: [openaiPlugin(), sqliteStore({ path: join(directory, 'runs.db') }), workflows()],
  });
  const runner = createConfiguredWorkflowRunner({ agentry, handlers: orderHandlers(say) });
  runner.events$.subscribe((event) => {
    if (event.type === 'step-end' && event.stepId) say(dim(`  ✓ ${event.stepId}`));
    if (event.entry?.type === 'step-end' && event.stepId === 'review')
      say(`    agent: ${(event.entry.output as { text: string }).text}`);
    if (event.type === 'step-error' && event.entry?.type === 'step-error')
      say(dim(`  ✗ ${event.stepId}: ${event.entry.error.message}`));
    if (event.type === 'run-suspend') say(dim(`  … ${event.stepId} waits for a person`));
  });
  return {
    runner,
    async stop() {
      await runner.close();
      await agentry.shutdown();
    },
  };
}

try {
  say(bold('The workflow, as a Mermaid diagram'));
  say(dim(toMermaid(orderReview)));

  let process1 = await startUp();
  say(`\n${bold('Order A-1')} ${dim('(40: no review needed)')}`);
  const small = await process1.runner.run('order-review', { orderId: 'A-1' });
  say(`  run ${small.status}`);

  say(
    `\n${bold('Order A-7')} ${dim(`(1,250: reviewed by openai:${model.name} on ${emulator ? 'the local emulator' : 'the real API'})`)}`,
  );
  const large = await process1.runner.run('order-review', { orderId: 'A-7' });
  say(`  run ${large.status}: ${large.waiting?.[0]?.error.message ?? ''}`);

  say(`\n${bold('Restart')} ${dim('every object is dropped; the SQLite file stays')}`);
  await process1.stop();
  process1 = await startUp();
  const report = await process1.runner.recover();
  say(`  recovered: ${report.waiting.length} run waiting for a person`);

  say(`\n${bold("The manager's decision")} ${dim('skip the approval step with its data')}`);
  const done = await process1.runner.resume(
    large.runId,
    { decision: 'skip', data: { approved: true, by: 'manager' } },
    { actor: 'manager', permissions: ['workflows:resume'] },
  );
  say(`  run ${done.status}`);

  say(
    `\n${bold('The journal of order A-7')} ${dim('(fetch and review ran once, before the restart)')}`,
  );
  for (const entry of await process1.runner.journal(large.runId))
    say(dim(`  ${entry.type}${'stepId' in entry && entry.stepId ? ` ${entry.stepId}` : ''}`));
  await process1.stop();
} catch (error) {
  if (!AgentryError.isInstance(error)) throw error;
  console.error(`\n${error.code}: ${error.message}`);
  for (const suggestion of error.suggestions) console.error(`  - ${suggestion}`);
  process.exitCode = 1;
} finally {
  await emulator?.close();
  rmSync(directory, { recursive: true, force: true });
}
