import {
  AgentryError,
  type ModelAssistantMessage,
  type ModelRequest,
  type ToolChoice,
} from '@agentry/core';
import type {
  ResponseCreateParamsBase,
  ResponseIncludable,
  ResponseInputItem,
  ToolChoiceFunction,
  ToolChoiceOptions,
} from 'openai/resources/responses/responses';
import { isStrictJsonSchema } from '../request/is-strict-json-schema.js';
import {
  acceptsSampling,
  openaiOptionsOf,
  toolOutputText,
  toSchemaName,
} from '../request/request-helpers.js';
import { toImageUrl } from '../request/to-image-url.js';
import { readReasoningMetadata } from './reasoning-metadata.js';

/**
 * Builds the body of a Responses API request (without `stream`): the system instructions as
 * `instructions`, the conversation as input items (assistant text, reasoning items with their
 * paired item ids, function calls, function call outputs, images as `input_image`), tools with
 * `strict` set when their schema allows it, the JSON schema as `text.format`, the parameters, and
 * `providerOptions.openai` over all of it. With `store: false` the request asks for encrypted
 * reasoning (`include: ['reasoning.encrypted_content']`), which is how reasoning is carried from
 * one call to the next without OpenAI storing it. The seed is not sent: the Responses API has none.
 *
 * @throws AgentryError `invalid_request` when the request has stop sequences (the Responses API
 *   has none; use `api: 'chat'`), or an image's bytes have no recognisable media type
 * @internal
 */
export function toResponsesRequest(
  request: ModelRequest,
  modelId: string,
): ResponseCreateParamsBase {
  const options = openaiOptionsOf(request);
  const parameters = request.parameters ?? {};
  if (parameters.stop !== undefined && parameters.stop.length > 0) {
    throw new AgentryError({
      code: 'invalid_request',
      message: `The OpenAI Responses API has no stop sequences, but parameters.stop is set for model ${modelId}.`,
      details: { provider: 'openai', path: 'parameters.stop' },
      suggestions: [
        "Remove parameters.stop, or create the model with api: 'chat' (Chat Completions has stop sequences).",
      ],
    });
  }
  const stored = options.store !== false;
  const body: ResponseCreateParamsBase = { model: modelId, input: toInputItems(request, stored) };
  if (request.system !== undefined && request.system !== '') body.instructions = request.system;
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.inputSchema,
      strict: isStrictJsonSchema(tool.inputSchema),
    }));
  }
  if (request.toolChoice !== undefined) body.tool_choice = toToolChoice(request.toolChoice);
  if (request.responseFormat?.type === 'json') {
    const { schema, name, description } = request.responseFormat;
    body.text = {
      format: {
        type: 'json_schema',
        name: toSchemaName(name),
        ...(description === undefined ? {} : { description }),
        schema,
        strict: isStrictJsonSchema(schema),
      },
    };
  }
  if (acceptsSampling(modelId, options)) {
    if (parameters.temperature !== undefined) body.temperature = parameters.temperature;
    if (parameters.topP !== undefined) body.top_p = parameters.topP;
  }
  if (parameters.maxTokens !== undefined) body.max_output_tokens = parameters.maxTokens;
  if (!stored) body.include = ['reasoning.encrypted_content'];
  const merged: ResponseCreateParamsBase = { ...body, ...options };
  if (!stored && Array.isArray(options.include)) {
    const own = (options.include as unknown[]).filter((entry) => typeof entry === 'string');
    merged.include = [...new Set([...own, 'reasoning.encrypted_content'])] as ResponseIncludable[];
  }
  return merged;
}

function toToolChoice(choice: ToolChoice): ToolChoiceOptions | ToolChoiceFunction {
  return typeof choice === 'string' ? choice : { type: 'function', name: choice.toolName };
}

function toInputItems(request: ModelRequest, stored: boolean): ResponseInputItem[] {
  const items: ResponseInputItem[] = [];
  request.messages.forEach((message, index) => {
    switch (message.role) {
      case 'system':
        items.push({ role: 'system', content: message.content });
        break;
      case 'user':
        items.push({
          role: 'user',
          content: message.content.map((part, partIndex) =>
            part.type === 'text'
              ? { type: 'input_text' as const, text: part.text }
              : {
                  type: 'input_image' as const,
                  detail: 'auto' as const,
                  image_url: toImageUrl(part, `messages[${index}].content[${partIndex}]`),
                },
          ),
        });
        break;
      case 'assistant':
        items.push(...toAssistantItems(message, stored));
        break;
      case 'tool':
        for (const part of message.content) {
          items.push({
            type: 'function_call_output',
            call_id: part.toolCallId,
            output: toolOutputText(part),
          });
        }
        break;
    }
  });
  return items;
}

/**
 * An assistant message as input items, in order. A reasoning item goes back (by id, with its
 * encrypted content when OpenAI does not store it) only when the items that followed it are there
 * too, which then carry their ids; otherwise reasoning is left out and the text and calls go back
 * without item ids, which OpenAI always accepts.
 */
function toAssistantItems(message: ModelAssistantMessage, stored: boolean): ResponseInputItem[] {
  const items: ResponseInputItem[] = [];
  const callIds = new Set(
    message.content.flatMap((part) => (part.type === 'tool-call' ? [part.toolCallId] : [])),
  );
  const hasText = message.content.some((part) => part.type === 'text' && part.text !== '');
  let messageItemId: string | undefined;
  let callItemIds: Record<string, string> = {};
  let text = '';
  const flushText = () => {
    if (text === '') return;
    items.push(
      messageItemId === undefined
        ? { role: 'assistant', content: text }
        : {
            type: 'message',
            id: messageItemId,
            role: 'assistant',
            status: 'completed',
            content: [{ type: 'output_text', text, annotations: [] }],
          },
    );
    messageItemId = undefined;
    text = '';
  };
  for (const part of message.content) {
    if (part.type === 'text') {
      text += part.text;
      continue;
    }
    flushText();
    if (part.type === 'reasoning') {
      const metadata = readReasoningMetadata(part);
      const complete =
        metadata !== undefined &&
        (stored || metadata.encryptedContent !== undefined) &&
        (metadata.messageItemId === undefined || hasText) &&
        Object.keys(metadata.functionCallItemIds ?? {}).every((callId) => callIds.has(callId));
      if (!complete) continue;
      items.push({
        type: 'reasoning',
        id: metadata.itemId,
        summary: part.text === '' ? [] : [{ type: 'summary_text', text: part.text }],
        ...(metadata.encryptedContent === undefined
          ? {}
          : { encrypted_content: metadata.encryptedContent }),
      });
      messageItemId = metadata.messageItemId;
      callItemIds = metadata.functionCallItemIds ?? {};
      continue;
    }
    const itemId = callItemIds[part.toolCallId];
    items.push({
      type: 'function_call',
      call_id: part.toolCallId,
      name: part.toolName,
      arguments: part.input,
      ...(itemId === undefined ? {} : { id: itemId }),
    });
  }
  flushText();
  return items;
}
