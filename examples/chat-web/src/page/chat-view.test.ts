import { describe, expect, it } from 'vitest';
import {
  answerText,
  applyChatEvent,
  applyChatGap,
  emptyChatView,
  type ChatView,
} from './chat-view.js';

const apply = (events: readonly unknown[], from: ChatView = emptyChatView): ChatView =>
  events.reduce<ChatView>((view, event) => applyChatEvent(view, event), from);

const started = [
  { type: 'RUN_STARTED', threadId: 't-1', runId: 'r-1' },
  { type: 'TEXT_MESSAGE_START', messageId: 'u-1', role: 'user' },
  { type: 'TEXT_MESSAGE_CONTENT', messageId: 'u-1', delta: 'Hello?' },
  { type: 'TEXT_MESSAGE_END', messageId: 'u-1' },
  { type: 'TEXT_MESSAGE_START', messageId: 'a-1', role: 'assistant' },
  { type: 'TEXT_MESSAGE_CONTENT', messageId: 'a-1', delta: 'A durable ' },
];

describe('chat view', () => {
  describe('applyChatEvent', () => {
    it('streams the assistant’s text delta by delta, apart from the user’s message', () => {
      const view = apply(started);
      expect(view.status).toBe('running');
      expect(answerText(view)).toBe('A durable ');
      const next = apply(
        [{ type: 'TEXT_MESSAGE_CONTENT', messageId: 'a-1', delta: 'stream.' }],
        view,
      );
      expect(answerText(next)).toBe('A durable stream.');
      expect(answerText(view)).toBe('A durable ');
    });

    it('ends the run on RUN_FINISHED, and with the error on RUN_ERROR', () => {
      expect(
        apply([...started, { type: 'RUN_FINISHED', threadId: 't-1', runId: 'r-1' }]).status,
      ).toBe('finished');
      const failed = apply([
        ...started,
        { type: 'RUN_ERROR', message: 'The process stopped.', code: 'aborted' },
      ]);
      expect(failed.status).toBe('failed');
      expect(failed.error).toEqual({ message: 'The process stopped.', code: 'aborted' });
      expect(answerText(failed)).toBe('A durable ');
    });

    it('drops what a failed model attempt streamed', () => {
      const view = apply([
        ...started,
        {
          type: 'CUSTOM',
          name: 'agentry.model-error',
          value: { code: 'provider_unavailable', willRetry: true, discardedMessageIds: ['a-1'] },
        },
        { type: 'TEXT_MESSAGE_START', messageId: 'a-2', role: 'assistant' },
        { type: 'TEXT_MESSAGE_CONTENT', messageId: 'a-2', delta: 'A retried answer.' },
      ]);
      expect(answerText(view)).toBe('A retried answer.');
      expect(view.messages.map((message) => message.id)).toEqual(['u-1', 'a-2']);
    });

    it('keeps the server’s own gap notices, and ignores what it does not know', () => {
      const view = apply([
        ...started,
        {
          type: 'CUSTOM',
          name: 'agentry.gap',
          value: { lost: 3, message: '3 event(s) could not be written.' },
        },
        { type: 'CUSTOM', name: 'agentry.usage', value: {} },
        { type: 'STATE_DELTA', delta: [] },
        'not an event',
        null,
      ]);
      expect(view.notices).toEqual(['3 event(s) could not be written.']);
      expect(answerText(view)).toBe('A durable ');
    });
  });

  describe('applyChatGap', () => {
    it('rebuilds the messages from the snapshot and records the gap', () => {
      const before = apply(started);
      const snapshot = [
        {
          type: 'MESSAGES_SNAPSHOT',
          messages: [
            { id: 'u-1', role: 'user', content: 'Hello?' },
            { id: 'a-1', role: 'assistant', content: 'A durable stream keeps' },
          ],
        },
      ];
      const view = applyChatGap(before, {
        reason: 'retention',
        snapshot: { offset: '000000000001_0000000000000042', data: JSON.stringify(snapshot) },
      });
      expect(answerText(view)).toBe('A durable stream keeps');
      expect(view.gaps).toEqual([
        { reason: 'retention', snapshotOffset: '000000000001_0000000000000042' },
      ]);
      expect(view.status).toBe('running');
      // What follows the snapshot continues the same message.
      const next = apply(
        [{ type: 'TEXT_MESSAGE_CONTENT', messageId: 'a-1', delta: ' every event.' }],
        view,
      );
      expect(answerText(next)).toBe('A durable stream keeps every event.');
    });

    it('records a gap without a snapshot and keeps what the page had', () => {
      const view = applyChatGap(apply(started), { reason: 'epoch' });
      expect(view.gaps).toEqual([{ reason: 'epoch', snapshotOffset: undefined }]);
      expect(answerText(view)).toBe('A durable ');
    });
  });
});
