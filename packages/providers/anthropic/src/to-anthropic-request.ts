import type {
  ContentBlockParam,
  ImageBlockParam,
  MessageCreateParamsBase,
  MessageParam,
  TextBlockParam,
  Tool,
  ToolChoice as AnthropicToolChoice,
  ToolResultBlockParam,
} from '@anthropic-ai/sdk/resources/messages';
import { transformJSONSchema } from '@anthropic-ai/sdk/lib/transform-json-schema';
import {
  AgentryError,
  type ImagePart,
  type ModelMessage,
  type ModelRequest,
  type ReasoningPart,
  type ToolChoice,
} from '@agentry/core';

/** The request body of one Messages API call, without `stream`, and what it had to leave out. */
export interface AnthropicRequest {
  /** The body. */
  readonly params: MessageCreateParamsBase;
  /**
   * The request's parameters the API does not take (`temperature`, `topP`, `seed`), which were
   * left out; reported in the response's `providerMetadata.anthropic.ignoredParameters`.
   */
  readonly ignoredParameters: readonly string[];
}

const imageMediaTypes = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
type ImageMediaType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';

/**
 * Builds the Messages API request for a model request:
 *
 * - `system` and the system messages before the first other message become the top-level
 *   `system`; a system message later in the conversation stays in place as a `system` message;
 * - user and tool messages become `user` turns (tool results first, as the API requires), assistant
 *   messages `assistant` turns, and consecutive turns of one role are merged into one;
 * - reasoning replays as `thinking` blocks with the signature kept in `providerMetadata.anthropic`
 *   (reasoning from another provider, which has none, is dropped: the API refuses unsigned
 *   thinking);
 * - images by `https:` URL become URL sources, bytes and `data:` URLs base64 sources;
 * - tools, tool choice (`required` is `any`), `responseFormat` as `output_config.format`
 *   (structured outputs, the schema made strict as the API asks), `maxTokens` (default
 *   `defaultMaxTokens`), `stop` as `stop_sequences`;
 * - `providerOptions.anthropic` is merged over the result (`output_config` field by field).
 *
 * `temperature`, `topP` and `seed` are left out: API version 2026-10-21, which the SDK speaks,
 * refuses sampling parameters.
 *
 * @throws AgentryError `invalid_request` for an image the API cannot take (an unsupported media
 *   type, bytes without a media type, a URL that is neither `https:` nor `data:`).
 * @internal
 */
export function toAnthropicRequest(
  modelId: string,
  request: ModelRequest,
  defaultMaxTokens: number,
): AnthropicRequest {
  const { system, messages } = toAnthropicMessages(request);
  const parameters = request.parameters ?? {};
  const params: MessageCreateParamsBase = {
    model: modelId,
    max_tokens: parameters.maxTokens ?? defaultMaxTokens,
    messages,
  };
  if (system !== undefined) params.system = system;
  if (parameters.stop !== undefined && parameters.stop.length > 0) {
    params.stop_sequences = parameters.stop;
  }
  const tools = request.tools ?? [];
  if (tools.length > 0) {
    params.tools = tools.map((tool): Tool => ({
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      input_schema: { type: 'object', ...tool.inputSchema },
    }));
    if (request.toolChoice !== undefined) params.tool_choice = toToolChoice(request.toolChoice);
  }
  if (request.responseFormat?.type === 'json') {
    params.output_config = {
      format: { type: 'json_schema', schema: strictSchema(request.responseFormat.schema) },
    };
  }
  const ignoredParameters = (['temperature', 'topP', 'seed'] as const).filter(
    (name) => parameters[name] !== undefined,
  );
  return {
    params: mergeProviderOptions(params, request.providerOptions?.['anthropic']),
    ignoredParameters,
  };
}

function toToolChoice(choice: ToolChoice): AnthropicToolChoice {
  if (typeof choice === 'object') return { type: 'tool', name: choice.toolName };
  switch (choice) {
    case 'auto':
      return { type: 'auto' };
    case 'none':
      return { type: 'none' };
    case 'required':
      return { type: 'any' };
  }
}

/**
 * The schema made strict the way structured outputs ask (`additionalProperties: false` on every
 * object, unsupported keywords moved into descriptions). A schema the transformation cannot read
 * (one without a `type` at some level) is sent as given, for the API to judge.
 */
function strictSchema(schema: Record<string, unknown>): Record<string, unknown> {
  try {
    return transformJSONSchema(schema);
  } catch {
    return schema;
  }
}

function mergeProviderOptions(
  params: MessageCreateParamsBase,
  options: Record<string, unknown> | undefined,
): MessageCreateParamsBase {
  if (options === undefined) return params;
  const merged: MessageCreateParamsBase = { ...params, ...options };
  const extra = options['output_config'];
  if (params.output_config !== undefined && typeof extra === 'object' && extra !== null) {
    merged.output_config = { ...params.output_config, ...extra };
  }
  return merged;
}

interface Turn {
  role: 'user' | 'assistant' | 'system';
  content: ContentBlockParam[];
}

function toAnthropicMessages(request: ModelRequest): {
  system: string | undefined;
  messages: MessageParam[];
} {
  const systemTexts = request.system !== undefined && request.system !== '' ? [request.system] : [];
  const turns: Turn[] = [];
  request.messages.forEach((message, messageIndex) => {
    if (message.role === 'system') {
      if (turns.length === 0) {
        if (message.content !== '') systemTexts.push(message.content);
        return;
      }
      addTurn(turns, 'system', [{ type: 'text', text: message.content }]);
      return;
    }
    const blocks = toBlocks(message, messageIndex);
    if (blocks.length > 0)
      addTurn(turns, message.role === 'assistant' ? 'assistant' : 'user', blocks);
  });
  return {
    system: systemTexts.length > 0 ? systemTexts.join('\n\n') : undefined,
    messages: turns.map((turn) => toMessageParam(turn)),
  };
}

