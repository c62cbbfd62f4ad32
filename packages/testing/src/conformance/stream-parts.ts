import type {
  ModelResponse,
  ModelStreamPart,
  ReasoningPart,
  TextPart,
  ToolCallPart,
} from '@agentry/core';

/**
 * The parts as one short line each, for failure messages: `text-delta(t0, "Hello ")`.
 *
 * @internal
 */
export function describeParts(parts: readonly ModelStreamPart[]): string {
  if (parts.length === 0) return '(no parts)';
  const lines = parts.map((part, index) => `  ${index + 1}. ${describePart(part)}`);
  const shown = lines.length > 24 ? [...lines.slice(0, 12), '  …', ...lines.slice(-8)] : lines;
  return shown.join('\n');
}

function describePart(part: ModelStreamPart): string {
  switch (part.type) {
    case 'text-start':
    case 'text-end':
    case 'reasoning-start':
    case 'reasoning-end':
      return `${part.type}(${part.id})`;
    case 'text-delta':
    case 'reasoning-delta':
      return `${part.type}(${part.id}, ${JSON.stringify(part.delta)})`;
    case 'tool-call-start':
      return `tool-call-start(${part.toolCallId}, ${part.toolName})`;
    case 'tool-call-delta':
      return `tool-call-delta(${part.toolCallId}, ${JSON.stringify(part.delta)})`;
    case 'tool-call-end':
      return `tool-call-end(${part.toolCallId}, ${part.toolName}, ${JSON.stringify(part.input)})`;
    case 'response-end':
      return `response-end(${part.finishReason}, ${JSON.stringify(part.usage)})`;
    case 'error':
      return `error(${part.error.code}: ${part.error.message})`;
  }
}

/**
 * The ways parts break the order of the model contract: a delta or end before its start or after
 * its end, a block started twice, a part after `response-end` or `error`, a block still open at
 * `response-end`, a `tool-call-end` naming another tool than its start. Empty when in order.
 *
 * @internal
 */
export function findOrderProblems(parts: readonly ModelStreamPart[]): string[] {
  const problems: string[] = [];
  const blocks = new Map<string, { ended: boolean }>();
  const calls = new Map<string, { toolName: string; ended: boolean }>();
  let last: string | undefined;

  const blockPart = (kind: 'text' | 'reasoning', id: string, step: string, at: string): void => {
    const block = blocks.get(`${kind}:${id}`);
    if (step === 'start') {
      if (block === undefined) blocks.set(`${kind}:${id}`, { ended: false });
      else
        problems.push(`${kind}-start of block "${id}" (${at}) starts a block that already started`);
    } else if (block === undefined) {
      problems.push(`${kind}-${step} of block "${id}" (${at}) came before its ${kind}-start`);
    } else if (block.ended) {
      problems.push(`${kind}-${step} of block "${id}" (${at}) came after its ${kind}-end`);
    } else if (step === 'end') {
      block.ended = true;
    }
  };

  parts.forEach((part, index) => {
    const at = `part ${index + 1} of ${parts.length}`;
    if (last !== undefined) {
      problems.push(
        `${part.type} (${at}) came after ${last}, which must be the stream's last part`,
      );
    }
    switch (part.type) {
      case 'text-start':
      case 'text-delta':
      case 'text-end':
        blockPart('text', part.id, part.type.slice('text-'.length), at);
        break;
      case 'reasoning-start':
      case 'reasoning-delta':
      case 'reasoning-end':
        blockPart('reasoning', part.id, part.type.slice('reasoning-'.length), at);
        break;
      case 'tool-call-start':
        if (calls.has(part.toolCallId)) {
          problems.push(`tool-call-start of call "${part.toolCallId}" (${at}) starts it twice`);
        } else {
          calls.set(part.toolCallId, { toolName: part.toolName, ended: false });
        }
        break;
      case 'tool-call-delta':
      case 'tool-call-end': {
        const call = calls.get(part.toolCallId);
        if (call === undefined) {
          problems.push(
            `${part.type} of call "${part.toolCallId}" (${at}) came before its tool-call-start`,
          );
        } else if (call.ended) {
          problems.push(
            `${part.type} of call "${part.toolCallId}" (${at}) came after its tool-call-end`,
          );
        } else if (part.type === 'tool-call-end') {
          call.ended = true;
          if (part.toolName !== call.toolName) {
            problems.push(
              `tool-call-end of call "${part.toolCallId}" (${at}) names tool "${part.toolName}", but its tool-call-start named "${call.toolName}"`,
            );
          }
        }
        break;
      }
      case 'response-end':
        last = 'response-end';
        for (const [key, block] of blocks) {
          if (!block.ended)
            problems.push(
              `the ${key.replace(':', ' block "')}" was still open at response-end (${at})`,
            );
        }
        for (const [id, call] of calls) {
          if (!call.ended)
            problems.push(`tool call "${id}" had no tool-call-end before response-end (${at})`);
        }
        break;
      case 'error':
        last = 'an error part';
        break;
    }
  });
  return problems;
}

/**
 * The content a stream produced, as `generate` should return it: text, reasoning and tool-call
 * parts in the order they began, each text and reasoning block joined from its deltas and each
 * tool call's input taken from its `tool-call-end`.
 *
 * @internal
 */
export function contentOf(parts: readonly ModelStreamPart[]): ModelResponse['content'] {
  const content: ModelResponse['content'] = [];
  const blocks = new Map<string, TextPart | ReasoningPart>();
  const calls = new Map<string, ToolCallPart>();
  for (const part of parts) {
    switch (part.type) {
      case 'text-start':
      case 'reasoning-start': {
        const block: TextPart | ReasoningPart =
          part.type === 'text-start' ? { type: 'text', text: '' } : { type: 'reasoning', text: '' };
        blocks.set(`${block.type}:${part.id}`, block);
        content.push(block);
        break;
      }
      case 'text-delta':
      case 'reasoning-delta': {
        const block = blocks.get(`${part.type === 'text-delta' ? 'text' : 'reasoning'}:${part.id}`);
        if (block !== undefined) block.text += part.delta;
        break;
      }
      case 'reasoning-end': {
        const block = blocks.get(`reasoning:${part.id}`);
        if (block?.type === 'reasoning' && part.providerMetadata !== undefined) {
          block.providerMetadata = part.providerMetadata;
        }
        break;
      }
      case 'tool-call-start': {
        const call: ToolCallPart = {
          type: 'tool-call',
          toolCallId: part.toolCallId,
          toolName: part.toolName,
          input: '',
        };
        calls.set(part.toolCallId, call);
        content.push(call);
        break;
      }
      case 'tool-call-end': {
        const call = calls.get(part.toolCallId);
        if (call !== undefined) call.input = part.input;
        break;
      }
      case 'text-end':
      case 'tool-call-delta':
      case 'response-end':
      case 'error':
        break;
    }
  }
  // Empty text blocks carry nothing; the agent drops them too.
  return content.filter((part) => part.type !== 'text' || part.text !== '');
}

/**
 * The text of all text blocks, joined.
 *
 * @internal
 */
export function textOf(parts: readonly ModelStreamPart[]): string {
  return parts.map((part) => (part.type === 'text-delta' ? part.delta : '')).join('');
}
