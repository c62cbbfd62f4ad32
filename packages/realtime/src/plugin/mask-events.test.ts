import { describe, expect, it } from 'vitest';
import { definePlugin, services, type Agentry, type Masker, type MaskStream } from '@agentry/core';
import { mockText, mockToolCall } from '@agentry/testing';
import { realtimeChannels } from './channel-names.js';
import { lookup, readAll, realtimeInstance } from './__fixtures__/realtime-instance.js';

// Built at run time: a made-up credential the test masker hides.
const canary = ['CANARY', 'x9Q2', 'z7W4'].join('-');
const hide = (text: string) => text.split(canary).join('[SECRET]');

/** Holds back the last canary.length - 1 characters, so a canary split across chunks is caught. */
function holdBack(): MaskStream {
  let held = '';
  return {
    push(chunk) {
      const text = hide(held + chunk);
      const keep = Math.min(text.length, canary.length - 1);
      held = text.slice(text.length - keep);
      return text.slice(0, text.length - keep);
    },
    flush() {
      const rest = hide(held);
      held = '';
      return rest;
    },
  };
}

function maskerPlugin(options: { streams: boolean; throws?: boolean }) {
  const masker: Masker = {
    mask<T>(value: T): T {
      if (options.throws === true) throw new Error('masker down');
      return JSON.parse(hide(JSON.stringify(value))) as T;
    },
    ...(options.streams ? { stream: () => holdBack() } : {}),
  };
  return definePlugin({
    name: 'test-masker',
    version: '1.0.0',
    setup: (host) => host.provide(services.masker, masker),
  });
}

async function runOnce(agentry: Agentry) {
  const agent = agentry.createAgent({ tools: [lookup] });
  const run = agent.send(`look up ${canary}`);
  await run.result.catch(() => undefined);
  await agentry.realtime.close();
  return readAll(agentry.realtime.log, realtimeChannels.run(run.id));
}

describe('realtime masking', () => {
  it('masks every event before the log, a canary split across deltas included', async () => {
    const { agentry, errors } = await realtimeInstance({
      script: [
        mockToolCall('lookup', { query: canary }),
        mockText(['the key ', canary.slice(0, 5), canary.slice(5, 9), `${canary.slice(9)} is set`]),
      ],
      plugins: [maskerPlugin({ streams: true })],
    });
    try {
      const entries = await runOnce(agentry);
      const text = JSON.stringify(entries);
      expect(text).not.toContain(canary);
      expect(text).toContain('[SECRET]');
      const answer = entries
        .filter((entry) => entry.type === 'TEXT_MESSAGE_CONTENT')
        .map((entry) => entry.delta)
        .join('');
      expect(answer).toContain('the key [SECRET] is set');
      // The held tail comes out before its message ends.
      entries.forEach((entry, at) => {
        if (entry.type !== 'TEXT_MESSAGE_END') return;
        const later = entries.slice(at + 1);
        expect(later.some((next) => next.messageId === entry.messageId)).toBe(false);
      });
      expect(errors).toEqual([]);
    } finally {
      await agentry.shutdown();
    }
  });

  it('masks each chunk on its own when the masker has no streams', async () => {
    const { agentry } = await realtimeInstance({
      script: [mockToolCall('lookup', { query: 'x' }), mockText([`a ${canary} b`])],
      plugins: [maskerPlugin({ streams: false })],
    });
    try {
      const text = JSON.stringify(await runOnce(agentry));
      expect(text).not.toContain(canary);
    } finally {
      await agentry.shutdown();
    }
  });

  it('withholds events the masker throws on and reports it, never sending them unmasked', async () => {
    const { agentry, errors } = await realtimeInstance({
      script: [mockToolCall('lookup', { query: 'x' }), mockText([`a ${canary} b`])],
      plugins: [maskerPlugin({ streams: false, throws: true })],
    });
    try {
      const entries = await runOnce(agentry);
      expect(JSON.stringify(entries)).not.toContain(canary);
      expect(errors.some((error) => /masker threw/.test(error.message))).toBe(true);
      expect(errors.every((error) => !error.message.includes('masker down'))).toBe(true);
    } finally {
      await agentry.shutdown();
    }
  });

  it('masks values published to user channels', async () => {
    const { agentry } = await realtimeInstance({ plugins: [maskerPlugin({ streams: false })] });
    try {
      await agentry.realtime.publish('app/notes', { note: canary });
      const entries = await readAll(agentry.realtime.log, 'app/notes');
      expect(entries).toEqual([{ note: '[SECRET]' }]);
    } finally {
      await agentry.shutdown();
    }
  });
});
