import { createAgent, type LanguageModel } from '@agentry/core';
import { createOpenAI, openaiModels } from '@agentry/openai';
import OpenAI from 'openai';
const url = process.env.URL!;
const apiKey = `sk-proj-${'b'.repeat(64)}`;
const client = new OpenAI({ apiKey, baseURL: url, maxRetries: 0 });
const catalogued = openaiModels.find((i) => i.name === 'gpt-5.4-mini')!;
const provider = createOpenAI({ api: 'chat', apiKey, endpoint: url, models: [{ ...catalogued, capabilities: { ...catalogued.capabilities, maxConcurrency: 128 } }] });
const model: LanguageModel = provider.createModel('gpt-5.4-mini');
const request = [{ role: 'user' as const, content: 'hi' }];
async function raw() { const s = await client.chat.completions.create({ model: 'gpt-5.4-mini', messages: request, stream: true, stream_options: { include_usage: true } }); for await (const _ of s); }
async function modelSig() { for await (const _ of model.stream({ messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] }, { signal: new AbortController().signal })); }
async function agent() { const run = createAgent({ model }).send('hi'); for await (const _ of run); await run; }
const f = { raw, modelSig, agent }[process.argv[2] as 'raw']!;
const n = +process.argv[3]!;
for (let i = 0; i < n; i++) await f();
await provider.close();
