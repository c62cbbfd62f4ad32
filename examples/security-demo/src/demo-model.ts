/**
 * A stand-in for a real model, so the demo runs offline and the same way every time: it turns
 * "read r-2" into a read_record call and "delete r-1" into a delete_record call, then reports the
 * tool's result in words.
 */
import { createMockModel, mockText, mockToolCall } from '@agentry/testing';

export const demoModel = createMockModel({
  modelId: 'gpt-4o',
  respond(request) {
    const last = request.messages.at(-1);
    if (last?.role === 'tool') {
      const result = last.content[0];
      const output = result?.type === 'tool-result' ? JSON.stringify(result.output) : '';
      return mockText(`The tool answered: ${output}`);
    }
    const content = last?.content ?? [];
    const text =
      typeof content === 'string'
        ? content
        : content.map((part) => (part.type === 'text' ? part.text : '')).join('');
    const match = /\b(read|delete) (r-\d+)/.exec(text);
    if (!match) return mockText(`You said: ${text}`);
    return mockToolCall(match[1] === 'read' ? 'read_record' : 'delete_record', { id: match[2] });
  },
});
