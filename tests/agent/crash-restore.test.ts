import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineTool, restoreAgent } from '@agentry/core';
import { createMockModel, mockText } from '@agentry/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createFileStore } from './__fixtures__/file-store.js';

const script = fileURLToPath(new URL('./__fixtures__/crashing-agent.ts', import.meta.url));
let directory: string | undefined;
afterEach(() => directory && rmSync(directory, { recursive: true, force: true }));

describe('restoreAgent after a crash', () => {
  it('brings back, in a new process, everything a SIGKILLed process had completed', async () => {
    directory = mkdtempSync(join(tmpdir(), 'agentry-crash-'));
    const child = spawn(
      process.execPath,
      ['--conditions=@agentry/source', '--import', 'tsx', script, directory],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('waiting')) resolve();
      });
      child.on('exit', () => reject(new Error(`the child ended early: ${output}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const id = output.split('\n')[0]!;
    const note = defineTool({
      name: 'note',
      description: 'Notes.',
      input: z.object({ text: z.string() }),
      execute: ({ text }) => ({ noted: text }),
    });
    const agent = await restoreAgent(id, {
      store: createFileStore(directory),
      model: createMockModel({ script: [mockText('back again')] }),
      tools: [note],
    });
    expect(agent.interrupted).toBe(true);
    expect(agent.state.messages.map((message) => [message.type, message.content])).toEqual([
      ['user', 'hello'],
      ['agent', 'first answer'],
      ['user', 'remember this'],
      ['agent', ''],
      ['agent', ''],
    ]);
    expect(agent.state.messages[4]?.metadata).toMatchObject({
      role: 'tool',
      parts: [{ type: 'tool-result', toolName: 'note', output: { noted: 'keep me' } }],
    });
    expect(agent.performance.requestsCompleted).toBe(1);
    const answer = await agent.send('and now?');
    expect(answer.text).toBe('back again');
  }, 30_000);
});
