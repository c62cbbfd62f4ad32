import {
  createProviderError,
  type ImagePart,
  type ModelMessage,
  type ModelRequest,
  type ToolChoice,
} from '@agentry/core';
import { PROVIDER_NAME } from './to-chat-error.js';

/** A Chat Completions message, as the request body carries it. */
type ChatMessage = Record<string, unknown>;

/** The URL of an image: `https:` and `data:` URLs as they are, bytes and base64 as a data URL. */
function imageUrl(part: ImagePart, path: string): string {
  if (typeof part.image === 'string' && /^(https?|data):/i.test(part.image)) return part.image;
  if (part.mediaType === undefined) {
    throw createProviderError({
      provider: PROVIDER_NAME,
      code: 'invalid_request',
      message: `${path} is an image given as bytes without a mediaType; say which it is (image/png, image/jpeg, …).`,
    });
  }
  const base64 =
    typeof part.image === 'string' ? part.image : Buffer.from(part.image).toString('base64');
  return `data:${part.mediaType};base64,${base64}`;
}

function toChatMessages(message: ModelMessage, index: number): ChatMessage[] {
  switch (message.role) {
    case 'system':
      return [{ role: 'system', content: message.content }];
    case 'user': {
      // Plain text stays a string: some servers accept content arrays only for vision models.
      if (message.content.every((part) => part.type === 'text')) {
        return [{ role: 'user', content: message.content.map((part) => part.text).join('') }];
      }
      const content = message.content.map((part, partIndex) =>
        part.type === 'text'
          ? { type: 'text', text: part.text }
          : {
              type: 'image_url',
              image_url: { url: imageUrl(part, `messages[${index}].content[${partIndex}]`) },
            },
      );
      return [{ role: 'user', content }];
    }
    case 'assistant': {
      // Reasoning is not sent back: compatible servers do not take it as input.
      const text = message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
      const toolCalls = message.content.flatMap((part) =>
        part.type === 'tool-call'
          ? [
              {
                id: part.toolCallId,
                type: 'function',
                function: { name: part.toolName, arguments: part.input },
              },
            ]
          : [],
      );
      return [
        {
          role: 'assistant',
          content: text === '' && toolCalls.length > 0 ? null : text,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
      ];
    }
    case 'tool':
      return message.content.map((result) => ({
        role: 'tool',
        tool_call_id: result.toolCallId,
        content: typeof result.output === 'string' ? result.output : JSON.stringify(result.output),
      }));
  }
}

function toChatToolChoice(choice: ToolChoice): unknown {
  return typeof choice === 'string'
    ? choice
    : { type: 'function', function: { name: choice.toolName } };
}

/**
 * Maps a model request to a Chat Completions request body: the system instructions and messages
 * (images as `image_url` parts, tool calls as `tool_calls`, each tool result as a `tool` message
 * answering its call id), tools as functions, the tool choice, a JSON schema response format,
 * the sampling parameters, and `providerOptions.openai` merged in last (for server-specific
 * fields). A stream asks for the usage chunk (`stream_options.include_usage`).
 *
 * @throws AgentryError `invalid_request` for an image given as bytes without a media type
 * @example
 * ```ts
 * const body = toChatRequest({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] }, 'llama3.2', true);
 * ```
 */
export function toChatRequest(
  request: ModelRequest,
  modelId: string,
  stream: boolean,
): Record<string, unknown> {
  const messages: ChatMessage[] = request.system
    ? [{ role: 'system', content: request.system }]
    : [];
  request.messages.forEach((message, index) => messages.push(...toChatMessages(message, index)));
  const { parameters = {}, responseFormat } = request;
  return {
    model: modelId,
    messages,
    ...(request.tools?.length
      ? {
          tools: request.tools.map((tool) => ({
            type: 'function',
            function: {
              name: tool.name,
              ...(tool.description ? { description: tool.description } : {}),
              parameters: tool.inputSchema,
            },
          })),
        }
      : {}),
    ...(request.toolChoice ? { tool_choice: toChatToolChoice(request.toolChoice) } : {}),
    ...(responseFormat?.type === 'json'
      ? {
          response_format: {
            type: 'json_schema',
            json_schema: {
              name: responseFormat.name ?? 'response',
              ...(responseFormat.description ? { description: responseFormat.description } : {}),
              schema: responseFormat.schema,
            },
          },
        }
      : {}),
    ...(parameters.temperature === undefined ? {} : { temperature: parameters.temperature }),
    ...(parameters.maxTokens === undefined ? {} : { max_tokens: parameters.maxTokens }),
    ...(parameters.topP === undefined ? {} : { top_p: parameters.topP }),
    ...(parameters.stop === undefined ? {} : { stop: parameters.stop }),
    ...(parameters.seed === undefined ? {} : { seed: parameters.seed }),
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    ...request.providerOptions?.openai,
  };
}
