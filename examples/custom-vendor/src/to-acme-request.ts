import { createProviderError, type ModelRequest, type ToolChoice } from '@agentry/core';
import type { AcmeItem, AcmeRequest, AcmeTurn } from './acme-protocol.js';

/** The provider name errors carry in `details.provider`. */
export const PROVIDER_NAME = 'acme';

function toolUse(choice: ToolChoice | undefined): string | undefined {
  if (choice === undefined || choice === 'auto') return undefined;
  if (choice === 'none') return 'never';
  if (choice === 'required') return 'always';
  return choice.toolName;
}

function outputText(output: unknown): string {
  return typeof output === 'string' ? output : JSON.stringify(output);
}

/**
 * Maps Agentry's model request to Acme's body: `system` and system messages become the `brief`,
 * user, assistant and tool messages become `user`, `agent` and `tool` turns (images as base64 or
 * a URL, tool calls and results by their call id as `ref`, arguments passed through as text),
 * tools keep their JSON schema, and the parameters map to `max_output`, `temperature` and
 * `halt_on`.
 *
 * @throws AgentryError `invalid_request` for a JSON response format, which Acme does not offer
 * @example
 * ```ts
 * toAcmeRequest({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] }, 'acme-large');
 * // { model: 'acme-large', turns: [{ speaker: 'user', items: [{ text: 'Hi' }] }] }
 * ```
 */
export function toAcmeRequest(request: ModelRequest, modelId: string): AcmeRequest {
  if (request.responseFormat?.type === 'json') {
    throw createProviderError({
      provider: PROVIDER_NAME,
      code: 'invalid_request',
      message: `Acme's ${modelId} has no JSON output mode (request.responseFormat.type "json").`,
    });
  }
  const briefs = request.system === undefined ? [] : [request.system];
  const turns: AcmeTurn[] = [];
  for (const message of request.messages) {
    if (message.role === 'system') {
      briefs.push(message.content);
      continue;
    }
    const items: AcmeItem[] = message.content.map((part): AcmeItem => {
      switch (part.type) {
        case 'text':
          return { text: part.text };
        case 'reasoning':
          return { thought: part.text };
        case 'image':
          return {
            image:
              typeof part.image === 'string'
                ? { url: part.image }
                : {
                    mime: part.mediaType ?? 'image/png',
                    base64: Buffer.from(part.image).toString('base64'),
                  },
          };
        case 'tool-call':
          return { call: { ref: part.toolCallId, tool: part.toolName, args: part.input } };
        case 'tool-result':
          return {
            result: {
              ref: part.toolCallId,
              tool: part.toolName,
              output: outputText(part.output),
              ...(part.isError === true ? { failed: true } : {}),
            },
          };
      }
    });
    const speaker = message.role === 'assistant' ? 'agent' : message.role;
    turns.push({ speaker, items });
  }
  const { parameters } = request;
  const use = toolUse(request.toolChoice);
  return {
    model: modelId,
    ...(briefs.length > 0 ? { brief: briefs.join('\n\n') } : {}),
    turns,
    ...(request.tools !== undefined && request.tools.length > 0
      ? {
          tools: request.tools.map((tool) => ({
            name: tool.name,
            ...(tool.description !== undefined ? { about: tool.description } : {}),
            params: tool.inputSchema,
          })),
        }
      : {}),
    ...(use !== undefined ? { tool_use: use } : {}),
    ...(parameters?.maxTokens !== undefined ? { max_output: parameters.maxTokens } : {}),
    ...(parameters?.temperature !== undefined ? { temperature: parameters.temperature } : {}),
    ...(parameters?.stop !== undefined ? { halt_on: parameters.stop } : {}),
  };
}
