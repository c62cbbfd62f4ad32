import { AgentryError } from '../errors/index.js';
import type {
  ContentPart,
  ImagePart,
  ModelMessage,
  ReasoningPart,
  TextPart,
  ToolCallPart,
  ToolResultPart,
} from '../model/index.js';
import type { Message } from '../schemas/message.js';
import { conversationMetadataSchema, type ConversationPart } from './conversation-parts.js';

/**
 * Turns a stored conversation into model-contract messages. User messages replay their text and
 * images; agent messages their text, reasoning and tool calls, or (role `tool`) their tool results;
 * system messages with level `info` replay as instructions; errors and warnings are not sent.
 *
 * @throws AgentryError `validation_failed` when a message's metadata parts are malformed
 * @example
 * ```ts
 * const messages = toModelMessages(agent.state.messages);
 * ```
 */
export function toModelMessages(messages: readonly Message[]): ModelMessage[] {
  const result: ModelMessage[] = [];
  for (const message of messages) {
    const converted = convert(message);
    if (converted !== null) result.push(converted);
  }
  return result;
}

function convert(message: Message): ModelMessage | null {
  if (message.type === 'error' || (message.type === 'system' && message.level !== 'info'))
    return null;
  if (message.type === 'system') return { role: 'system', content: message.content };
  const metadata = readMetadata(message);
  const parts = metadata?.parts;
  if (message.type === 'user') {
    return {
      role: 'user',
      content: parts
        ? parts.map((part) => toUserPart(part, message.id))
        : [{ type: 'text', text: message.content }],
    };
  }
  if (metadata?.role === 'tool')
    return {
      role: 'tool',
      content: (parts ?? []).map((part) => toToolResultPart(part, message.id)),
    };
  return {
    role: 'assistant',
    content: parts
      ? parts.map((part) => toAssistantPart(part, message.id))
      : [{ type: 'text', text: message.content }],
  };
}

/**
 * Turns model-contract content into the parts stored in `metadata.parts`. Bytes become base64 so
 * that the message stays serializable.
 *
 * @example
 * ```ts
 * toConversationParts([{ type: 'text', text: 'hi' }]); // [{ type: 'text', text: 'hi' }]
 * ```
 */
export function toConversationParts(content: readonly ContentPart[]): ConversationPart[] {
  return content.map((part): ConversationPart => {
    switch (part.type) {
      case 'text':
        return { type: 'text', text: part.text };
      case 'image':
        return typeof part.image === 'string'
          ? {
              type: 'image',
              image: part.image,
              encoding: /^(https?|data):/i.test(part.image) ? 'url' : 'base64',
              ...(part.mediaType ? { mediaType: part.mediaType } : {}),
            }
          : {
              type: 'image',
              image: Buffer.from(part.image).toString('base64'),
              encoding: 'base64',
              ...(part.mediaType ? { mediaType: part.mediaType } : {}),
            };
      case 'reasoning':
        return {
          type: 'reasoning',
          text: part.text,
          ...(part.providerMetadata ? { providerMetadata: part.providerMetadata } : {}),
        };
      case 'tool-call':
        return {
          type: 'tool-call',
          toolCallId: part.toolCallId,
          toolName: part.toolName,
          input: part.input,
        };
      case 'tool-result':
        return {
          type: 'tool-result',
          toolCallId: part.toolCallId,
          toolName: part.toolName,
          output: part.output,
          ...(part.isError ? { isError: true } : {}),
        };
    }
  });
}

function readMetadata(message: Message) {
  if (message.metadata === undefined) return undefined;
  const parsed = conversationMetadataSchema.safeParse(message.metadata);
  if (!parsed.success) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `Message ${message.id} has malformed conversation metadata: ${parsed.error.issues[0]?.message ?? 'invalid'}.`,
      details: {
        messageId: message.id,
        issues: parsed.error.issues.map((issue) => ({
          path: issue.path.join('.'),
          message: issue.message,
        })),
      },
      suggestions: [
        'Write message metadata through the agent, or follow conversationMetadataSchema.',
      ],
    });
  }
  return parsed.data;
}

function wrongPart(part: ConversationPart, messageId: string, where: string): AgentryError {
  return new AgentryError({
    code: 'validation_failed',
    message: `Message ${messageId}: a ${part.type} part cannot appear in ${where}.`,
    details: { messageId, part: part.type },
    suggestions: [
      'Store user content as text and image parts, agent content as text, reasoning and tool-call parts, tool results in a tool message.',
    ],
  });
}

function toUserPart(part: ConversationPart, messageId: string): TextPart | ImagePart {
  if (part.type === 'text') return { type: 'text', text: part.text };
  if (part.type === 'image') {
    const image: ImagePart = {
      type: 'image',
      image:
        part.encoding === 'base64' ? new Uint8Array(Buffer.from(part.image, 'base64')) : part.image,
    };
    if (part.mediaType) image.mediaType = part.mediaType;
    return image;
  }
  throw wrongPart(part, messageId, 'a user message');
}

function toAssistantPart(
  part: ConversationPart,
  messageId: string,
): TextPart | ReasoningPart | ToolCallPart {
  if (part.type === 'text') return { type: 'text', text: part.text };
  if (part.type === 'tool-call')
    return {
      type: 'tool-call',
      toolCallId: part.toolCallId,
      toolName: part.toolName,
      input: part.input,
    };
  if (part.type === 'reasoning')
    return part.providerMetadata
      ? { type: 'reasoning', text: part.text, providerMetadata: part.providerMetadata }
      : { type: 'reasoning', text: part.text };
  throw wrongPart(part, messageId, 'an agent message');
}

function toToolResultPart(part: ConversationPart, messageId: string): ToolResultPart {
  if (part.type !== 'tool-result') throw wrongPart(part, messageId, 'a tool message');
  return part.isError
    ? {
        type: 'tool-result',
        toolCallId: part.toolCallId,
        toolName: part.toolName,
        output: part.output,
        isError: true,
      }
    : {
        type: 'tool-result',
        toolCallId: part.toolCallId,
        toolName: part.toolName,
        output: part.output,
      };
}
