/**
 * One agent with one tool on OpenAI, through `@agentry/core` and `@agentry/openai` installed from
 * npm (or from packed tarballs before a release).
 *
 * Against the provider emulator, offline and without a key:
 *   npm run emulator                     (in a second terminal; it answers one run, then restart it)
 *   OPENAI_BASE_URL=http://127.0.0.1:8787/openai/v1 OPENAI_API_KEY=emulator npm start
 * Against OpenAI: set OPENAI_API_KEY and leave OPENAI_BASE_URL unset.
 */
import { AgentryError, createAgent } from '@agentry/core';
import { createOpenAI } from '@agentry/openai';
import { weather } from './weather.js';

const question = process.argv.slice(2).join(' ') || 'What is the weather in Lisbon?';
const endpoint = process.env.OPENAI_BASE_URL;

// The key is read from OPENAI_API_KEY on each call; `endpoint` points the official SDK elsewhere.
const openai = createOpenAI(endpoint ? { endpoint } : {});
const agent = createAgent({
  model: openai.createModel(process.env.OPENAI_MODEL ?? 'gpt-5.4-mini'),
  instructions: 'Answer in one sentence. Call get_weather for the weather in a city.',
  tools: [weather],
});

try {
  console.log(`> ${question}`);
  const run = agent.send(question);
  for await (const part of run) {
    if (part.type === 'text-delta') process.stdout.write(part.delta);
    if (part.type === 'tool-call-end') console.log(`[tool] ${part.toolName} ${part.input}`);
    if (part.type === 'tool-response') {
      const label = part.result.isError === true ? 'tool error' : 'result';
      console.log(`[${label}] ${JSON.stringify(part.result.output)}`);
    }
  }
  const result = await run;
  console.log(
    `\n(${result.stepCount} steps, ${result.usage.totalTokens} tokens, finish: ${result.finishReason})`,
  );
} catch (error) {
  if (!AgentryError.isInstance(error)) throw error;
  // Every failure is an AgentryError with a stable code, a message and what to do about it.
  console.error(`\n${error.code}: ${error.message}`);
  for (const suggestion of error.suggestions) console.error(`  - ${suggestion}`);
  process.exitCode = 1;
} finally {
  await agent.shutdown();
  await openai.close();
}