function addTurn(turns: Turn[], role: Turn['role'], blocks: ContentBlockParam[]): void {
  const last = turns.at(-1);
  if (last !== undefined && last.role === role) last.content.push(...blocks);
  else turns.push({ role, content: blocks });
}

function toMessageParam(turn: Turn): MessageParam {
  if (turn.role === 'system') {
    return { role: 'system', content: turn.content as TextBlockParam[] };
  }
  if (turn.role === 'assistant') return { role: 'assistant', content: turn.content };
  // The API wants a user turn's tool results before anything else in it.
  const results = turn.content.filter((block) => block.type === 'tool_result');
  const others = turn.content.filter((block) => block.type !== 'tool_result');
  return { role: 'user', content: [...results, ...others] };
}

function toBlocks(
  message: Exclude<ModelMessage, { role: 'system' }>,
  messageIndex: number,
): ContentBlockParam[] {
  const blocks: ContentBlockParam[] = [];
  message.content.forEach((part, partIndex) => {
    switch (part.type) {
      case 'text':
        // The API refuses empty text blocks.
        if (part.text !== '') blocks.push({ type: 'text', text: part.text });
        break;
      case 'image':
        blocks.push(toImageBlock(part, messageIndex, partIndex));
        break;
      case 'reasoning': {
        const block = toThinkingBlock(part);
        if (block !== undefined) blocks.push(block);
        break;
      }
      case 'tool-call':
        blocks.push({
          type: 'tool_use',
          id: part.toolCallId,
          name: part.toolName,
          input: parseToolInput(part.input),
        });
        break;
      case 'tool-result':
        blocks.push(toToolResultBlock(part.toolCallId, part.output, part.isError));
        break;
    }
  });
  return blocks;
}

function toThinkingBlock(part: ReasoningPart): ContentBlockParam | undefined {
  const metadata = part.providerMetadata?.['anthropic'];
  const redacted = metadata?.['redactedData'];
  if (typeof redacted === 'string') return { type: 'redacted_thinking', data: redacted };
  const signature = metadata?.['signature'];
  if (typeof signature !== 'string') return undefined;
  return { type: 'thinking', thinking: part.text, signature };
}

/** The API takes a tool call's input only as an object; text that is not one replays as `{}`. */
function parseToolInput(input: string): Record<string, unknown> {
  if (input.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(input);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function toToolResultBlock(
  toolCallId: string,
  output: unknown,
  isError: boolean | undefined,
): ToolResultBlockParam {
  const text = typeof output === 'string' ? output : (JSON.stringify(output) ?? 'null');
  return {
    type: 'tool_result',
    tool_use_id: toolCallId,
    content: text,
    ...(isError === true ? { is_error: true } : {}),
  };
}

function toImageBlock(part: ImagePart, messageIndex: number, partIndex: number): ImageBlockParam {
  const path = `messages[${String(messageIndex)}].content[${String(partIndex)}]`;
  if (part.image instanceof Uint8Array) {
    return base64Image(Buffer.from(part.image).toString('base64'), part.mediaType, path);
  }
  const image = part.image;
  if (/^https?:\/\//i.test(image)) {
    if (!/^https:\/\//i.test(image)) {
      throw imageError(path, 'is an http: URL; the API fetches images only over https.', {
        suggestion: 'Use an https: URL, or send the image bytes.',
      });
    }
    return { type: 'image', source: { type: 'url', url: image } };
  }
  const dataUrl = /^data:([^;,]+)?(;base64)?,(.*)$/is.exec(image);
  if (dataUrl !== null) {
    const [, mediaType, base64, data = ''] = dataUrl;
    const encoded =
      base64 !== undefined ? data : Buffer.from(decodeURIComponent(data)).toString('base64');
    return base64Image(encoded, mediaType ?? part.mediaType, path);
  }
  // Base64 text has no colon, so anything with a scheme is a URL the API cannot fetch.
  if (/^[a-z][a-z0-9+.-]*:/i.test(image)) {
    throw imageError(
      path,
      `has a URL scheme the API does not take (${image.split(':')[0] ?? ''}:).`,
      {
        suggestion: 'Use an https: or data: URL, or send the image bytes.',
      },
    );
  }
  return base64Image(image, part.mediaType, path);
}

function base64Image(data: string, mediaType: string | undefined, path: string): ImageBlockParam {
  if (mediaType === undefined) {
    throw imageError(path, 'is bytes without a media type.', {
      suggestion: 'Set mediaType to image/jpeg, image/png, image/gif or image/webp.',
    });
  }
  const normalized = mediaType.toLowerCase();
  if (!imageMediaTypes.has(normalized)) {
    throw imageError(path, `is ${mediaType}, which the API does not read.`, {
      suggestion: 'Convert the image to JPEG, PNG, GIF or WebP.',
      mediaType,
    });
  }
  return {
    type: 'image',
    source: { type: 'base64', media_type: normalized as ImageMediaType, data },
  };
}

function imageError(
  path: string,
  problem: string,
  extra: { suggestion: string; mediaType?: string },
): AgentryError {
  return new AgentryError({
    code: 'invalid_request',
    message: `The image at ${path} ${problem}`,
    details: {
      provider: 'anthropic',
      path,
      ...(extra.mediaType !== undefined ? { mediaType: extra.mediaType } : {}),
    },
    suggestions: [extra.suggestion],
  });
}
