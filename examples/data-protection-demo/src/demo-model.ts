/**
 * A stand-in for a real model, so the demo runs offline and the same way every time: it
 * acknowledges what it is told, and, asked what it was told, quotes the first message of the
 * conversation it was given (so it answers from the stored conversation, or not at all).
 */
import { createMockModel, mockText } from '@agentry/testing';

export const demoModel = createMockModel({
  modelId: 'gpt-4o',
  respond(request) {
    const said = request.messages
      .filter((message) => message.role === 'user')
      .map((message) =>
        typeof message.content === 'string'
          ? message.content
          : message.content.map((part) => (part.type === 'text' ? part.text : '')).join(''),
      );
    const last = said.at(-1) ?? '';
    if (/what did I tell you/i.test(last) && said.length > 1)
      return mockText(`You told me: "${said[0]}"`);
    return mockText('Noted.');
  },
});
