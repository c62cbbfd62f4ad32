/**
 * Run in a child process: an agent with a file store answers one turn, then starts a second turn
 * whose tool step completes and whose next model call never answers. It prints its id and
 * "waiting" so the parent can kill it there.
 */
import { createAgent, defineTool } from '@agentry/core';
import { createMockModel, mockText, mockToolCall } from '@agentry/testing';
import { z } from 'zod';
import { createFileStore } from './file-store.js';

const directory = process.argv[2];
if (!directory) throw new Error('usage: crashing-agent <store directory>');
const note = defineTool({
  name: 'note',
  description: 'Notes.',
  input: z.object({ text: z.string() }),
  execute: ({ text }) => ({ noted: text }),
});
let calls = 0;
const model = createMockModel({
  respond: () => {
    calls += 1;
    if (calls === 3) process.stdout.write('waiting\n');
    return calls === 1
      ? mockText('first answer')
      : calls === 2
        ? mockToolCall('note', { text: 'keep me' })
        : { text: 'never', delayMs: 3_600_000 };
  },
});
const agent = createAgent({ model, tools: [note], store: createFileStore(directory) });
process.stdout.write(`${agent.id}\n`);
await agent.send('hello');
await agent.send('remember this');
