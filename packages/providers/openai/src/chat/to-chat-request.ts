import type { ModelMessage, ModelRequest, ToolChoice } from '@agentry/core';
import type {
  ChatCompletionContentPart,
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import { isStrictJsonSchema } from '../request/is-strict-json-schema.js';
import {
  acceptsSampling,
  openaiOptionsOf,
  toolOutputText,
  toSchemaName,
} from '../request/request-helpers.js';
import { toImageUrl } from '../request/to-image-url.js';

/**
 * How a Chat Completions request is built for one model.
 *
 * @internal
 */
export interface ChatRequestSettings {
  /** The model called. */
  readonly modelId: string;
  /**
   * The field for the output token limit: `max_completion_tokens` for OpenAI (reasoning models
   * refuse `max_tokens`), `max_tokens` for OpenAI-compatible servers, which all read it.
   */
  readonly tokenLimitField: 'max_completion_tokens' | 'max_tokens';
}

/**
 * Builds the body of a Chat Completions request (without `stream`): system instructions first,
 * then the conversation (assistant tool calls as `tool_calls`, tool results as `tool` messages,
 * images as `image_url` parts), tools with `strict` set when their schema allows it, the JSON
 * schema response format, the parameters, and `providerOptions.openai` over all of it.
 *
 * @throws AgentryError `invalid_request` when an image's bytes have no recognisable media type
 * @internal
 */
export function toChatRequest(
  request: ModelRequest,
  settings: ChatRequestSettings,
): ChatCompletionCreateParamsBase {
  const options = openaiOptionsOf(request);
  const parameters = request.parameters ?? {};
  const sampling = acceptsSampling(settings.modelId, options);
  const body: ChatCompletionCreateParamsBase = {
    model: settings.modelId,
    messages: toChatMessages(request),
  };
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        parameters: tool.inputSchema,
        ...(isStrictJsonSchema(tool.inputSchema) ? { strict: true } : {}),
      },
    }));
  }
  if (request.toolChoice !== undefined) body.tool_choice = toChatToolChoice(request.toolChoice);
  if (request.responseFormat?.type === 'json') {
    const { schema, name, description } = request.responseFormat;
    body.response_format = {
      type: 'json_schema',
      json_schema: {
        name: toSchemaName(name),
        ...(description === undefined ? {} : { description }),
        schema,
        strict: isStrictJsonSchema(schema),
      },
    };
  }
  if (sampling && parameters.temperature !== undefined) body.temperature = parameters.temperature;
  if (sampling && parameters.topP !== undefined) body.top_p = parameters.topP;
  if (parameters.maxTokens !== undefined) body[settings.tokenLimitField] = parameters.maxTokens;
  if (parameters.stop !== undefined && parameters.stop.length > 0) body.stop = parameters.stop;
  if (parameters.seed !== undefined) body.seed = parameters.seed;
  return { ...body, ...options };
}

function toChatToolChoice(choice: ToolChoice): ChatCompletionToolChoiceOption {
  return typeof choice === 'string'
    ? choice
    : { type: 'function', function: { name: choice.toolName } };
}

function toChatMessages(request: ModelRequest): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [];
  if (request.system !== undefined && request.system !== '') {
    messages.push({ role: 'system', content: request.system });
  }
  request.messages.forEach((message, index) => messages.push(...toChatMessage(message, index)));
  return messages;
}

function toChatMessage(message: ModelMessage, index: number): ChatCompletionMessageParam[] {
  switch (message.role) {
    case 'system':
      return [{ role: 'system', content: message.content }];
    case 'user': {
      const [only] = message.content;
      if (message.content.length === 1 && only?.type === 'text') {
        return [{ role: 'user', content: only.text }];
      }
      const content = message.content.map((part, partIndex): ChatCompletionContentPart =>
        part.type === 'text'
          ? { type: 'text', text: part.text }
          : {
              type: 'image_url',
              image_url: { url: toImageUrl(part, `messages[${index}].content[${partIndex}]`) },
            },
      );
      return [{ role: 'user', content }];
    }
    case 'assistant': {
      let text = '';
      const toolCalls = [];
      for (const part of message.content) {
        if (part.type === 'text') text += part.text;
        // Reasoning is not sent back: Chat Completions has no field for it.
        if (part.type === 'tool-call') {
          toolCalls.push({
            id: part.toolCallId,
            type: 'function' as const,
            function: { name: part.toolName, arguments: part.input },
          });
        }
      }
      return [
        {
          role: 'assistant',
          content: text === '' && toolCalls.length > 0 ? null : text,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
      ];
    }
    case 'tool':
      return message.content.map((part) => ({
        role: 'tool' as const,
        tool_call_id: part.toolCallId,
        content: toolOutputText(part),
      }));
  }
}
